"""Exports: returnFormat on both restSearch routes and `bulwark export --format F` (src/api/export_stream.h).

The CSV export of MISP's own CI event equals MISP's golden file byte for byte; detection formats default to
to_ids attributes of published events; stix2 output validates against the STIX 2.1 JSON schemas; an unknown
format is a clear error.
"""
import json
import os
import subprocess
import unittest

from harness import BIN, Hub, check_stix_schemas, testdata



def load_event(name):
    path = testdata("misp", "events", name)
    if path is None:
        return None
    with open(path) as f:
        doc = json.load(f)
    return doc.get("Event", doc)


class GoldenCsvTest(unittest.TestCase):
    """A fresh hub whose first event is misp-ci-event.json, so its event id is 1 as in MISP's golden file."""

    @classmethod
    def setUpClass(cls):
        cls.event = load_event("misp-ci-event.json")
        cls.golden = testdata("misp", "events", "misp-ci-event.expected.csv")
        cls.hub = Hub()
        if cls.event is not None:
            r = cls.hub.post("/events/add", {"Event": cls.event})
            assert r.status == 200, r
            cls.event_id = r.json()["Event"]["id"]

    @classmethod
    def tearDownClass(cls):
        cls.hub.close()

    def setUp(self):
        if self.event is None or self.golden is None:
            self.skipTest("misp/events/misp-ci-event.json or its expected CSV is missing from the shared test data")

    def expected(self):
        with open(self.golden, "rb") as f:
            return f.read()

    def test_events_restsearch_csv_equals_misps_golden_file(self):
        self.assertEqual(self.event_id, "1")
        r = self.hub.post("/events/restSearch", {"returnFormat": "csv", "eventid": self.event_id})
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.headers["Content-Type"].startswith("text/csv"), r.headers)
        self.assertEqual(r.body, self.expected())

    def test_cli_export_csv_equals_the_route(self):
        self.hub.stop()
        try:
            out = subprocess.run([BIN, "export", "--data-dir", self.hub.data_dir, "--format", "csv", "--scope",
                                  "events", "--filter", json.dumps({"eventid": self.event_id})],
                                 capture_output=True, timeout=120)
        finally:
            self.hub.start()
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout, self.expected())
        self.assertIn(b"bytes in", out.stderr)


class FormatsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = Hub()
        published = {"info": "published campaign", "published": True, "distribution": 1, "Attribute": [
            {"type": "ip-dst", "value": "198.51.100.10", "to_ids": True},
            {"type": "domain", "value": "phish.example", "to_ids": True},
            {"type": "md5", "value": "d41d8cd98f00b204e9800998ecf8427e", "to_ids": True},
            {"type": "url", "value": "http://phish.example/login", "to_ids": True},
            {"type": "comment", "value": "not for detection", "to_ids": False}]}
        draft = {"info": "draft", "published": False, "distribution": 1, "Attribute": [
            {"type": "ip-dst", "value": "203.0.113.50", "to_ids": True}]}
        for e in (published, draft):
            r = cls.hub.post("/events/add", {"Event": e})
            assert r.status == 200, r

    @classmethod
    def tearDownClass(cls):
        cls.hub.close()

    def export(self, route, fmt, **filters):
        body = dict(filters, returnFormat=fmt)
        r = self.hub.post(route, body)
        self.assertEqual(r.status, 200, r)
        return r.body.decode("utf-8")

    def test_detection_formats_default_to_actionable_published(self):
        for fmt in ("text", "suricata", "snort", "zeek", "rpz"):
            with self.subTest(fmt=fmt):
                out = self.export("/attributes/restSearch", fmt)
                self.assertNotIn("203.0.113.50", out, "unpublished event exported")
                self.assertNotIn("not for detection", out, "non-actionable attribute exported")
        text = self.export("/attributes/restSearch", "text").split()
        self.assertEqual(sorted(text), sorted(["198.51.100.10", "phish.example", "d41d8cd98f00b204e9800998ecf8427e",
                                               "http://phish.example/login"]))
        self.assertEqual(self.export("/attributes/restSearch", "hashes").split(), ["d41d8cd98f00b204e9800998ecf8427e"])
        # Asking explicitly overrides the default.
        self.assertIn("203.0.113.50", self.export("/attributes/restSearch", "text", published=False))

    def test_suricata_rules_and_zeek_intel_shapes(self):
        rules = [l for l in self.export("/attributes/restSearch", "suricata").splitlines() if l and not l.startswith("#")]
        self.assertTrue(rules)
        for rule in rules:
            self.assertTrue(rule.startswith("alert "), rule)
            self.assertTrue(rule.endswith(")"), rule)
            self.assertIn("sid:", rule)
        zeek = self.export("/attributes/restSearch", "zeek")
        self.assertIn("#fields\tindicator\tindicator_type", zeek)
        self.assertIn("198.51.100.10\tIntel::ADDR", zeek)
        self.assertIn("phish.example\tIntel::DOMAIN", zeek)

    def test_csv_from_attributes_restsearch_is_csv(self):
        out = self.export("/attributes/restSearch", "csv", type="ip-dst")
        lines = [l for l in out.splitlines() if l]  # MISP's CSV ends with an empty line
        self.assertTrue(lines[0].startswith("uuid,event_id,category,type,value"), lines[0])
        self.assertEqual(len(lines), 3, out)  # header + both ip-dst (csv has no detection defaults)

    def test_stix2_bundle_validates_against_the_schemas(self):
        for route in ("/events/restSearch", "/attributes/restSearch"):
            with self.subTest(route=route):
                bundle = json.loads(self.export(route, "stix2"))
                self.assertEqual(bundle["type"], "bundle")
                types = {o["type"] for o in bundle["objects"]}
                self.assertIn("indicator", types)
                check_stix_schemas(self, bundle)

    def test_unknown_format_is_a_clear_error(self):
        r = self.hub.post("/attributes/restSearch", {"returnFormat": "pdf"})
        self.assertIn(r.status, (400, 422), r)
        err = r.json()["error"]
        self.assertEqual(err["field"], "returnFormat")
        self.assertIn("csv", err["message"])
        self.assertIn("stix2", err["message"])


if __name__ == "__main__":
    unittest.main()
