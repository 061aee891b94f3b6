"""The sensor indicator feed and sensor sightings over the real binary: GET /api/v1/sensor/indicators (full load
paged by event, delta after a change sequence) and POST /api/v1/sensor/sightings (idempotent per batch id), with
two organisations whose sensors each see only what their organisation may see."""
import unittest
import uuid

from harness import Hub


def add_event(hub, key, info, attributes, distribution=1, threat_level=2, publish=True):
    r = hub.post("/events/add", {"Event": {"info": info, "distribution": distribution, "threat_level_id": threat_level,
                                           "analysis": 0, "Attribute": attributes}}, key=key)
    assert r.status == 200, r
    ev = r.json()["Event"]
    if publish:
        p = hub.post("/events/publish/%s" % ev["id"], {}, key=key)
        assert p.status == 200, p
    return ev


def domain(value, **extra):
    return dict({"type": "domain", "category": "Network activity", "value": value, "to_ids": True}, **extra)


class SensorFeed(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = Hub()
        org_a = cls.hub.add_org("Org A")
        org_b = cls.hub.add_org("Org B")
        _, cls.pub_a = cls.hub.add_user("publisher@a.test", org_a["id"], role_id=4)
        _, cls.sensor_a = cls.hub.add_user("sensor@a.test", org_a["id"], role_id=3)
        _, cls.sensor_b = cls.hub.add_user("sensor@b.test", org_b["id"], role_id=3)

    @classmethod
    def tearDownClass(cls):
        cls.hub.close()

    def feed(self, key, **params):
        query = "&".join("%s=%s" % kv for kv in params.items())
        r = self.hub.get("/api/v1/sensor/indicators?" + query, key=key)
        self.assertEqual(r.status, 200, r)
        return r.json()["data"]

    def full_load(self, key, limit=1000):
        """Every page of a full load: ({event uuid: [values]}, cursor of the first page, pages)."""
        events, after, cursor, pages = {}, 0, None, 0
        while True:
            page = self.feed(key, page_after_event=after, limit=limit)
            pages += 1
            self.assertTrue(page["full"])
            if cursor is None:
                cursor = page["cursor"]
            for e in page["events"]:
                self.assertNotIn(e["uuid"], events)
                events[e["uuid"]] = sorted(i["value"] for i in e["indicators"])
            if not page["more"]:
                return events, cursor, pages
            after = page["next_page_after_event"]

    def delta(self, key, after):
        """{event uuid: [values]} for every event the delta after `after` touched, and the new cursor."""
        events = {}
        while True:
            page = self.feed(key, after=after)
            self.assertFalse(page["full"])
            for e in page["events"]:
                events[e["uuid"]] = sorted(i["value"] for i in e["indicators"])
            after = page["cursor"]
            if not page["more"]:
                return events, after

    def test_publish_shows_and_unpublish_withdraws(self):
        _, cursor, _ = self.full_load(self.sensor_b)
        ev = add_event(self.hub, self.pub_a, "phishing wave", [
            domain("wave.example"),
            domain("harmless.example", to_ids=False),
            dict(type="comment", category="Other", value="not an indicator"),
        ])
        events, cursor = self.delta(self.sensor_b, cursor)
        self.assertEqual(events.get(ev["uuid"]), ["wave.example"])
        full, _, _ = self.full_load(self.sensor_b)
        self.assertEqual(full[ev["uuid"]], ["wave.example"])

        r = self.hub.post("/api/v1/events/%s/unpublish" % ev["id"], {}, key=self.pub_a)
        self.assertEqual(r.status, 200, r)
        events, cursor = self.delta(self.sensor_b, cursor)
        self.assertEqual(events.get(ev["uuid"]), [])
        full, _, _ = self.full_load(self.sensor_b)
        self.assertNotIn(ev["uuid"], full)
        events, _ = self.delta(self.sensor_b, cursor)
        self.assertEqual(events, {})

    def test_second_orgs_sensor_does_not_see_org_only_events(self):
        _, cursor_b, _ = self.full_load(self.sensor_b)
        private = add_event(self.hub, self.pub_a, "A internal", [domain("a-internal.example")], distribution=0)
        shared = add_event(self.hub, self.pub_a, "shared", [domain("shared.example"),
                                                           domain("a-only-attr.example", distribution=0)])
        full_a, _, _ = self.full_load(self.sensor_a)
        full_b, _, _ = self.full_load(self.sensor_b)
        self.assertEqual(full_a[private["uuid"]], ["a-internal.example"])
        self.assertEqual(full_a[shared["uuid"]], ["a-only-attr.example", "shared.example"])
        self.assertNotIn(private["uuid"], full_b)
        self.assertEqual(full_b[shared["uuid"]], ["shared.example"])
        events, _ = self.delta(self.sensor_b, cursor_b)
        self.assertEqual(events[shared["uuid"]], ["shared.example"])
        # At most a bare withdrawal for the private event's publication, never its indicators or info.
        self.assertEqual(events.get(private["uuid"], []), [])
        page = self.feed(self.sensor_b, after=cursor_b)
        for e in page["events"]:
            if e["uuid"] == private["uuid"]:
                self.assertEqual(e["info"], "")
        self.assertNotIn(b"a-internal", self.hub.get("/api/v1/sensor/indicators?after=%d" % cursor_b,
                                                     key=self.sensor_b).body)

    def test_full_load_pages_cover_every_indicator_once(self):
        made = {}
        for i in range(6):
            ev = add_event(self.hub, self.pub_a, "paging %d" % i,
                           [domain("p%d-%d.example" % (i, j)) for j in range(1 + i % 3)])
            made[ev["uuid"]] = sorted("p%d-%d.example" % (i, j) for j in range(1 + i % 3))
        everything, _, one_page = self.full_load(self.sensor_b, limit=100000)
        paged, _, pages = self.full_load(self.sensor_b, limit=2)
        self.assertEqual(paged, everything)
        self.assertGreater(pages, one_page)
        for u, values in made.items():
            self.assertEqual(paged[u], values)

    def test_sightings_batch_posted_twice_is_counted_once(self):
        ev = add_event(self.hub, self.pub_a, "sighted", [domain("sighted.example"), domain("also.example")],
                       threat_level=1)
        batch = {"batch_id": "sensor-b:%s" % uuid.uuid4(), "sightings": [
            {"attribute_uuid": ev["Attribute"][0]["uuid"], "value": "www.sighted.example", "time": 1760000000,
             "source": "dns-sensor"},
            {"attribute_uuid": ev["Attribute"][1]["uuid"], "value": "also.example", "time": 0, "source": "dns-sensor"},
            {"attribute_uuid": str(uuid.uuid4()), "value": "unknown", "time": 0, "source": "dns-sensor"},
        ]}
        first = self.hub.post("/api/v1/sensor/sightings", batch, key=self.sensor_b)
        self.assertEqual(first.status, 200, first)
        self.assertEqual(first.json()["data"], {"batch_id": batch["batch_id"], "added": 2, "duplicates": 0,
                                                "rejected": 1, "alerts": 2})  # threat level 1: one alert each
        second = self.hub.post("/api/v1/sensor/sightings", batch, key=self.sensor_b)
        self.assertEqual(second.status, 200, second)
        self.assertEqual(second.json()["data"]["added"], 0)
        self.assertEqual(second.json()["data"]["duplicates"], 2)
        self.assertEqual(second.json()["data"]["alerts"], 0)  # a retried batch raises nothing new
        r = self.hub.get("/api/v1/sightings?event_id=%s" % ev["id"], key=self.pub_a)
        self.assertEqual(r.status, 200, r)
        sightings = r.json()["data"]
        self.assertEqual(len(sightings), 2)
        self.assertEqual(sorted(s["source"] for s in sightings), ["dns-sensor", "dns-sensor"])

    def test_high_threat_matches_raise_alerts_that_can_be_acknowledged(self):
        high = add_event(self.hub, self.pub_a, "election night C2", [domain("c2.alert.example")], threat_level=1)
        low = add_event(self.hub, self.pub_a, "low noise", [domain("noise.alert.example")], threat_level=3)
        before = self.hub.get("/api/v1/alerts?limit=10000", key=self.pub_a).json()["data"]
        after_id = int(before[-1]["id"]) if before else 0
        batch = {"batch_id": "alerts-%s" % uuid.uuid4(), "sightings": [
            {"attribute_uuid": high["Attribute"][0]["uuid"], "value": "www.c2.alert.example", "time": 0,
             "source": "resolver-7"},
            {"attribute_uuid": low["Attribute"][0]["uuid"], "value": "noise.alert.example", "time": 0,
             "source": "resolver-7"}]}
        r = self.hub.post("/api/v1/sensor/sightings", batch, key=self.sensor_a)
        self.assertEqual(r.json()["data"]["alerts"], 1, r)
        alerts = self.hub.get("/api/v1/alerts?after=%d" % after_id, key=self.pub_a).json()["data"]
        self.assertEqual(len(alerts), 1)
        a = alerts[0]
        self.assertEqual((a["event_uuid"], a["attribute_uuid"], a["value"], a["source"], a["acknowledged"]),
                         (high["uuid"], high["Attribute"][0]["uuid"], "www.c2.alert.example", "resolver-7", False))
        # The event is shared with the community (distribution 1), so Org B sees the alert too; an org-only
        # event's alert stays with its org.
        secret = add_event(self.hub, self.pub_a, "org only", [domain("secret.alert.example")], threat_level=1,
                           distribution=0)
        r = self.hub.post("/api/v1/sensor/sightings", {"batch_id": "alerts-%s" % uuid.uuid4(), "sightings": [
            {"attribute_uuid": secret["Attribute"][0]["uuid"], "value": "secret.alert.example", "time": 0,
             "source": "resolver-7"}]}, key=self.sensor_a)
        self.assertEqual(r.json()["data"]["alerts"], 1, r)
        seen_b = {x["event_uuid"] for x in self.hub.get("/api/v1/alerts?after=%d" % after_id,
                                                          key=self.sensor_b).json()["data"]}
        self.assertIn(high["uuid"], seen_b)
        self.assertNotIn(secret["uuid"], seen_b)
        secret_alert = next(x for x in self.hub.get("/api/v1/alerts?after=%d" % after_id, key=self.pub_a).json()["data"]
                            if x["event_uuid"] == secret["uuid"])
        self.assertEqual(self.hub.post("/api/v1/alerts/%s/ack" % secret_alert["id"], key=self.sensor_b).status, 404)
        r = self.hub.post("/api/v1/alerts/%s/ack" % a["id"], key=self.pub_a)
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json()["data"]["acknowledged"])
        self.assertIn("acknowledged_at", r.json()["data"])
        self.assertEqual(self.hub.post("/api/v1/alerts/abc/ack", key=self.pub_a).status, 400)
        self.assertEqual(self.hub.get("/api/v1/alerts?limit=0", key=self.pub_a).status, 400)

    def test_bad_requests_are_clear_errors(self):
        self.assertEqual(self.hub.get("/api/v1/sensor/indicators", key="").status, 401)
        for q in ("limit=0", "limit=x", "after=-1", "after=1&page_after_event=1", "limit=99999999"):
            r = self.hub.get("/api/v1/sensor/indicators?" + q, key=self.sensor_b)
            self.assertEqual(r.status, 400, q)
        bad = self.hub.post("/api/v1/sensor/sightings", {"batch_id": "has space", "sightings": []}, key=self.sensor_b)
        self.assertEqual(bad.status, 422, bad)
        bad = self.hub.post("/api/v1/sensor/sightings", {"batch_id": "x", "sightings": [{"attribute_uuid": 1}]},
                            key=self.sensor_b)
        self.assertEqual(bad.status, 400, bad)
        self.assertEqual(bad.json()["error"]["field"], "sightings[0].attribute_uuid")


if __name__ == "__main__":
    unittest.main()
