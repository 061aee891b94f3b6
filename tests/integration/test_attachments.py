"""Attribute data (attachment, malware-sample) kept by the hub: a real phishing e-mail uploaded through events/add
comes back byte-identical from attributes/downloadAttachment, in views (as MISP: events/view and attributes/view
embed it unless told not to) and in restSearch when asked (withAttachments), never to an organisation that may
not see the event, and still after a restart. A malware sample comes back in MISP's form, the zip PyMISP opens
with the password "infected" (test_attachments_samples.py has the zip cases). Bad base64 is a 422 that writes
nothing."""
import base64
import hashlib
import io
import json
import os
import tempfile
import unittest
import zipfile

from harness import Hub, read_testdata

MAIL = ("mail", "spamassassin", "spam", "phishing_openphish.eml")
BINARY = ("flows", "netflow-payloads", "ipfix.dat")



def unzip_sample(data):
    """What PyMISP's MISPAttribute.malware_binary does with a sample's data: the entry that is not
    <md5>.filename.txt, opened with the password "infected"; also returns the file name entry."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        sample = [n for n in names if not n.endswith(".filename.txt")]
        assert len(sample) == 1 and names == [sample[0], sample[0] + ".filename.txt"], names
        return z.read(sample[0], pwd=b"infected"), z.read(sample[0] + ".filename.txt", pwd=b"infected")


def stored_files(hub):
    root = os.path.join(hub.data_dir, "attachments")
    return sum(len(files) for _, _, files in os.walk(root))


class AttachmentsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.mail = read_testdata(*MAIL)
        cls.sample = read_testdata(*BINARY)
        cls.hub = Hub()
        org = cls.hub.add_org("Other CERT")
        _, cls.other_key = cls.hub.add_user("analyst@other.test", org["id"], role_id=3)
        r = cls.hub.post("/events/add", {"Event": {
            "info": "Spear-phishing against election staff", "distribution": 0,
            "Attribute": [
                {"type": "attachment", "category": "Payload delivery", "value": "phishing_openphish.eml",
                 "data": base64.b64encode(cls.mail).decode()},
                {"type": "malware-sample", "value": "ipfix.dat", "data": base64.b64encode(cls.sample).decode()},
                {"type": "domain", "value": "phish.example"}]}})
        assert r.status == 200, r
        cls.event = r.json()["Event"]
        by_type = {a["type"]: a for a in cls.event["Attribute"]}
        cls.mail_attr, cls.sample_attr, cls.plain_attr = by_type["attachment"], by_type["malware-sample"], by_type["domain"]

    @classmethod
    def tearDownClass(cls):
        cls.hub.close()

    def download(self, attribute_id, key=None, native=False):
        path = ("/api/v1/attributes/%s/attachment" if native else "/attributes/downloadAttachment/download/%s") % attribute_id
        return self.hub.get(path, key=key)

    def test_download_is_byte_identical(self):
        r = self.download(self.mail_attr["id"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["Content-Type"], "application/octet-stream")
        self.assertEqual(r.headers["Content-Disposition"],
                         "attachment; filename=\"phishing_openphish.eml\"; filename*=UTF-8''phishing_openphish.eml")
        self.assertEqual(r.body, self.mail)
        by_uuid = self.download(self.sample_attr["uuid"], native=True)
        self.assertEqual(by_uuid.status, 200, by_uuid)
        self.assertEqual(by_uuid.body, self.sample)
        # MISP's upload form: value "name" plus data becomes name|md5; the file name offered is the name.
        self.assertEqual(self.sample_attr["value"], "ipfix.dat|" + hashlib.md5(self.sample).hexdigest())
        self.assertIn('filename="ipfix.dat"', by_uuid.headers["Content-Disposition"])
        # MISP's download route serves a sample as its zip, named <name>.zip; the native route the raw file.
        zipped = self.download(self.sample_attr["id"])
        self.assertEqual(zipped.status, 200, zipped)
        self.assertEqual(zipped.headers["Content-Type"], "application/zip")
        self.assertIn('filename="ipfix.dat.zip"', zipped.headers["Content-Disposition"])
        self.assertEqual(unzip_sample(zipped.body), (self.sample, b"ipfix.dat"))
        # events/add replies do not embed the data (MISP's add reply does not either).
        self.assertNotIn("data", self.mail_attr)

    def test_views_embed_data_unless_told_not_to(self):
        ev = self.hub.get("/events/view/%s" % self.event["id"]).json()["Event"]
        got = {a["type"]: a for a in ev["Attribute"]}
        self.assertEqual(base64.b64decode(got["attachment"]["data"]), self.mail)
        self.assertEqual(unzip_sample(base64.b64decode(got["malware-sample"]["data"]))[0], self.sample)
        self.assertNotIn("data", got["domain"])
        for off in ("withAttachments=0", "includeAttachments=0"):
            ev = self.hub.get("/events/view/%s?%s" % (self.event["id"], off)).json()["Event"]
            self.assertFalse(any("data" in a for a in ev["Attribute"]), off)
        av = self.hub.get("/attributes/view/%s" % self.mail_attr["id"]).json()["Attribute"]
        self.assertEqual(base64.b64decode(av["data"]), self.mail)
        av = self.hub.get("/attributes/view/%s?withAttachments=0" % self.mail_attr["id"]).json()["Attribute"]
        self.assertNotIn("data", av)
        bad = self.hub.get("/events/view/%s?withAttachments=maybe" % self.event["id"])
        self.assertEqual(bad.status, 400, bad)

    def test_rest_search_embeds_data_only_when_asked(self):
        query = {"eventid": self.event["id"]}
        plain = self.hub.post("/attributes/restSearch", query).json()["response"]["Attribute"]
        self.assertLessEqual({self.mail_attr["uuid"], self.sample_attr["uuid"]}, {a["uuid"] for a in plain})
        self.assertFalse(any("data" in a for a in plain))
        asked = self.hub.post("/attributes/restSearch", dict(query, withAttachments=1)).json()["response"]["Attribute"]
        got = {a["type"]: a for a in asked}
        self.assertEqual(base64.b64decode(got["attachment"]["data"]), self.mail)
        self.assertNotIn("data", got["domain"])
        events = self.hub.post("/events/restSearch", query).json()["response"]
        self.assertFalse(any("data" in a for a in events[0]["Event"]["Attribute"]))
        events = self.hub.post("/events/restSearch", dict(query, withAttachments=True)).json()["response"]
        got = {a["type"]: a for a in events[0]["Event"]["Attribute"]}
        self.assertEqual(unzip_sample(base64.b64decode(got["malware-sample"]["data"]))[0], self.sample)

    def test_an_organisation_that_may_not_see_the_event_gets_404(self):
        for native in (False, True):
            r = self.download(self.mail_attr["id"], key=self.other_key, native=native)
            self.assertEqual(r.status, 404, r)
            self.assertNotIn(self.mail[:200], r.body)
        self.assertEqual(self.hub.get("/attributes/view/%s" % self.mail_attr["id"], key=self.other_key).status, 404)
        # An attribute without data, or that does not exist, is a 404 too.
        self.assertEqual(self.download(self.plain_attr["id"]).status, 404)
        self.assertEqual(self.download("999999").status, 404)

    def test_invalid_base64_is_422_and_writes_nothing(self):
        before_changes = self.hub.change_count()
        before_files = stored_files(self.hub)
        r = self.hub.post("/attributes/add/%s" % self.event["id"],
                          {"type": "attachment", "value": "broken.eml", "data": "this is not base64!"})
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.json()["error"]["field"], "data")
        self.assertEqual(self.hub.change_count(), before_changes)
        self.assertEqual(stored_files(self.hub), before_files)
        ev = self.hub.get("/events/view/%s?withAttachments=0" % self.event["id"]).json()["Event"]
        self.assertNotIn("broken.eml", [a["value"] for a in ev["Attribute"]])

    def test_objects_add_and_cli_import_keep_data(self):
        r = self.hub.post("/objects/add/%s" % self.event["id"], {"Object": {"name": "file", "Attribute": [
            {"type": "filename", "object_relation": "filename", "value": "ipfix-copy.dat"},
            {"type": "malware-sample", "object_relation": "malware-sample", "value": "ipfix-copy.dat",
             "data": base64.b64encode(self.sample).decode()}]}})
        self.assertEqual(r.status, 200, r)
        sample = [a for a in r.json()["Object"]["Attribute"] if a["type"] == "malware-sample"][0]
        self.assertEqual(self.download(sample["id"], native=True).body, self.sample)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump({"Event": {"info": "imported with an attachment", "Attribute": [
                {"type": "attachment", "value": "imported.eml", "data": base64.b64encode(self.mail).decode()}]}}, f)
        try:
            out = self.hub.cli("import", "misp", f.name, check=False)
            self.assertEqual(out.returncode, 0, out.stderr)
        finally:
            os.unlink(f.name)
        found = self.hub.post("/attributes/restSearch", {"value": "imported.eml", "withAttachments": 1})
        attrs = found.json()["response"]["Attribute"]
        self.assertEqual(len(attrs), 1, found)
        self.assertEqual(base64.b64decode(attrs[0]["data"]), self.mail)

    def test_a_written_feed_carries_the_data_and_imports_byte_identical(self):
        out = tempfile.mkdtemp(prefix="bulwark-feed-attachments-")
        try:
            r = self.hub.cli("export", "misp-feed", out, check=False)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(out, self.event["uuid"] + ".json")) as f:
                written = {a["type"]: a for a in json.load(f)["Event"]["Attribute"]}
            self.assertEqual(base64.b64decode(written["attachment"]["data"]), self.mail)
            # A sample is written as MISP writes it, the zip, and the zip is the same on every export.
            self.assertEqual(unzip_sample(base64.b64decode(written["malware-sample"]["data"]))[0], self.sample)
            self.assertNotIn("data", written["domain"])
            again = tempfile.mkdtemp(prefix="bulwark-feed-attachments-")
            try:
                r = self.hub.cli("export", "misp-feed", again, check=False)
                self.assertEqual(r.returncode, 0, r.stderr)
                with open(os.path.join(again, self.event["uuid"] + ".json")) as f:
                    rewritten = {a["type"]: a for a in json.load(f)["Event"]["Attribute"]}
                self.assertEqual(rewritten["malware-sample"]["data"], written["malware-sample"]["data"])
            finally:
                import shutil
                shutil.rmtree(again, ignore_errors=True)
            with Hub() as fresh:
                r = fresh.cli("import", "feed", out, "--name", "partner", check=False)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                view = fresh.get("/events/view/" + self.event["uuid"]).json()["Event"]
                by_type = {a["type"]: a for a in view["Attribute"]}
                # The importing hub unwrapped the sample: it stores and serves the same raw bytes.
                self.assertEqual(by_type["malware-sample"]["value"], self.sample_attr["value"])
                for kind, want in (("attachment", self.mail), ("malware-sample", self.sample)):
                    got = fresh.get("/api/v1/attributes/%s/attachment" % by_type[kind]["id"])
                    self.assertEqual(got.status, 200, got)
                    self.assertEqual(got.body, want, kind)
        finally:
            import shutil
            shutil.rmtree(out, ignore_errors=True)

    def test_large_data_streams_in_several_chunks(self):
        # Three distinct 3 MiB files: more than one streamed chunk's worth of data in every reply.
        files = [(b"%d|" % i) + self.mail * (3 * 1024 * 1024 // len(self.mail)) for i in range(3)]
        r = self.hub.post("/events/add", {"Event": {"info": "large attachments", "Attribute": [
            {"type": "attachment", "value": "big-%d.eml" % i, "data": base64.b64encode(f).decode()}
            for i, f in enumerate(files)]}})
        self.assertEqual(r.status, 200, r)
        event_id = r.json()["Event"]["id"]
        ev = self.hub.get("/events/view/%s" % event_id).json()["Event"]
        self.assertEqual([base64.b64decode(a["data"]) for a in ev["Attribute"]], files)
        found = self.hub.post("/attributes/restSearch", {"eventid": event_id, "withAttachments": 1})
        self.assertEqual([base64.b64decode(a["data"]) for a in found.json()["response"]["Attribute"]], files)
        events = self.hub.post("/events/restSearch", {"eventid": event_id, "withAttachments": 1}).json()["response"]
        self.assertEqual([base64.b64decode(a["data"]) for a in events[0]["Event"]["Attribute"]], files)
        for a, f in zip(ev["Attribute"], files):
            self.assertEqual(self.download(a["id"]).body, f)

    def test_zz_bytes_survive_a_restart(self):
        self.hub.restart()
        self.assertEqual(self.download(self.mail_attr["id"]).body, self.mail)
        self.assertEqual(self.download(self.sample_attr["id"], native=True).body, self.sample)


if __name__ == "__main__":
    unittest.main()
