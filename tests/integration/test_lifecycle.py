"""Indicator lifecycle over HTTP (docs/lifecycle.md): includeDecayScore, excludeDecayed, excludeExpired, the
detection-export default that leaves expired indicators out, the reason visible at /api/v1/attributes/{id}/lifecycle,
and the reversal by a sighting. Ages come from the attributes' own timestamps, which events/add keeps."""
import time
import unittest

from harness import Hub

DAY = 86400


class LifecycleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = Hub()
        now = int(time.time())
        r = cls.hub.post("/events/add", {"Event": {"info": "aged indicators", "distribution": 1, "published": True,
                                                   "Attribute": [
            {"type": "ip-dst", "value": "198.51.100.20", "to_ids": True, "timestamp": str(now - 40 * DAY)},
            {"type": "domain", "value": "fresh.example", "to_ids": True, "timestamp": str(now - 10 * DAY)},
            {"type": "hostname", "value": "stale.example", "to_ids": True, "timestamp": str(now - 150 * DAY)},
            {"type": "sha256", "to_ids": True, "timestamp": str(now - 400 * DAY),
             "value": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        ]}})
        assert r.status == 200, r
        cls.event = r.json()["Event"]
        cls.ids = {a["value"]: a["id"] for a in cls.event["Attribute"]}

    @classmethod
    def tearDownClass(cls):
        cls.hub.close()

    def search(self, **params):
        r = self.hub.post("/attributes/restSearch", dict({"eventid": self.event["id"]}, **params))
        self.assertEqual(r.status, 200, r)
        return r

    def values(self, **params):
        return sorted(a["value"] for a in self.search(**params).json()["response"]["Attribute"])

    def test_include_decay_score_shape(self):
        attrs = {a["value"]: a for a in self.search(includeDecayScore=True).json()["response"]["Attribute"]}
        fresh = attrs["fresh.example"]["decay_score"]
        self.assertEqual(len(fresh), 1)
        self.assertGreater(fresh[0]["score"], 30)
        self.assertFalse(fresh[0]["decayed"])
        self.assertIn("name", fresh[0]["DecayingModel"])
        self.assertTrue(attrs["stale.example"]["decay_score"][0]["decayed"])  # 150 days > lifetime 120
        self.assertNotIn("decay_score", attrs["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"])
        self.assertTrue(attrs["198.51.100.20"]["lifecycle"]["expired"])
        self.assertNotIn("decay_score", self.search().json()["response"]["Attribute"][0])

    def test_exclude_decayed_and_expired(self):
        self.assertEqual(len(self.values()), 4)
        self.assertNotIn("stale.example", self.values(excludeDecayed=True))
        self.assertIn("fresh.example", self.values(excludeDecayed=True))
        expired_out = self.values(excludeExpired=True)
        self.assertNotIn("198.51.100.20", expired_out)
        self.assertIn("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", expired_out)  # never expires

    def test_detection_exports_leave_expired_out_unless_asked(self):
        text = self.search(returnFormat="text").body.decode().split()
        self.assertNotIn("198.51.100.20", text)
        self.assertIn("fresh.example", text)
        text = self.search(returnFormat="text", excludeExpired=False).body.decode().split()
        self.assertIn("198.51.100.20", text)

    def test_reason_visible_and_sighting_reverses(self):
        r = self.hub.get("/api/v1/attributes/%s/lifecycle" % self.ids["198.51.100.20"])
        self.assertEqual(r.status, 200, r)
        d = r.json()["data"]
        self.assertTrue(d["lifecycle"]["expired"])
        self.assertTrue(d["lifecycle"]["excluded"])
        self.assertIn("expired", d["lifecycle"]["reason"])
        self.assertIn("ip-dst", d["lifecycle"]["reason"])
        self.assertEqual(self.hub.get("/api/v1/attributes/999999/lifecycle").status, 404)

    def test_zz_sighting_brings_an_expired_indicator_back(self):
        r = self.hub.post("/sightings/add", {"value": "198.51.100.20"})
        self.assertEqual(r.status, 200, r)
        self.assertIn("198.51.100.20", self.values(excludeExpired=True))
        d = self.hub.get("/api/v1/attributes/%s/lifecycle" % self.ids["198.51.100.20"]).json()["data"]
        self.assertFalse(d["lifecycle"]["expired"])

    def test_decaying_model_selects_the_models(self):
        # The hub's built-in model is id 1: naming it changes nothing; a list and a numeric string are accepted.
        for chosen in (1, "1", [1], ["1"]):
            attrs = {a["value"]: a for a in
                     self.search(includeDecayScore=True, decayingModel=chosen).json()["response"]["Attribute"]}
            self.assertEqual([d["DecayingModel"]["id"] for d in attrs["fresh.example"]["decay_score"]], ["1"])
            self.assertNotIn("stale.example", self.values(excludeDecayed=True, decayingModel=chosen))
        # A model the hub does not have is refused, naming the id and the models it has; nothing is returned.
        r = self.hub.post("/attributes/restSearch", {"eventid": self.event["id"], "decayingModel": [1, 99]})
        self.assertEqual(r.status, 422, r)
        self.assertIn("decayingModel 99", r.json()["message"])
        self.assertEqual(r.json()["error"]["field"], "decayingModel")
        r = self.hub.post("/events/restSearch", {"eventid": self.event["id"], "decayingModel": 99})
        self.assertEqual(r.status, 422, r)
        for bad in ("phishing", [1.5], {"id": 1}):
            r = self.hub.post("/attributes/restSearch", {"decayingModel": bad})
            self.assertEqual(r.status, 400, (bad, r))

    def test_model_overrides_change_the_scores_of_this_query_only(self):
        def scores(path="/attributes/restSearch", **params):
            body = dict({"eventid": self.event["id"], "includeDecayScore": True}, **params)
            r = self.hub.post(path, body)
            self.assertEqual(r.status, 200, r)
            answer = r.json()["response"]
            attrs = answer["Attribute"] if "Attribute" in answer else answer[0]["Event"]["Attribute"]
            found = {a["value"]: a["decay_score"][0] for a in attrs if "decay_score" in a}
            return {v: found[v] for v in ("fresh.example", "stale.example")}

        base = scores()
        self.assertFalse(base["fresh.example"]["decayed"])
        self.assertTrue(base["stale.example"]["decayed"])
        # A threshold above the fresh indicator's score makes it decayed, the score itself unchanged.
        raised = scores(modelOverrides={"threshold": 99})
        self.assertTrue(raised["fresh.example"]["decayed"])
        self.assertAlmostEqual(raised["fresh.example"]["score"], base["fresh.example"]["score"], delta=0.5)
        # A longer lifetime (as a numeric string, as MISP clients send it) brings the stale indicator back.
        longer = scores(modelOverrides={"lifetime": "3650"})
        self.assertFalse(longer["stale.example"]["decayed"])
        self.assertGreater(longer["stale.example"]["score"], base["stale.example"]["score"])
        self.assertIn("stale.example", self.values(excludeDecayed=True, modelOverrides={"lifetime": 3650}))
        self.assertNotIn("stale.example", self.values(excludeDecayed=True))
        # events/restSearch scores the same way; the named model takes the overrides.
        self.assertFalse(scores("/events/restSearch", modelOverrides={"lifetime": 3650})["stale.example"]["decayed"])
        self.assertTrue(scores(decayingModel=1, modelOverrides={"threshold": 99})["fresh.example"]["decayed"])
        # The hub's model itself is untouched: the next query without overrides scores as before.
        again = scores()
        self.assertEqual([again[v]["decayed"] for v in again], [base[v]["decayed"] for v in base])
        # Bad overrides: 400 naming the parameter.
        for bad, field in (({"threshold": "high"}, "modelOverrides.threshold"), ({"speed": 1}, "modelOverrides.speed"),
                           ("strict", "modelOverrides"), ({"lifetime": -5}, "modelOverrides.lifetime"),
                           ({"decay_speed": [2]}, "modelOverrides.decay_speed")):
            r = self.hub.post("/attributes/restSearch", {"eventid": self.event["id"], "modelOverrides": bad})
            self.assertEqual(r.status, 400, (bad, r))
            self.assertEqual(r.json()["error"]["field"], field, (bad, r))

    def test_bad_flag(self):
        r = self.hub.post("/attributes/restSearch", {"excludeDecayed": "perhaps"})
        self.assertEqual(r.status, 400, r)


if __name__ == "__main__":
    unittest.main()
