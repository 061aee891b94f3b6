"""Attachment and malware-sample data in STIX 2.1 exports (docs/stix-mapping.md, "Attachments and malware samples").

restSearch with returnFormat stix2 carries the data as artifact SCOs only when asked (withAttachments, as the JSON
answer); `bulwark export --format stix2` always does. An attachment's artifact holds its bytes; a sample's holds
MISP's zip (password "infected"), which the artifact says how to open. The bundle validates against the OASIS
schemas, and `bulwark import stix` of it into another hub gives the attributes back with their data."""
import base64
import json
import os
import subprocess
import tempfile
import unittest

from harness import BIN, Hub, check_stix_schemas
from test_attachments import unzip_sample

PDF = b"%PDF-1.7\n\x00\x01\xfe invoice for the election office"
SAMPLE = b"MZ\x90\x00\x03 the dropper the invoice fetches \x00\xff"


def artifacts(bundle):
    return {o["id"]: o for o in bundle["objects"] if o["type"] == "artifact"}


class StixAttachmentsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = Hub()
        r = cls.hub.post("/events/add", {"Event": {
            "info": "Invoice lure with dropper", "distribution": 1, "Attribute": [
                {"type": "attachment", "value": "invoice.pdf", "to_ids": False,
                 "data": base64.b64encode(PDF).decode()},
                {"type": "malware-sample", "value": "dropper.exe", "encrypt": True, "to_ids": True,
                 "data": base64.b64encode(SAMPLE).decode()},
                {"type": "domain", "value": "invoices.example", "to_ids": True}]}})
        assert r.status == 200, r
        cls.event = r.json()["Event"]
        cls.uuids = {a["type"]: a["uuid"] for a in cls.event["Attribute"]}

    @classmethod
    def tearDownClass(cls):
        cls.hub.close()

    def export(self, route, **body):
        r = self.hub.post(route, dict(body, returnFormat="stix2", eventid=self.event["id"]))
        self.assertEqual(r.status, 200, r)
        return json.loads(r.body)

    def check_content(self, bundle):
        arts = artifacts(bundle)
        self.assertEqual(len(arts), 2, list(arts))
        by_id = {o["id"]: o for o in bundle["objects"]}
        observed = by_id["observed-data--" + self.uuids["attachment"]]
        files = [by_id[r] for r in observed["object_refs"] if r.startswith("file--")]
        self.assertEqual(len(files), 1)
        pdf = arts[files[0]["content_ref"]]
        self.assertEqual(base64.b64decode(pdf["payload_bin"]), PDF)
        self.assertNotIn("encryption_algorithm", pdf)
        indicator = by_id["indicator--" + self.uuids["malware-sample"]]
        self.assertNotIn("content_ref", indicator["pattern"])
        zipped = arts[indicator["x_misp_attachment_ref"]]
        self.assertEqual(zipped["mime_type"], "application/zip")
        self.assertEqual(zipped["encryption_algorithm"], "mime-type-indicated")
        self.assertEqual(zipped["decryption_key"], "infected")
        self.assertEqual(unzip_sample(base64.b64decode(zipped["payload_bin"])), (SAMPLE, b"dropper.exe"))

    def test_restsearch_leaves_data_out_unless_asked(self):
        for route in ("/events/restSearch", "/attributes/restSearch"):
            with self.subTest(route=route):
                bundle = self.export(route)
                self.assertEqual(artifacts(bundle), {})
                self.assertFalse(any("content_ref" in o or "x_misp_attachment_ref" in o for o in bundle["objects"]))

    def test_restsearch_with_attachments_carries_artifacts_that_validate(self):
        for route in ("/events/restSearch", "/attributes/restSearch"):
            with self.subTest(route=route):
                bundle = self.export(route, withAttachments=True)
                self.check_content(bundle)
                check_stix_schemas(self, bundle)

    def test_cli_export_and_import_round_trip_the_data(self):
        tmp = tempfile.mkdtemp(prefix="bulwark-stix-attachments-")
        path = os.path.join(tmp, "bundle.json")
        self.hub.stop()
        try:
            out = subprocess.run([BIN, "export", "--data-dir", self.hub.data_dir, "--format", "stix2", "--scope",
                                  "events", "--filter", json.dumps({"eventid": self.event["id"]}), "-o", path],
                                 capture_output=True, text=True, timeout=120)
        finally:
            self.hub.start()
        self.assertEqual(out.returncode, 0, out.stderr)
        with open(path) as f:
            bundle = json.load(f)
        self.check_content(bundle)
        with Hub() as other:
            r = other.cli("import", "stix", path, timeout=300)
            self.assertIn("stored", r.stdout)
            for kind, raw in (("attachment", PDF), ("malware-sample", SAMPLE)):
                with self.subTest(kind=kind):
                    view = other.get("/attributes/view/" + self.uuids[kind])
                    self.assertEqual(view.status, 200, view)
                    attr = view.json()["Attribute"]
                    self.assertEqual(attr["type"], kind)
                    self.assertIn("data", attr, "the imported %s lost its data" % kind)
                    data = base64.b64decode(attr["data"])
                    if kind == "malware-sample":
                        data = unzip_sample(data)[0]
                    self.assertEqual(data, raw)


if __name__ == "__main__":
    unittest.main()
