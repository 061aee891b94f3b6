"""`bulwark import stix|misp|feed|taxii` against real data, black box (docs/import.md).

Every import runs with the CLI on the data directory of a hub that is serving it at the same time (SQLite
with two processes), and the results are read back through the HTTP API.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest
import uuid

from harness import BIN, Hub, testdata

TAXII = "application/taxii+json;version=2.1"


def verbs():
    return subprocess.run([BIN, "--help"], capture_output=True, text=True, timeout=60).stdout


def summary(stdout):
    """The numbers of the importer's summary line."""
    m = re.search(r"events: (\d+) added, (\d+) updated, (\d+) unchanged, (\d+) rejected; attributes: (\d+) offered, "
                  r"(\d+) stored, (\d+) unchanged, (\d+) rejected", stdout)
    assert m, stdout
    keys = ["events_added", "events_updated", "events_unchanged", "events_rejected", "offered", "stored",
            "unchanged", "rejected"]
    return dict(zip(keys, map(int, m.groups())))


def rejections(stdout):
    return [line.split("\t") for line in stdout.splitlines() if line.startswith("rejected\t")]


class ImportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not re.search(r"^\s+import\b", verbs(), re.M):
            raise unittest.SkipTest("`bulwark import` is not wired into src/cli/main.cc yet (AddImportCommands)")
        cls.hub = Hub()
        cls.tmp = tempfile.mkdtemp(prefix="bulwark-import-")

    @classmethod
    def tearDownClass(cls):
        cls.hub.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_import(self, *args, check=True):
        # The whole TweetFeed (110,682 attributes) takes ~30 s of CPU; allow for a loaded CI machine.
        r = self.hub.cli("import", *args, check=False, timeout=900)
        if check:
            self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        return r

    def event_index(self):
        r = self.hub.get("/events/index")
        self.assertEqual(r.status, 200, r)
        return {e["uuid"]: e for e in r.json()}

    # ---- MISP feed
    def test_what_the_cli_imports_is_searchable_in_the_serving_hub_at_once(self):
        """The serving hub keeps attribute uuids and values in memory; what another process (this CLI import)
        writes must reach them: found by value and by uuid, and its uuid taken for the hub's own writes."""
        attr_uuid = str(uuid.uuid4())
        path = os.path.join(self.tmp, "beside-serve.json")
        with open(path, "w") as f:
            json.dump({"Event": {"info": "imported beside serve", "uuid": str(uuid.uuid4()), "Attribute": [
                {"type": "ip-dst", "value": "203.0.113.217", "uuid": attr_uuid}]}}, f)
        self.run_import("misp", path)
        found = self.hub.post("/attributes/restSearch", {"returnFormat": "json", "value": "203.0.113.217"})
        self.assertEqual(found.status, 200, found)
        self.assertEqual([a["uuid"] for a in found.json()["response"]["Attribute"]], [attr_uuid])
        view = self.hub.get("/attributes/view/" + attr_uuid)
        self.assertEqual(view.status, 200, view)
        event_id = view.json()["Attribute"]["event_id"]
        dup = self.hub.post("/attributes/add/" + event_id, {"type": "ip-dst", "value": "198.51.100.217",
                                                             "uuid": attr_uuid})
        self.assertEqual(dup.status, 409, dup)

    def test_tweetfeed_every_attribute_accounted_for_and_incremental(self):
        feed = testdata("misp", "feeds", "tweetfeed")
        if feed is None:
            self.skipTest("missing misp/feeds/tweetfeed")
        offered = {}
        for path in glob.glob(os.path.join(feed, "*-*-*-*-*.json")):
            with open(path) as f:
                ev = json.load(f)["Event"]
            offered[ev["uuid"]] = len(ev.get("Attribute", [])) + sum(len(o.get("Attribute", []))
                                                                     for o in ev.get("Object", []))
        total = sum(offered.values())
        self.assertEqual(len(offered), 365)
        r = self.run_import("feed", feed, "--name", "tweetfeed", "--list-rejections", "1000000")
        s = summary(r.stdout)
        self.assertIn("365 events in the manifest, 365 fetched", r.stdout)
        self.assertIn("hashes.csv: 31 checked, 0 mismatches", r.stdout)
        self.assertEqual(s["offered"], total)
        listed = rejections(r.stdout)
        self.assertEqual(len(listed), s["rejected"])
        for line in listed:
            self.assertTrue(line[3], line)  # every rejection has a reason
        index = self.event_index()
        held = sum(int(index[u]["attribute_count"]) for u in offered if u in index)
        self.assertEqual(held + s["rejected"], total)
        # Events another test imported already (test_since_limits_the_events) are found unchanged.
        self.assertEqual(s["events_added"] + s["events_unchanged"] + s["events_rejected"], 365)

        changes = self.hub.change_count()
        again = self.run_import("feed", feed, "--name", "tweetfeed")
        self.assertIn("0 fetched, 365 already imported", again.stdout)
        self.assertEqual(summary(again.stdout)["stored"], 0)
        self.assertEqual(self.hub.change_count(), changes)
        # The state file is where docs/import.md says.
        self.assertTrue(glob.glob(os.path.join(self.hub.data_dir, "import-state", "misp-feed-*.json")))

    def test_since_limits_the_events(self):
        feed = testdata("misp", "feeds", "tweetfeed")
        if feed is None:
            self.skipTest("missing misp/feeds/tweetfeed")
        with open(os.path.join(feed, "manifest.json")) as f:
            stamps = sorted(int(v["timestamp"]) for v in json.load(f).values())
        since = stamps[-3]
        newer = sum(1 for t in stamps if t >= since)
        r = self.run_import("feed", feed, "--name", "tweetfeed-recent", "--since", str(since))
        self.assertIn("%d fetched" % newer, r.stdout)
        self.assertIn("%d older than --since" % (365 - newer), r.stdout)

    # ---- freetext and CSV feeds
    def test_freetext_feed_one_event_no_duplicates(self):
        path = os.path.join(self.tmp, "blocklist.txt")
        with open(path, "w") as f:
            f.write("# test list\n198.51.100.7\n203.0.113.0/24\nhxxps://phish[.]example[.]org/login\n"
                    "d41d8cd98f00b204e9800998ecf8427e\nceo@example.org\n198.51.100.7\nnot a value\n")
        r = self.run_import("feed", path, "--format", "freetext", "--name", "blocklist")
        s = summary(r.stdout)
        self.assertEqual((s["offered"], s["stored"], s["unchanged"], s["rejected"]), (7, 5, 1, 1))
        uuid = re.search(r"event ([0-9a-f-]{36})", r.stdout).group(1)
        ev = self.hub.get("/events/view/" + uuid).json()["Event"]
        got = sorted((a["type"], a["value"]) for a in ev["Attribute"])
        self.assertEqual(got, sorted([("ip-dst", "198.51.100.7"), ("ip-dst", "203.0.113.0/24"),
                                      ("url", "https://phish.example.org/login"),
                                      ("md5", "d41d8cd98f00b204e9800998ecf8427e"), ("email", "ceo@example.org")]))
        with open(path, "a") as f:
            f.write("new.example.org\n")
        again = summary(self.run_import("feed", path, "--format", "freetext", "--name", "blocklist").stdout)
        self.assertEqual((again["stored"], again["unchanged"]), (1, 6))
        self.assertEqual(len(self.hub.get("/events/view/" + uuid).json()["Event"]["Attribute"]), 6)

    def test_csv_feed_with_column_and_type(self):
        path = os.path.join(self.tmp, "feed.csv")
        with open(path, "w") as f:
            f.write("first_seen,host,port\n2024-01-01,a.example.net,443\n2024-01-02,\"b.example.net\",80\n")
        r = self.run_import("feed", path, "--format", "csv", "--value-column", "2", "--type", "domain", "--header",
                            "--name", "csvfeed")
        s = summary(r.stdout)
        self.assertEqual((s["offered"], s["stored"], s["rejected"]), (2, 2, 0))

    # ---- STIX and MISP files
    def test_stix_bundle_accounting(self):
        path = testdata("stix", "oasis-examples", "apt1.json")
        if path is None:
            self.skipTest("missing stix/oasis-examples/apt1.json")
        r = self.run_import("stix", path)
        m = re.search(r"objects: (\d+) seen, (\d+) mapped, (\d+) unmapped; (\d+) events", r.stdout)
        self.assertTrue(m, r.stdout)
        seen, mapped, unmapped, events = map(int, m.groups())
        self.assertEqual(seen, 76)
        self.assertEqual(seen, mapped + unmapped)
        per_type = sum(int(line.split("\t")[2]) for line in r.stdout.splitlines() if line.startswith("unmapped\t"))
        self.assertEqual(per_type, unmapped)
        s = summary(r.stdout)
        self.assertEqual(s["events_added"] + s["events_rejected"], events)
        again = summary(self.run_import("stix", path).stdout)
        self.assertEqual((again["events_added"], again["stored"]), (0, 0))

    def test_misp_event_file(self):
        path = testdata("misp", "events", "misp-ci-event.json")
        if path is None:
            self.skipTest("missing misp/events/misp-ci-event.json")
        with open(path) as f:
            doc = json.load(f)
        ev = doc.get("Event", doc)
        r = self.run_import("misp", path)
        s = summary(r.stdout)
        self.assertEqual(s["events_added"], 1)
        view = self.hub.get("/events/view/" + ev["uuid"])
        self.assertEqual(view.status, 200)
        self.assertEqual(int(view.json()["Event"]["attribute_count"]) + s["rejected"], s["offered"])

    def test_exit_codes(self):
        self.assertEqual(self.run_import("stix", "/nonexistent.json", check=False).returncode, 1)
        self.assertEqual(self.run_import("feed", self.tmp, "--format", "xml", check=False).returncode, 2)
        r = subprocess.run([BIN, "import", "stix", "x.json", "--data-dir", os.path.join(self.tmp, "nohub")],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 3, r.stderr)
        help_text = subprocess.run([BIN, "import", "feed", "--help"], capture_output=True, text=True, timeout=60)
        self.assertEqual(help_text.returncode, 0)
        self.assertIn("--since", help_text.stdout)

    # ---- TAXII pull from a second hub
    def test_taxii_pull_incremental(self):
        path = testdata("stix", "oasis-examples", "poisonivy.json")
        if path is None:
            self.skipTest("missing stix/oasis-examples/poisonivy.json")
        if not re.search(r"^\s+taxii\b", verbs(), re.M):
            self.skipTest("`bulwark taxii` is not wired into main.cc")
        with open(path) as f:
            objects = json.load(f)["objects"]
        with Hub() as other:
            listed = other.cli("org", "list").stdout.splitlines()
            operator_org = listed[0].split("\t")[0]
            r = other.cli("taxii", "collection", "add", "--title", "Feed out", "--read-orgs", "all", "--write-orgs",
                          operator_org)
            collection = r.stdout.split("\t")[0]
            half = len(objects) // 2
            posted = other.request("POST", "/taxii2/root/collections/%s/objects/" % collection,
                                   raw=json.dumps({"objects": objects[:half]}).encode(),
                                   headers={"Accept": TAXII, "Content-Type": TAXII})
            self.assertEqual(posted.status, 202, posted)
            url = other.base + "/taxii2/"
            first = self.run_import("taxii", url, "--collection", collection, "--key", other.admin_key,
                                    "--page-size", "7")
            m = re.search(r"(\d+) objects in (\d+) pages; cursor (\S+)", first.stdout)
            self.assertTrue(m, first.stdout)
            self.assertEqual(int(m.group(1)), half)
            self.assertGreaterEqual(int(m.group(2)), (half + 6) // 7)  # paged with limit=7
            seen = re.search(r"objects: (\d+) seen, (\d+) mapped, (\d+) unmapped", first.stdout)
            self.assertEqual(int(seen.group(1)), half)
            self.assertEqual(int(seen.group(1)), int(seen.group(2)) + int(seen.group(3)))
            # Nothing new: nothing pulled. Then the rest arrives and only the rest is pulled.
            again = self.run_import("taxii", url, "--collection", collection, "--key", other.admin_key)
            self.assertIn("0 objects in 1 pages", again.stdout)
            posted = other.request("POST", "/taxii2/root/collections/%s/objects/" % collection,
                                   raw=json.dumps({"objects": objects[half:]}).encode(),
                                   headers={"Accept": TAXII, "Content-Type": TAXII})
            self.assertEqual(posted.status, 202, posted)
            rest = self.run_import("taxii", url, "--collection", collection, "--key", other.admin_key)
            self.assertIn("%d objects in" % (len(objects) - half), rest.stdout)
            bad = self.run_import("taxii", url, "--collection", collection, "--key", "x" * 40, check=False)
            self.assertEqual(bad.returncode, 1)
            self.assertIn("401", bad.stderr)

    def test_taxii_pull_on_schedule_inside_serve(self):
        """[[taxii_pull]] in serve's config: pulls at start, then again every interval_seconds, with the key
        from the environment; the counts show in /metrics; SIGTERM stops it cleanly."""
        path = testdata("stix", "oasis-examples", "poisonivy.json")
        if path is None:
            self.skipTest("missing stix/oasis-examples/poisonivy.json")
        with open(path) as f:
            objects = json.load(f)["objects"]
        half = len(objects) // 2

        def post(hub, collection, objs):
            r = hub.request("POST", "/taxii2/root/collections/%s/objects/" % collection,
                            raw=json.dumps({"objects": objs}).encode(), headers={"Accept": TAXII, "Content-Type": TAXII})
            self.assertEqual(r.status, 202, r)

        def pulled(hub):
            text = hub.get("/metrics", key="").body.decode()
            m = re.search(r'^bulwark_taxii_pull_objects_total\{pull="partner"\} (\d+)', text, re.M)
            return int(m.group(1)) if m else None

        def wait_for(hub, count, seconds):
            deadline = time.time() + seconds
            while time.time() < deadline:
                if pulled(hub) == count:
                    return
                time.sleep(0.2)
            self.fail("expected %d objects pulled, /metrics says %r" % (count, pulled(hub)))

        with Hub() as source:
            operator_org = source.cli("org", "list").stdout.splitlines()[0].split("\t")[0]
            collection = source.cli("taxii", "collection", "add", "--title", "Partner out", "--read-orgs", "all",
                                    "--write-orgs", operator_org).stdout.split("\t")[0]
            post(source, collection, objects[:half])
            config = os.path.join(self.tmp, "pull.toml")
            with open(config, "w") as f:
                f.write('[[taxii_pull]]\nname = "partner"\nurl = "%s/taxii2/"\ncollection = "%s"\n'
                        'key_env = "BULWARK_IT_PARTNER_KEY"\ninterval_seconds = 10\npage_size = 5\n'
                        % (source.base, collection))
            os.environ["BULWARK_IT_PARTNER_KEY"] = source.admin_key
            try:
                sink = Hub(extra_args=["--config", config])
            finally:
                del os.environ["BULWARK_IT_PARTNER_KEY"]
            try:
                wait_for(sink, half, 30)  # the first run starts at once
                events = sink.get("/events/index")
                self.assertEqual(events.status, 200, events)
                self.assertGreater(len(events.json()), 0)
                post(source, collection, objects[half:])
                wait_for(sink, len(objects), 40)  # the next run, 10 s after the first ended, pulls only the rest
                self.assertEqual(sink.stop(), 0)
            finally:
                sink.close()
            # A config whose key variable is unset is refused at start, naming the key.
            missing = subprocess.run([BIN, "serve", "--data-dir", source.data_dir, "--listen", "127.0.0.1:0",
                                      "--config", config], capture_output=True, text=True, timeout=60)
            self.assertEqual(missing.returncode, 2, missing.stderr)
            self.assertIn("taxii_pull[0].key_env", missing.stderr)

    # ---- MISP feed writer round trip (needs `bulwark export misp-feed`, wired by the lead)
    def test_written_feed_of_the_demo_imports_identically(self):
        export_help = subprocess.run([BIN, "export", "--help"], capture_output=True, text=True, timeout=60).stdout
        if "misp-feed" not in export_help:
            self.skipTest("`bulwark export misp-feed` (feeds::WriteMispFeed) is not wired into the CLI yet")
        demo = tempfile.mkdtemp(prefix="bulwark-demo-", dir=self.tmp)
        subprocess.run([BIN, "init", "--data-dir", demo], check=True, capture_output=True, timeout=60)
        subprocess.run([BIN, "demo", "--data-dir", demo], check=True, capture_output=True, timeout=300)
        out = os.path.join(self.tmp, "demo-feed")
        if re.search(r"^\s+misp-feed\b", export_help, re.M):
            args = ["export", "misp-feed", out]
        else:
            args = ["export", "--format", "misp-feed", "-o", out]
        r = subprocess.run([BIN] + args + ["--data-dir", demo], capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(out, "manifest.json")) as f:
            manifest = json.load(f)
        with Hub() as fresh:
            r = fresh.cli("import", "feed", out, "--name", "demo")
            s = summary(r.stdout)
            self.assertEqual(s["rejected"], 0, r.stdout)
            index = {e["uuid"]: e for e in fresh.get("/events/index").json()}
            for uuid in manifest:
                with open(os.path.join(out, uuid + ".json")) as f:
                    ev = json.load(f)["Event"]
                view = fresh.get("/events/view/" + uuid).json()["Event"]
                self.assertEqual(view["info"], ev["info"])
                want = sorted((a["uuid"], a["type"], a["value"]) for a in ev["Attribute"])
                got = sorted((a["uuid"], a["type"], a["value"]) for a in view["Attribute"])
                self.assertEqual(got, want)
                self.assertIn(uuid, index)


if __name__ == "__main__":
    unittest.main()
