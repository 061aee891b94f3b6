"""`bulwark export` opens the store without building its attribute index (src/store/sqlite/sqlite_store.h,
attribute_index_at_open = false); filters that need it (attribute uuids, values) build it on first use. Its output
must equal, byte for byte, what `serve` (index built at open) answers on attributes/restSearch, with and without
such filters, also after the serving hub wrote more attributes.
"""
import json
import subprocess
import unittest

from harness import BIN, Hub


class ExportWithoutIndexTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = Hub()
        event = {"info": "lazy index", "published": True, "distribution": 1, "Attribute": [
            {"type": "ip-dst", "value": "198.51.100.20", "to_ids": True, "uuid": "5c1f0c4e-0000-4000-8000-00000000a001"},
            {"type": "domain|ip", "value": "lazy.example|198.51.100.20", "to_ids": True},
            {"type": "domain", "value": "other.example", "to_ids": True, "uuid": "5c1f0c4e-0000-4000-8000-00000000a003"},
            {"type": "md5", "value": "d41d8cd98f00b204e9800998ecf8427e", "to_ids": False}]}
        r = cls.hub.post("/events/add", {"Event": event})
        assert r.status == 200, r

    @classmethod
    def tearDownClass(cls):
        cls.hub.close()

    def route(self, filters):
        r = self.hub.post("/attributes/restSearch", dict(filters, returnFormat="csv"))
        self.assertEqual(r.status, 200, r)
        return r.body

    def cli(self, filters):
        out = subprocess.run([BIN, "export", "--data-dir", self.hub.data_dir, "--format", "csv", "--filter",
                              json.dumps(filters)], capture_output=True, timeout=120)
        self.assertEqual(out.returncode, 0, out.stderr)
        return out.stdout

    def check_all(self):
        cases = [{}, {"value": "198.51.100.20"}, {"value": ["lazy.example|198.51.100.20"]},
                 {"uuid": ["5c1f0c4e-0000-4000-8000-00000000a001", "5c1f0c4e-0000-4000-8000-00000000a003"]},
                 {"value": "no-such-value.example"}]
        expected = [self.route(f) for f in cases]
        self.hub.stop()
        try:
            got = [self.cli(f) for f in cases]
        finally:
            self.hub.start()
        for f, e, g in zip(cases, expected, got):
            self.assertEqual(g, e, f)
        return expected

    def test_export_equals_the_route_with_and_without_index_filters(self):
        expected = self.check_all()
        self.assertEqual(expected[1].count(b"\n"), 4, expected[1])  # header, two rows, the closing empty line
        self.assertEqual(expected[3].count(b"\n"), 4, expected[3])
        # More attributes written by the serving hub after the first exports: still the same bytes.
        r = self.hub.post("/events/add", {"Event": {"info": "later", "distribution": 1, "Attribute": [
            {"type": "ip-dst", "value": "198.51.100.20", "to_ids": True}]}})
        self.assertEqual(r.status, 200, r)
        again = self.check_all()
        self.assertEqual(again[1].count(b"\n"), 5, again[1])


if __name__ == "__main__":
    unittest.main()
