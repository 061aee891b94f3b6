"""`bulwark match --indicators FILE`: the streaming matcher driven as an operator would, on every input format,
from files and stdin, with --output and --stats; and --follow with a file that grows and rotates.
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from harness import BIN

INDICATORS = [
    {"type": "domain", "value": "evil.example", "attribute_uuid": "a-dom", "event_uuid": "e-1",
     "event_info": "Phishing wave", "threat_level": 1, "tags": ["tlp:amber", "misp-galaxy:x"]},
    {"type": "ip-dst", "value": "203.0.113.0/24", "attribute_uuid": "a-net", "event_uuid": "e-1"},
    {"type": "url", "value": "http://phish.example/login.php", "attribute_uuid": "a-url", "event_uuid": "e-2"},
    {"type": "md5", "value": "44d88612fea8a8f36de82e1278abb02f", "attribute_uuid": "a-md5", "event_uuid": "e-2"},
    {"type": "user-agent", "value": "EvilBot/2.1", "attribute_uuid": "a-ua", "event_uuid": "e-2"},
    {"type": "stix2-pattern", "value": "[ipv6-addr:value = '2001:db8:bad::1']", "attribute_uuid": "a-stix",
     "event_uuid": "e-3"},
    {"type": "stix2-pattern", "value": "[x:y = 'z'] FOLLOWEDBY [a:b = 'c']", "attribute_uuid": "a-complex",
     "event_uuid": "e-3"},
]


class MatchTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="bulwark-match-it-")
        self.ind = os.path.join(self.dir, "indicators.jsonl")
        with open(self.ind, "w") as f:
            for i in INDICATORS:
                f.write(json.dumps(i) + "\n")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, name, text):
        p = os.path.join(self.dir, name)
        with open(p, "w") as f:
            f.write(text)
        return p

    def match(self, *args, stdin=None):
        p = subprocess.run([BIN, "match", "--indicators", self.ind, *args], input=stdin, capture_output=True,
                           text=True, timeout=120)
        return p

    def records(self, stdout):
        return [json.loads(line) for line in stdout.splitlines() if line.strip()]

    def test_text_from_stdin_with_context(self):
        p = self.match("--stats", stdin="benign.example 10.0.0.1\nq www.EVIL.example from 203.0.113.9\n")
        self.assertEqual(p.returncode, 0, p.stderr)
        recs = self.records(p.stdout)
        self.assertEqual([(r["line"], r["observed"], r["attribute_uuid"]) for r in recs],
                         [(2, "www.EVIL.example", "a-dom"), (2, "203.0.113.9", "a-net")])
        r = recs[0]
        self.assertEqual(r["input"], "-")
        self.assertEqual(r["format"], "text")
        self.assertEqual(r["offset"], 24 + 2)
        self.assertEqual(r["event_info"], "Phishing wave")
        self.assertEqual(r["threat_level"], 1)
        self.assertEqual(r["tlp"], "tlp:amber")
        self.assertEqual(r["tags"], ["tlp:amber", "misp-galaxy:x"])
        self.assertIn("2 lines", p.stderr)
        self.assertIn("2 matches", p.stderr)
        self.assertIn("not compiled: 1 STIX pattern", p.stderr)

    def test_each_format_auto_detected_every_planted_found_nothing_else(self):
        zeek = self.write("dns.log", "#separator \\x09\n#set_separator\t,\n#unset_field\t-\n"
                          "#fields\tts\tuid\tid.orig_h\tid.resp_h\tquery\tanswers\n"
                          "1.0\tC1\t10.0.0.5\t10.0.0.1\ta.evil.example\t198.51.100.1\n"
                          "2.0\tC2\t10.0.0.5\t10.0.0.1\tgood.example\t-\n")
        zjson = self.write("http.json", json.dumps({"ts": 1.0, "id.orig_h": "2001:db8:bad::1", "id.resp_h": "10.0.0.2",
                                                    "host": "phish.example", "uri": "/login.php",
                                                    "user_agent": "x EvilBot/2.1"}) + "\n")
        eve = self.write("eve.json", json.dumps({"event_type": "fileinfo", "src_ip": "10.0.0.9",
                                                 "dest_ip": "203.0.113.200",
                                                 "fileinfo": {"md5": "44D88612FEA8A8F36DE82E1278ABB02F"}}) + "\n")
        syslog = self.write("sys.log", "<34>Oct 11 22:14:15 evil.example sshd[1]: ok from 10.0.0.1\n"
                            "Sep 19 08:26:10 host CEF:0|V|P|1.0|100|x|5|src=10.0.0.1 dhost=c.evil.example\n")
        p = self.match(zeek, zjson, eve, syslog)
        self.assertEqual(p.returncode, 0, p.stderr)
        got = [(os.path.basename(r["input"]), r["format"], r["field"], r["observed"], r["attribute_uuid"])
               for r in self.records(p.stdout)]
        self.assertEqual(got, [
            ("dns.log", "zeek", "query", "a.evil.example", "a-dom"),
            ("http.json", "zeek-json", "id.orig_h", "2001:db8:bad::1", "a-stix"),
            ("http.json", "zeek-json", "user_agent", "x EvilBot/2.1", "a-ua"),
            ("http.json", "zeek-json", "uri", "phish.example/login.php", "a-url"),
            ("eve.json", "eve", "dest_ip", "203.0.113.200", "a-net"),
            ("eve.json", "eve", "fileinfo.md5", "44D88612FEA8A8F36DE82E1278ABB02F", "a-md5"),
            ("sys.log", "syslog", "dhost", "c.evil.example", "a-dom"),
        ])

    def test_output_file_and_bad_usage(self):
        log = self.write("a.log", "evil.example\n")
        out = os.path.join(self.dir, "out.jsonl")
        p = self.match("--output", out, log)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "")
        with open(out) as f:
            self.assertEqual(len(self.records(f.read())), 1)
        p = self.match("--format", "xml", log)
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown format", p.stderr)
        p = subprocess.run([BIN, "match", log], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        p = self.match(os.path.join(self.dir, "missing.log"))
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("cannot open", p.stderr)
        p = subprocess.run([BIN, "match", "--hub", "http://127.0.0.1:1", "--key", "k", log], capture_output=True,
                           text=True)
        self.assertNotEqual(p.returncode, 0)

    def test_plain_indicator_list(self):
        plain = self.write("plain.txt", "evil.example\n203.0.113.7\n")
        log = self.write("a.log", "x.evil.example 203.0.113.7 203.0.113.8\n")
        p = subprocess.run([BIN, "match", "--indicators", plain, log], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        recs = self.records(p.stdout)
        self.assertEqual([(r["observed"], r["type"], r["attribute_uuid"]) for r in recs],
                         [("x.evil.example", "domain", plain + ":1"), ("203.0.113.7", "ip-dst", plain + ":2")])

    def test_follow_growth_and_rotation(self):
        log = self.write("live.log", "start evil.example\n")
        out = os.path.join(self.dir, "out.jsonl")
        proc = subprocess.Popen([BIN, "match", "--indicators", self.ind, "--follow", "--output", out, log],
                                stderr=subprocess.PIPE, text=True)
        try:
            def count():
                if not os.path.exists(out):
                    return 0
                with open(out) as f:
                    return len(f.read().splitlines())

            def wait_for(n):
                deadline = time.time() + 20
                while time.time() < deadline:
                    if count() >= n:
                        return True
                    time.sleep(0.05)
                return False

            self.assertTrue(wait_for(1))
            with open(log, "a") as f:
                f.write("more 203.0.113.1\n")
            self.assertTrue(wait_for(2))
            os.rename(log, log + ".1")
            with open(log, "w") as f:
                f.write("rotated b.evil.example\n")
            self.assertTrue(wait_for(3))
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=20)
        err = proc.stderr.read()
        proc.stderr.close()
        self.assertEqual(proc.returncode, 0, err)
        with open(out) as f:
            self.assertEqual([r["observed"] for r in self.records(f.read())],
                             ["evil.example", "203.0.113.1", "b.evil.example"])


if __name__ == "__main__":
    unittest.main()
