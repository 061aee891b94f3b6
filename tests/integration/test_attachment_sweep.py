"""Orphaned attachment files are removed by `bulwark attachments sweep` while the hub serves: a real phishing
e-mail and a real binary are uploaded, the e-mail's attribute is hard-deleted, and once the files are older than the
grace period the sweep (after a dry run that removes nothing) deletes the e-mail's file and a leftover temporary
file, prints them with the bytes freed, and leaves the binary, which still downloads byte-identical. A file younger
than the grace period is kept even when nothing references it. `serve` sweeps on its own at start."""
import base64
import hashlib
import os
import time
import unittest

from harness import Hub, read_testdata

MAIL = ("mail", "spamassassin", "spam", "phishing_openphish.eml")
BINARY = ("flows", "netflow-payloads", "ipfix.dat")


class AttachmentSweepTest(unittest.TestCase):
    def setUp(self):
        self.mail = read_testdata(*MAIL)
        self.sample = read_testdata(*BINARY)
        self.hub = Hub()
        self.addCleanup(self.hub.close)
        r = self.hub.post("/events/add", {"Event": {
            "info": "Spear-phishing against election staff", "distribution": 0,
            "Attribute": [
                {"type": "attachment", "category": "Payload delivery", "value": "phishing_openphish.eml",
                 "data": base64.b64encode(self.mail).decode()},
                {"type": "malware-sample", "value": "ipfix.dat", "data": base64.b64encode(self.sample).decode()}]}})
        self.assertEqual(r.status, 200, r)
        by_type = {a["type"]: a for a in r.json()["Event"]["Attribute"]}
        self.mail_attr, self.sample_attr = by_type["attachment"], by_type["malware-sample"]
        root = os.path.join(self.hub.data_dir, "attachments")
        digest = hashlib.sha256(self.mail).hexdigest()
        self.mail_file = os.path.join(root, digest[:2], digest)
        digest = hashlib.sha256(self.sample).hexdigest()
        self.sample_file = os.path.join(root, digest[:2], digest)
        self.leftover = os.path.join(root, digest[:2], ".%s.0b6f7a3c-1111-4222-8333-944455566677.tmp" % digest)
        self.assertTrue(os.path.isfile(self.mail_file))
        self.assertTrue(os.path.isfile(self.sample_file))

    def age_everything(self):
        old = time.time() - 3 * 24 * 3600
        for dirpath, _, files in os.walk(os.path.join(self.hub.data_dir, "attachments")):
            for name in files:
                os.utime(os.path.join(dirpath, name), (old, old))

    def sweep(self, *flags):
        out = self.hub.cli("attachments", "sweep", *flags)
        self.assertEqual(out.returncode, 0, out.stderr)
        return out.stdout

    def test_hard_deleted_attachment_is_swept_and_the_referenced_one_stays(self):
        r = self.hub.post("/attributes/delete/%s/1" % self.mail_attr["id"])
        self.assertEqual(r.status, 200, r)
        with open(self.leftover, "wb") as f:
            f.write(b"half of a sample")
        # Young: nothing goes, whatever references it.
        out = self.sweep()
        self.assertIn("removed 0 files, 0 bytes freed", out)
        self.assertTrue(os.path.isfile(self.mail_file))

        self.age_everything()
        out = self.sweep("--dry-run")
        self.assertIn("would remove %s (%d bytes)" % (self.mail_file, len(self.mail)), out)
        self.assertIn("would remove %s (16 bytes, leftover temporary file)" % self.leftover, out)
        self.assertTrue(os.path.isfile(self.mail_file))
        self.assertTrue(os.path.isfile(self.leftover))

        out = self.sweep()
        self.assertIn("removed %s (%d bytes)" % (self.mail_file, len(self.mail)), out)
        self.assertIn("removed 2 files, %d bytes freed; kept 1 referenced" % (len(self.mail) + 16), out)
        self.assertFalse(os.path.exists(self.mail_file))
        self.assertFalse(os.path.exists(self.leftover))
        self.assertTrue(os.path.isfile(self.sample_file))
        r = self.hub.get("/api/v1/attributes/%s/attachment" % self.sample_attr["id"])  # the stored bytes
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, self.sample)

        # The same bytes uploaded again are stored again and download.
        r = self.hub.post("/attributes/add/%s" % self.sample_attr["event_id"], {
            "type": "attachment", "category": "Payload delivery", "value": "again.eml",
            "data": base64.b64encode(self.mail).decode()})
        self.assertEqual(r.status, 200, r)
        again = r.json()["Attribute"]
        r = self.hub.get("/attributes/downloadAttachment/download/%s" % again["id"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, self.mail)

    def test_serve_sweeps_at_start(self):
        r = self.hub.post("/attributes/delete/%s/1" % self.mail_attr["id"])
        self.assertEqual(r.status, 200, r)
        self.age_everything()
        # `serve` sweeps on its own when it starts ([attachments] sweep_interval_hours, default 6), off the
        # request path: the orphan goes, the referenced file stays and still downloads.
        self.hub.restart()
        deadline = time.monotonic() + 20
        while os.path.exists(self.mail_file) and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertFalse(os.path.exists(self.mail_file), "serve did not sweep the orphan at start")
        self.assertTrue(os.path.isfile(self.sample_file))
        r = self.hub.get("/api/v1/attributes/%s/attachment" % self.sample_attr["id"])  # the stored bytes
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, self.sample)

    def test_usage_errors(self):
        out = self.hub.cli("attachments", "sweep", "--grace-hours", "0", check=False)
        self.assertEqual(out.returncode, 2, out.stderr)
        out = self.hub.cli("attachments", "sweep", "--help", check=False)
        self.assertEqual(out.returncode, 0)
        self.assertIn("--dry-run", out.stdout)


if __name__ == "__main__":
    unittest.main()
