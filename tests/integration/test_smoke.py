"""The first things a new user does: init, serve, connect as PyMISP does, add an event, read it back."""
import unittest

from harness import Hub


class SmokeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = Hub()

    @classmethod
    def tearDownClass(cls):
        cls.hub.close()

    def test_health_and_metrics(self):
        r = self.hub.get("/healthz", key="")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["status"], "ok")
        m = self.hub.get("/metrics", key="")
        self.assertEqual(m.status, 200)
        self.assertIn(b"bulwark_http_requests_total", m.body)

    def test_pymisp_connect_sequence(self):
        self.assertEqual(self.hub.get("/servers/getPyMISPVersion.json").json()["version"], "2.5.1")
        v = self.hub.get("/servers/getVersion").json()
        self.assertIn("perm_sync", v)
        me = self.hub.get("/users/view/me").json()
        self.assertEqual(me["User"]["email"], "admin@hub.test")
        self.assertTrue(me["Role"]["perm_site_admin"])
        types = self.hub.get("/attributes/describeTypes.json").json()["result"]
        self.assertEqual(len(types["categories"]), 16)
        self.assertIn("ip-dst", types["types"])

    def test_no_key_is_401(self):
        r = self.hub.get("/events/index", key="")
        self.assertEqual(r.status, 401)
        self.assertEqual(r.json()["error"]["code"], "unauthenticated")
        r = self.hub.get("/events/index", key="A" * 40)
        self.assertEqual(r.status, 401)

    def test_event_round_trip(self):
        r = self.hub.post("/events/add", {"Event": {"info": "smoke", "distribution": "1", "threat_level_id": "2",
                                                    "Attribute": [{"type": "ip-dst", "value": "198.51.100.7",
                                                                   "to_ids": True, "comment": "c2"}],
                                                    "Tag": [{"name": "tlp:green"}]}})
        self.assertEqual(r.status, 200, r)
        ev = r.json()["Event"]
        self.assertEqual(ev["info"], "smoke")
        self.assertEqual(ev["Attribute"][0]["value"], "198.51.100.7")
        self.assertEqual(ev["Attribute"][0]["category"], "Network activity")
        view = self.hub.get("/events/view/" + ev["uuid"]).json()["Event"]
        self.assertEqual(view["id"], ev["id"])
        self.assertEqual([t["name"] for t in view["Tag"]], ["tlp:green"])
        found = self.hub.post("/attributes/restSearch", {"value": "198.51.100.7"}).json()
        self.assertEqual([a["value"] for a in found["response"]["Attribute"]], ["198.51.100.7"])


if __name__ == "__main__":
    unittest.main()
