"""Malware samples in MISP's zip form, both ways, as PyMISP and another MISP see them.

PyMISP uploads the raw file with "encrypt": true and reads `data` back with MISPAttribute.malware_binary (the
zip's entry that is not <md5>.filename.txt, password "infected"); a MISP server or feed sends the zip itself.
The hub stores the raw sample either way (the md5 in name|md5 is the sample's), serves the zip wherever MISP
does, byte-stable, and refuses a zip in MISP's form that does not open with 422 on `data`, writing nothing."""
import base64
import hashlib
import io
import json
import os
import unittest
import zipfile

from harness import Hub, read_testdata
from test_attachments import stored_files, unzip_sample

BINARY = ("flows", "netflow-payloads", "ipfix.dat")
# A real sample zip written by MISP: the malware-sample attribute of PyMISP's HTML_event.json test event.
MISP_EVENT = ("misp", "events", "pymisp", "HTML_event.json")


def misp_sample_zip():
    event = json.loads(read_testdata(*MISP_EVENT))["Event"]
    sample = [a for a in event["Attribute"] if a["type"] == "malware-sample"][0]
    return sample["value"], base64.b64decode(sample["data"])


class SampleZipTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sample = read_testdata(*BINARY)
        cls.hub = Hub()
        r = cls.hub.post("/events/add", {"Event": {"info": "Samples from the election-office intrusion"}})
        assert r.status == 200, r
        cls.event = r.json()["Event"]

    @classmethod
    def tearDownClass(cls):
        cls.hub.close()

    def add(self, attribute):
        return self.hub.post("/attributes/add/%s" % self.event["id"], attribute)

    def native_bytes(self, attribute_id):
        r = self.hub.get("/api/v1/attributes/%s/attachment" % attribute_id)
        self.assertEqual(r.status, 200, r)
        return r.body

    def test_pymisp_upload_with_encrypt_reads_back_through_malware_binary(self):
        r = self.add({"type": "malware-sample", "value": "ipfix.dat", "encrypt": True,
                      "data": base64.b64encode(self.sample).decode()})
        self.assertEqual(r.status, 200, r)
        attr = r.json()["Attribute"]
        md5 = hashlib.md5(self.sample).hexdigest()
        self.assertEqual(attr["value"], "ipfix.dat|" + md5)
        view = self.hub.get("/attributes/view/%s" % attr["id"]).json()["Attribute"]
        zipped = base64.b64decode(view["data"])
        self.assertEqual(unzip_sample(zipped), (self.sample, b"ipfix.dat"))
        with zipfile.ZipFile(io.BytesIO(zipped)) as z:
            self.assertEqual(z.namelist(), [md5, md5 + ".filename.txt"])
            with self.assertRaises(RuntimeError):  # encrypted: no password, no bytes
                z.read(md5)
        # Byte-stable: every read path returns the same zip.
        again = self.hub.get("/attributes/view/%s" % attr["id"]).json()["Attribute"]["data"]
        self.assertEqual(again, view["data"])
        ev = self.hub.get("/events/view/%s" % self.event["id"]).json()["Event"]
        self.assertEqual([a["data"] for a in ev["Attribute"] if a["id"] == attr["id"]], [view["data"]])
        found = self.hub.post("/attributes/restSearch", {"uuid": attr["uuid"], "withAttachments": 1}).json()
        self.assertEqual(found["response"]["Attribute"][0]["data"], view["data"])
        self.assertEqual(self.hub.get("/attributes/downloadAttachment/download/%s" % attr["id"]).body, zipped)
        self.assertEqual(self.native_bytes(attr["id"]), self.sample)

    def test_a_zip_from_misp_is_stored_as_the_sample_inside(self):
        value, zipped = misp_sample_zip()
        name, md5 = value.split("|")
        for sent in (name, value):  # PyMISP's bare name, or the name|md5 a MISP feed carries
            event = self.hub.post("/events/add", {"Event": {"info": "sample from a partner MISP"}}).json()["Event"]
            r = self.hub.post("/attributes/add/%s" % event["id"], {
                "type": "malware-sample", "value": sent, "data": base64.b64encode(zipped).decode()})
            self.assertEqual(r.status, 200, r)
            attr = r.json()["Attribute"]
            self.assertEqual(attr["value"], value)  # the md5 of the sample, not of the zip
            raw = self.native_bytes(attr["id"])
            self.assertEqual(hashlib.md5(raw).hexdigest(), md5)
            self.assertEqual(raw, unzip_sample(zipped)[0])
            served = base64.b64decode(self.hub.get("/attributes/view/%s" % attr["id"]).json()["Attribute"]["data"])
            self.assertEqual(unzip_sample(served), (raw, name.encode()))

    def test_a_zip_sample_without_encrypt_that_is_not_misps_zip_is_kept_as_it_is(self):
        jar = io.BytesIO()
        with zipfile.ZipFile(jar, "w") as z:  # not encrypted: a .jar, not MISP's sample zip
            z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nMain-Class: Loader\n")
            z.writestr("Loader.class", self.sample[:4096])
        r = self.add({"type": "malware-sample", "value": "loader.jar", "data": base64.b64encode(jar.getvalue()).decode()})
        self.assertEqual(r.status, 200, r)
        attr = r.json()["Attribute"]
        self.assertEqual(attr["value"], "loader.jar|" + hashlib.md5(jar.getvalue()).hexdigest())
        self.assertEqual(self.native_bytes(attr["id"]), jar.getvalue())

    def test_a_misp_zip_that_does_not_open_is_422_and_writes_nothing(self):
        value, zipped = misp_sample_zip()
        corrupt = bytearray(zipped)
        corrupt[len(corrupt) // 2] ^= 0x40  # inside the sample's encrypted data
        before_changes, before_files = self.hub.change_count(), stored_files(self.hub)
        r = self.hub.post("/events/add", {"Event": {"info": "corrupt sample", "Attribute": [
            {"type": "attachment", "value": "note.txt", "data": base64.b64encode(b"kept?").decode()},
            {"type": "malware-sample", "value": value, "data": base64.b64encode(bytes(corrupt)).decode()}]}})
        self.assertEqual(r.status, 422, r)
        err = r.json()["error"]
        self.assertEqual(err["field"], "Attribute[1].data")
        self.assertIn("MISP's malware-sample form", err["message"])
        self.assertEqual(self.hub.change_count(), before_changes)
        self.assertEqual(stored_files(self.hub), before_files)


if __name__ == "__main__":
    unittest.main()
