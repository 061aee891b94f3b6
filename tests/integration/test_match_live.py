"""`bulwark match --hub` end to end against a real hub: a sensor with its own key follows a log, a newly
published indicator is matched within seconds, sightings reach the hub (and an alert for a high-threat event),
and after a hub outage the matcher keeps matching on its last snapshot and delivers the queued sightings once
the hub is back."""
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from harness import BIN, Hub, SensorLog, wait_for


class MatchLive(SensorLog, unittest.TestCase):
    def setUp(self):
        self.hub = Hub()
        org = self.hub.add_org("Resolver operator")
        self.sensor_user, self.sensor_key = self.hub.add_user("sensor@resolver.test", org["id"], role_id=3)
        self.dir = tempfile.mkdtemp(prefix="bulwark-match-live-")
        self.log = os.path.join(self.dir, "dns.log")
        self.out = os.path.join(self.dir, "matches.jsonl")
        open(self.log, "w").close()
        self.proc = None

    def tearDown(self):
        if self.proc:
            if self.proc.poll() is None:
                self.proc.terminate()
                self.proc.wait(timeout=30)
            self.proc.stdout.close()
            self.proc.stderr.close()
        self.hub.close()
        shutil.rmtree(self.dir, ignore_errors=True)


    def start_matcher(self):
        self.proc = subprocess.Popen([BIN, "match", "--hub", self.hub.base, "--key", self.sensor_key, "--queue-dir",
                                      os.path.join(self.dir, "queue"), "--sensor", "resolver-7", "--follow", self.log,
                                      "-o", self.out], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def sightings(self, event_id):
        r = self.hub.get("/api/v1/sightings?event_id=%s" % event_id)
        self.assertEqual(r.status, 200, r)
        return r.json()["data"]

    def test_live_publish_sightings_alerts_and_outage(self):
        first = self.publish("known phishing", "login-vote.example", threat_level=1)
        self.start_matcher()
        self.append("1764300000.1 client=10.0.0.5 query=www.login-vote.example type=A")
        got = wait_for(lambda: self.matches())
        self.assertTrue(got, "no match for an indicator published before the matcher started")
        self.assertEqual(got[0]["indicator"], "login-vote.example")
        self.assertEqual(got[0]["event_uuid"], first["uuid"])

        # A newly published indicator is active within seconds (the matcher polls the delta every second).
        second = self.publish("new wave", "ballot-check.example")
        published_at = time.monotonic()
        def matched_second():
            self.append("1764300001.2 client=10.0.0.6 query=ballot-check.example type=A")
            return [m for m in self.matches() if m["indicator"] == "ballot-check.example"]
        self.assertTrue(wait_for(matched_second, timeout=10, step=0.5))
        self.assertLess(time.monotonic() - published_at, 5.0)

        # Sightings reach the hub in batches; the high-threat event raised an alert.
        self.assertTrue(wait_for(lambda: self.sightings(first["id"])), "no sighting delivered")
        alerts = self.hub.get("/api/v1/alerts").json()["data"]
        self.assertIn(first["uuid"], {a["event_uuid"] for a in alerts})

        # Outage: the hub stops; matching goes on with the last snapshot; sightings queue on disk.
        self.hub.stop()
        before = len(self.matches())
        self.append("1764300002.3 client=10.0.0.7 query=mail.login-vote.example type=MX")
        self.assertTrue(wait_for(lambda: len(self.matches()) > before), "matching stopped during the outage")
        self.assertIsNone(self.proc.poll(), "the matcher exited when the hub went away")
        # The hub comes back (same data, new port is not possible for the running matcher: restart on the same
        # port is what an operator does, so the harness restarts it and the matcher is pointed at the same URL).
        port = int(self.hub.base.rsplit(":", 1)[1])
        self.hub.proc = subprocess.Popen([BIN, "serve", "--data-dir", self.hub.data_dir, "--listen",
                                          "127.0.0.1:%d" % port, "--log-level", "warn"],
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.assertIn(" on http", self.hub.proc.stdout.readline())
        # Every match so far on the first event is delivered as a sighting, none twice.
        first_matches = [m for m in self.matches() if m["event_uuid"] == first["uuid"]]
        self.assertTrue(wait_for(lambda: len(self.sightings(first["id"])) >= len(first_matches), timeout=30),
                        "queued sightings were not delivered after the outage")
        time.sleep(2.5)  # two more poll/flush rounds: nothing may be delivered twice
        self.assertEqual(len(self.sightings(first["id"])), len(first_matches))

    def test_a_sensor_whose_key_is_revoked_while_it_runs_stops(self):
        self.publish("known phishing", "login-vote.example")
        self.start_matcher()
        self.append("1764300000.1 client=10.0.0.5 query=login-vote.example type=A")
        self.assertTrue(wait_for(lambda: self.matches()), "the sensor did not start matching")
        self.assertIsNone(self.proc.poll())
        # The operator disables the sensor's user: its key is refused from now on.
        r = self.hub.post("/admin/users/edit/%s" % self.sensor_user["id"], {"User": {"disabled": True}})
        self.assertEqual(r.status, 200, r)
        self.assertIsNotNone(wait_for(lambda: self.proc.poll() is not None or None, timeout=20),
                             "the sensor kept running on a refused key")
        self.assertEqual(self.proc.returncode, 1)
        self.assertIn("the hub refused the sensor's key", self.proc.stderr.read())


if __name__ == "__main__":
    unittest.main()
