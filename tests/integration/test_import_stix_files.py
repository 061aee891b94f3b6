"""`bulwark import stix F1 F2 ...` (docs/import.md): each file imports whole or fails alone, reported in the order
given; a file that does not parse writes nothing.
"""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from harness import BIN, Hub, testdata


class ImportStixFilesTest(unittest.TestCase):
    def test_files_report_in_order_and_fail_alone(self):
        apt1 = testdata("stix", "oasis-examples", "apt1.json")
        poisonivy = testdata("stix", "oasis-examples", "poisonivy.json")
        if apt1 is None or poisonivy is None:
            self.skipTest("missing stix/oasis-examples")
        if not re.search(r"^\s+import\b", subprocess.run([BIN, "--help"], capture_output=True, text=True,
                                                         timeout=60).stdout, re.M):
            self.skipTest("`bulwark import` is not wired into src/cli/main.cc")
        tmp = tempfile.mkdtemp(prefix="bulwark-import-files-")
        try:
            broken = os.path.join(tmp, "broken.json")
            with open(broken, "w") as f:
                f.write('{"type": "bundle", "id": "bundle--6f1b1b9e-3c57-4c5e-9a57-3c7b5d7f1e2a", "objects": [{"a": ')
            missing = os.path.join(tmp, "missing.json")
            with Hub() as hub:
                r = hub.cli("import", "stix", apt1, missing, broken, poisonivy, check=False, timeout=600)
                self.assertEqual(r.returncode, 1, r.stderr + r.stdout)
                # The two good files are reported, in order; the two bad ones fail with their own message.
                reported = [line for line in r.stdout.splitlines() if line.endswith(".json")]
                self.assertEqual(reported, [apt1, poisonivy], r.stdout)
                seen = [int(m.group(1)) for m in re.finditer(r"objects: (\d+) seen", r.stdout)]
                self.assertEqual(seen, [76, 155], r.stdout)
                self.assertIn(missing + ": cannot open", r.stderr)
                self.assertIn(broken + ": ", r.stderr)
                self.assertLess(r.stderr.index(missing), r.stderr.index(broken))
                # Nothing of the broken bundle was written: the hub holds the two good files' events only.
                events = hub.get("/events/index").json()
                self.assertEqual(len(events), 3, events)  # apt1: 1 event, poisonivy: 2
                # Both again, in one process: nothing new.
                again = hub.cli("import", "stix", apt1, poisonivy, timeout=600)
                stored = [int(m.group(1)) for m in re.finditer(r"attributes: \d+ offered, (\d+) stored", again.stdout)]
                self.assertEqual(stored, [0, 0], again.stdout)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
