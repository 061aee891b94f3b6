"""Correlation routes over the real binary: /api/v1/attributes/{id}/correlations, /api/v1/events/{id}/correlations
and /api/v1/correlations/top, with access control between two organisations and incremental updates."""
import os
import subprocess
import tempfile
import unittest

from harness import BIN, Hub


def add_event(hub, key, info, attributes, distribution=1):
    r = hub.post("/events/add", {"Event": {"info": info, "distribution": distribution, "threat_level_id": 2,
                                           "analysis": 0, "Attribute": attributes}}, key=key)
    assert r.status == 200, r
    return r.json()["Event"]


def attr(type_, value, category="Network activity", **extra):
    return dict({"type": type_, "category": category, "value": value}, **extra)


class CorrelationRoutes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = Hub()
        org_a = cls.hub.add_org("Org A")
        org_b = cls.hub.add_org("Org B")
        _, cls.key_a = cls.hub.add_user("analyst@a.test", org_a["id"], role_id=3)
        _, cls.key_b = cls.hub.add_user("analyst@b.test", org_b["id"], role_id=3)
        cls.ev_a = add_event(cls.hub, cls.key_a, "A: phishing wave", [
            attr("domain", "evil-election.example"),
            attr("ip-dst", "192.0.2.10", distribution=0),  # org A only
            attr("ip-src", "198.51.100.0/24"),
            attr("comment", "shared comment", category="Other"),
        ])
        cls.ev_b = add_event(cls.hub, cls.key_b, "B: DDoS", [
            attr("url", "HTTP://Login.Evil-Election.example:80/vote"),
            attr("ip-dst", "192.0.2.10"),
            attr("ip-dst", "198.51.100.77"),
            attr("comment", "shared comment", category="Other"),
        ])

    @classmethod
    def tearDownClass(cls):
        cls.hub.close()

    def attr_id(self, event, value):
        for a in event["Attribute"]:
            if a["value"] == value:
                return a["id"]
        raise AssertionError("no attribute %s" % value)

    def related(self, attribute_id, key):
        r = self.hub.get("/api/v1/attributes/%s/correlations" % attribute_id, key=key)
        self.assertEqual(r.status, 200, r)
        return r.json()["data"]

    def test_domain_and_url_host(self):
        d = self.related(self.attr_id(self.ev_a, "evil-election.example"), self.key_a)
        self.assertEqual(len(d["RelatedAttribute"]), 1)
        ra = d["RelatedAttribute"][0]
        self.assertEqual(ra["id"], self.ev_b["id"])  # MISP: the related event's id
        self.assertEqual(ra["event_id"], self.ev_b["id"])
        self.assertEqual(ra["info"], "B: DDoS")
        self.assertEqual(ra["correlation"], {"kind": "url-host", "via": "evil-election.example"})

    def test_cidr_contains_ip(self):
        d = self.related(self.attr_id(self.ev_b, "198.51.100.77"), self.key_b)
        self.assertEqual([r["value"] for r in d["RelatedAttribute"]], ["198.51.100.0/24"])
        self.assertEqual(d["RelatedAttribute"][0]["correlation"]["kind"], "cidr")

    def test_org_only_attribute_hidden_from_other_org(self):
        b_ip = self.attr_id(self.ev_b, "192.0.2.10")
        self.assertEqual(self.related(b_ip, self.key_b)["RelatedAttribute"], [])
        seen_by_a = self.related(b_ip, self.key_a)["RelatedAttribute"]
        self.assertEqual([r["attribute_id"] for r in seen_by_a], [self.attr_id(self.ev_a, "192.0.2.10")])
        # The hidden attribute itself is "not found" for B.
        r = self.hub.get("/api/v1/attributes/%s/correlations" % self.attr_id(self.ev_a, "192.0.2.10"), key=self.key_b)
        self.assertEqual(r.status, 404, r)

    def test_event_correlations_shape(self):
        r = self.hub.get("/api/v1/events/%s/correlations" % self.ev_b["uuid"], key=self.key_b)
        self.assertEqual(r.status, 200, r)
        d = r.json()["data"]
        self.assertEqual(len(d["RelatedEvent"]), 1)
        rel = d["RelatedEvent"][0]
        self.assertEqual(rel["Event"]["id"], self.ev_a["id"])
        self.assertEqual(rel["Event"]["info"], "A: phishing wave")
        self.assertEqual(rel["Orgc"]["name"], "Org A")
        self.assertEqual(rel["links"], 2)  # the URL (host) and the IP (CIDR); the org-only IP is invisible to B
        values = sorted(a["value"] for a in d["Attribute"])
        self.assertEqual(len(values), 2)
        self.assertIn("198.51.100.77", values)
        self.assertTrue(any(v.lower().startswith("http://login.evil-election.example") for v in values), values)
        for a in d["Attribute"]:
            self.assertTrue(a["RelatedAttribute"])
        # Comments never correlate.
        self.assertNotIn("shared comment", values)

    def test_incremental_update_and_top(self):
        ev_c = add_event(self.hub, self.key_b, "B: follow-up", [attr("ip-dst", "203.0.113.99")])
        ev_d = add_event(self.hub, self.key_a, "A: same host", [attr("ip-dst", "203.0.113.99")])
        d = self.related(self.attr_id(ev_c, "203.0.113.99"), self.key_b)
        self.assertEqual([r["event_id"] for r in d["RelatedAttribute"]], [ev_d["id"]])
        r = self.hub.get("/api/v1/correlations/top?limit=5", key=self.key_b)
        self.assertEqual(r.status, 200, r)
        top = {t["value"]: t for t in r.json()["data"]}
        self.assertEqual(top["203.0.113.99"]["attributes"], 2)
        self.assertEqual(top["203.0.113.99"]["events"], 2)
        self.assertNotIn("192.0.2.10", top)  # only one of its two attributes is visible to B
        # Deleting one side removes the correlation.
        r = self.hub.post("/attributes/delete/%s/1" % self.attr_id(ev_d, "203.0.113.99"), key=self.key_a)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.related(self.attr_id(ev_c, "203.0.113.99"), self.key_b)["RelatedAttribute"], [])

    def test_event_view_related_event_and_attributes(self):
        r = self.hub.get("/events/view/%s" % self.ev_b["id"], key=self.key_b)
        self.assertEqual(r.status, 200, r)
        ev = r.json()["Event"]
        self.assertEqual([re["Event"]["id"] for re in ev["RelatedEvent"]], [self.ev_a["id"]])
        rel = ev["RelatedEvent"][0]
        self.assertEqual(rel["Event"]["info"], "A: phishing wave")
        self.assertEqual(rel["Orgc"]["name"], "Org A")
        by_value = {a["value"]: a for a in ev["Attribute"]}
        self.assertEqual(by_value["198.51.100.77"]["RelatedAttribute"],
                         [{"id": self.ev_a["id"], "org_id": rel["Event"]["org_id"], "info": "A: phishing wave",
                           "value": "198.51.100.0/24"}])
        # The org-only IP of A is invisible to B: B's copy of the value shows no relation.
        self.assertNotIn("RelatedAttribute", by_value["192.0.2.10"])
        self.assertNotIn("RelatedAttribute", by_value["shared comment"])
        # A sees its org-only IP related to B's.
        ev_a = self.hub.get("/events/view/%s" % self.ev_a["id"], key=self.key_a).json()["Event"]
        a_ip = next(a for a in ev_a["Attribute"] if a["value"] == "192.0.2.10")
        self.assertEqual([x["id"] for x in a_ip["RelatedAttribute"]], [self.ev_b["id"]])

    def search(self, path, body, key):
        r = self.hub.post(path, body, key=key)
        self.assertEqual(r.status, 200, r)
        return r.json()["response"]

    def test_attributes_rest_search_include_correlations(self):
        body = {"returnFormat": "json", "value": "192.0.2.10", "includeCorrelations": True}
        # B sees only its own copy of the IP, and no relation to A's org-only one.
        got_b = self.search("/attributes/restSearch", body, self.key_b)["Attribute"]
        self.assertEqual([a["event_id"] for a in got_b], [self.ev_b["id"]])
        self.assertNotIn("RelatedAttribute", got_b[0])
        # A sees both copies, each related to the other's event, in MISP's shape.
        got_a = {a["event_id"]: a for a in self.search("/attributes/restSearch", body, self.key_a)["Attribute"]}
        self.assertEqual(set(got_a), {self.ev_a["id"], self.ev_b["id"]})
        self.assertEqual([(r["id"], r["info"], r["value"]) for r in got_a[self.ev_a["id"]]["RelatedAttribute"]],
                         [(self.ev_b["id"], "B: DDoS", "192.0.2.10")])
        self.assertEqual([r["id"] for r in got_a[self.ev_b["id"]]["RelatedAttribute"]], [self.ev_a["id"]])
        # Without the parameter (or with it false) nothing is added.
        for flag in ({}, {"includeCorrelations": False}):
            plain = self.search("/attributes/restSearch", dict({"returnFormat": "json", "value": "192.0.2.10"}, **flag),
                                self.key_a)["Attribute"]
            self.assertTrue(plain)
            self.assertTrue(all("RelatedAttribute" not in a for a in plain))

    def test_events_rest_search_include_correlations(self):
        body = {"returnFormat": "json", "eventid": self.ev_b["id"], "includeCorrelations": 1}
        events = self.search("/events/restSearch", body, self.key_b)
        self.assertEqual(len(events), 1)
        ev = events[0]["Event"]
        # The same annotations as events/view, for the caller.
        view = self.hub.get("/events/view/%s" % self.ev_b["id"], key=self.key_b).json()["Event"]
        self.assertEqual(ev["RelatedEvent"], view["RelatedEvent"])
        related = {a["value"]: a.get("RelatedAttribute") for a in ev["Attribute"]}
        self.assertEqual(related, {a["value"]: a.get("RelatedAttribute") for a in view["Attribute"]})
        self.assertIsNotNone(related["198.51.100.77"])
        self.assertIsNone(related["192.0.2.10"])  # A's org-only copy stays invisible to B
        plain = self.search("/events/restSearch", {"returnFormat": "json", "eventid": self.ev_b["id"]}, self.key_b)
        self.assertFalse(plain[0]["Event"].get("RelatedEvent"))
        self.assertTrue(all("RelatedAttribute" not in a for a in plain[0]["Event"]["Attribute"]))
        bad = self.hub.post("/events/restSearch", {"returnFormat": "json", "includeCorrelations": "often"},
                            key=self.key_b)
        self.assertEqual(bad.status, 400, bad)

    def test_errors(self):
        self.assertEqual(self.hub.get("/api/v1/correlations/top?limit=0").status, 400)
        self.assertEqual(self.hub.get("/api/v1/attributes/999999/correlations").status, 404)
        self.assertEqual(self.hub.get("/api/v1/events/999999/correlations").status, 404)
        self.assertEqual(self.hub.get("/api/v1/correlations/top", key="").status, 401)


class CorrelationConfig(unittest.TestCase):
    """[correlation] limit and exclusions from the config file."""

    def test_limit_and_exclusions(self):
        with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
            f.write('[correlation]\nlimit = 2\nexclusions = ["%.excluded.example"]\n')
            config = f.name
        try:
            with Hub(extra_args=["--config", config]) as hub:
                events = [add_event(hub, hub.admin_key, "wave %d" % i, [attr("ip-dst", "203.0.113.5"),
                                                                         attr("domain", "x.excluded.example")])
                          for i in range(3)]
                ip = next(a for a in events[0]["Attribute"] if a["type"] == "ip-dst")
                d = hub.get("/api/v1/attributes/%s/correlations" % ip["id"]).json()["data"]
                self.assertEqual(d["RelatedAttribute"], [])  # 3 attributes > limit 2: counted, not listed
                self.assertEqual([(o["value"], o["count"]) for o in d["over_correlating"]], [("203.0.113.5", 3)])
                dom = next(a for a in events[0]["Attribute"] if a["type"] == "domain")
                d = hub.get("/api/v1/attributes/%s/correlations" % dom["id"]).json()["data"]
                self.assertEqual((d["RelatedAttribute"], d["over_correlating"]), ([], []))
        finally:
            os.unlink(config)

    def test_bad_exclusion_stops_serve(self):
        with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
            f.write('[correlation]\nexclusions = ["%%"]\n')
            config = f.name
        data_dir = tempfile.mkdtemp(prefix="bulwark-it-")
        try:
            subprocess.run([BIN, "init", "--data-dir", data_dir], check=True, capture_output=True, timeout=60)
            out = subprocess.run([BIN, "serve", "--data-dir", data_dir, "--config", config, "--listen", "127.0.0.1:0"],
                                 capture_output=True, text=True, timeout=60)
            self.assertEqual(out.returncode, 2, out)
            self.assertIn("[correlation] exclusions", out.stderr)
        finally:
            os.unlink(config)
            subprocess.run(["rm", "-rf", data_dir])


if __name__ == "__main__":
    unittest.main()
