"""`bulwark match --hub ... --queue-dir DIR` started while the hub is down: it matches with the indicator snapshot it
persisted in DIR on its last run, queues sightings, and once the hub answers again it delivers them and follows the
hub's delta from the snapshot's cursor (an indicator published after the restart becomes active). Without a usable
snapshot (none, damaged, another key) it still exits 3; a key refused once the hub answers stops it.

The hub is restarted on the port it had (the sensor was given that URL), as an operator would."""
import glob
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from harness import BIN, Hub, SensorLog, wait_for


class MatchOfflineStart(SensorLog, unittest.TestCase):
    def setUp(self):
        self.hub = Hub()
        org = self.hub.add_org("Polling station operator")
        self.sensor_user, self.sensor_key = self.hub.add_user("sensor@count.test", org["id"], role_id=3)
        self.dir = tempfile.mkdtemp(prefix="bulwark-match-offline-")
        self.state = os.path.join(self.dir, "state")
        self.log = os.path.join(self.dir, "dns.log")
        self.out = os.path.join(self.dir, "matches.jsonl")
        open(self.log, "w").close()
        self.proc = None
        self.port = int(self.hub.base.rsplit(":", 1)[1])

    def tearDown(self):
        self.stop_matcher()
        self.hub.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    # ---- helpers
    def matcher_args(self, key=None, state=True):
        args = [BIN, "match", "--hub", self.hub.base, "--key", key or self.sensor_key, "--sensor", "count-3"]
        if state:
            args += ["--queue-dir", self.state]
        return args

    def start_matcher(self):
        self.proc = subprocess.Popen(self.matcher_args() + ["--follow", self.log, "-o", self.out],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def stop_matcher(self):
        """Stops the running matcher (SIGTERM) and returns (exit code, stderr)."""
        if not self.proc:
            return None, ""
        if self.proc.poll() is None:
            self.proc.terminate()
        rc = self.proc.wait(timeout=30)
        err = self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        self.proc = None
        return rc, err

    def one_shot(self, key=None, state=True):
        """A matcher over a one-line log read from stdin: (exit code, stdout, stderr)."""
        r = subprocess.run(self.matcher_args(key, state), input="query www.login-vote.example A\n",
                           capture_output=True, text=True, timeout=60)
        return r.returncode, r.stdout, r.stderr

    def restart_hub_on_same_port(self):
        self.hub.proc = subprocess.Popen([BIN, "serve", "--data-dir", self.hub.data_dir, "--listen",
                                          "127.0.0.1:%d" % self.port, "--log-level", "warn"],
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.assertIn(" on http", self.hub.proc.stdout.readline())

    def sightings(self, event_id):
        r = self.hub.get("/api/v1/sightings?event_id=%s" % event_id)
        self.assertEqual(r.status, 200, r)
        return r.json()["data"]

    def queued_reports(self):
        n = 0
        for path in glob.glob(os.path.join(self.state, "seg-*")):
            with open(path) as f:
                n += sum(1 for line in f if line.strip())
        return n

    def persist_a_snapshot(self):
        """Runs the sensor once against the live hub so that it saves its snapshot, then stops it."""
        first = self.publish("known phishing", "login-vote.example")
        self.start_matcher()
        snapshot = os.path.join(self.state, "indicator-snapshot")
        self.assertTrue(wait_for(lambda: os.path.exists(snapshot)), "no snapshot saved after the first load")
        rc, err = self.stop_matcher()
        self.assertEqual(rc, 0, err)
        with open(snapshot) as f:
            text = f.read()
        self.assertIn("login-vote.example", text)
        self.assertNotIn(self.sensor_key, text)
        return first

    # ---- tests
    def test_starts_from_its_snapshot_while_the_hub_is_down_and_catches_up(self):
        first = self.persist_a_snapshot()
        self.hub.stop()

        # The sensor host reboots during the outage: it starts at once on the stored snapshot.
        self.start_matcher()
        self.append("1764300000.1 client=10.0.0.5 query=www.login-vote.example type=A")
        got = wait_for(lambda: self.matches())
        self.assertTrue(got, "no match while starting with the hub down")
        self.assertEqual(got[0]["indicator"], "login-vote.example")
        self.assertEqual(got[0]["event_uuid"], first["uuid"])
        self.assertIsNone(self.proc.poll(), "the sensor exited although it had a snapshot")
        self.assertTrue(wait_for(lambda: self.queued_reports() >= 1), "the sighting was not queued on disk")

        # The hub comes back: the queued sighting is delivered and a newly published indicator becomes active.
        self.restart_hub_on_same_port()
        self.assertTrue(wait_for(lambda: len(self.sightings(first["id"])) == 1, timeout=30),
                        "the queued sighting did not reach the hub")
        self.publish("new wave", "ballot-check.example")

        def matched_new():
            self.append("1764300001.2 client=10.0.0.6 query=ballot-check.example type=A")
            return [m for m in self.matches() if m["indicator"] == "ballot-check.example"]
        self.assertTrue(wait_for(matched_new, timeout=15, step=0.5), "an indicator published after the outage "
                        "never became active")
        rc, err = self.stop_matcher()
        self.assertEqual(rc, 0, err)
        self.assertIn("warning: the hub at %s is unreachable" % self.hub.base, err)
        self.assertIn("1 indicators in 1 events", err)
        self.assertIn(" ago in %s" % self.state, err)
        # The new indicator was persisted too (written when the sensor stopped at the latest).
        with open(os.path.join(self.state, "indicator-snapshot")) as f:
            self.assertIn("ballot-check.example", f.read())

    def test_without_a_usable_snapshot_it_still_exits_3(self):
        self.hub.stop()
        rc, _, err = self.one_shot(state=False)
        self.assertEqual(rc, 3, err)
        self.assertIn("is unreachable", err)
        self.assertIn("--queue-dir", err)
        rc, _, err = self.one_shot()
        self.assertEqual(rc, 3, err)
        self.assertIn("holds no usable indicator snapshot", err)
        self.assertNotIn("ignoring", err)

    def test_a_damaged_snapshot_or_one_of_another_key_is_ignored(self):
        self.persist_a_snapshot()
        _, other_key = self.hub.add_user("other-sensor@count.test", self.sensor_user["org_id"], role_id=3)
        snapshot = os.path.join(self.state, "indicator-snapshot")
        with open(snapshot) as f:
            good = f.read()
        self.hub.stop()
        # The snapshot works for its own key, even in a one-shot run over stdin.
        rc, out, err = self.one_shot()
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out.splitlines()[0])["indicator"], "login-vote.example")
        self.assertIn("sightings not delivered yet (kept queued)", err)
        # Another key does not get this key's view.
        rc, out, err = self.one_shot(key=other_key)
        self.assertEqual(rc, 3, err)
        self.assertIn("ignoring the indicator snapshot", err)
        self.assertIn("another API key", err)
        self.assertEqual(out, "")
        # A damaged snapshot is not used.
        with open(snapshot, "w") as f:
            f.write(good.replace("login-vote.example", "login-vote.exampla"))
        rc, out, err = self.one_shot()
        self.assertEqual(rc, 3, err)
        self.assertIn("ignoring the indicator snapshot", err)
        self.assertIn("checksum", err)
        self.assertEqual(out, "")

    def test_a_key_refused_once_the_hub_answers_stops_the_sensor(self):
        self.persist_a_snapshot()
        r = self.hub.post("/admin/users/edit/%s" % self.sensor_user["id"], {"disabled": True})
        self.assertEqual(r.status, 200, r)
        # With the hub up, a refused key stops the sensor at start (no snapshot is used).
        rc, out, err = self.one_shot()
        self.assertEqual(rc, 1, err)
        self.assertNotIn("snapshot", err)
        self.assertEqual(out, "")
        # Started during an outage, it runs on the snapshot until the hub answers, then stops.
        self.hub.stop()
        self.start_matcher()
        self.append("1764300000.1 client=10.0.0.5 query=www.login-vote.example type=A")
        self.assertTrue(wait_for(lambda: self.matches()), "no match while starting with the hub down")
        self.restart_hub_on_same_port()
        self.assertIsNotNone(wait_for(lambda: self.proc.poll() is not None or None, timeout=20),
                             "the sensor kept running with a refused key")
        rc, err = self.stop_matcher()
        self.assertEqual(rc, 1, err)
        self.assertIn("the hub refused the sensor's key", err)


if __name__ == "__main__":
    unittest.main()
