"""Warninglists over HTTP: the real misp-warninglists snapshot loaded with `bulwark library load`, then
MISP's POST /warninglists/checkValue and the native POST /api/v1/warninglists/check, good and bad bodies."""
import unittest

from harness import Hub, testdata

HUB = None
LISTS = testdata("misp", "warninglists")

DNS_V4 = "List of known IPv4 public DNS resolvers"
RFC1918 = "List of RFC 1918 CIDR blocks"
ALEXA = "Top 1000 website from Alexa"
EMPTY_HASHES = "List of known hashes for empty files"


def setUpModule():
    global HUB
    HUB = Hub()
    if LISTS:
        out = HUB.cli("library", "load", LISTS)
        assert "136 warninglists" in out.stdout, out.stdout + out.stderr
        HUB.restart()  # the server loads the lists at start


def tearDownModule():
    if HUB:
        HUB.close()


class WarninglistRoutesTest(unittest.TestCase):
    def setUp(self):
        if not LISTS:
            self.skipTest("shared data misp/warninglists missing (set BULWARK_TESTDATA)")

    def names(self, hits):
        return {h["name"] for h in hits}

    def assertError(self, r, status):
        self.assertEqual(r.status, status, r.body)
        body = r.json()
        self.assertIn("message", body)
        self.assertIn("error", body)

    def test_misp_check_value_list(self):
        r = HUB.post("/warninglists/checkValue", ["8.8.8.8", " 192.168.1.1 ", "google.com",
                                                  "bulwark-nothing.invalid"])
        self.assertEqual(r.status, 200, r.body)
        body = r.json()
        self.assertEqual(set(body), {"8.8.8.8", "192.168.1.1", "google.com"})  # only values with hits
        self.assertIn(DNS_V4, self.names(body["8.8.8.8"]))
        self.assertIn(RFC1918, self.names(body["192.168.1.1"]))
        self.assertIn(ALEXA, self.names(body["google.com"]))
        hit = next(h for h in body["8.8.8.8"] if h["name"] == DNS_V4)
        self.assertIsInstance(hit["id"], str)
        self.assertEqual(hit["matched"], "8.8.8.8")
        self.assertEqual(hit["category"], "false_positive")

    def test_misp_check_value_single_and_wrapped(self):
        r = HUB.post("/warninglists/checkValue", "d41d8cd98f00b204e9800998ecf8427e")
        self.assertEqual(r.status, 200, r.body)
        self.assertIn(EMPTY_HASHES, self.names(r.json()["d41d8cd98f00b204e9800998ecf8427e"]))
        r = HUB.post("/warninglists/checkValue", {"Warninglist": ["10.1.2.3"]})
        self.assertEqual(r.status, 200, r.body)
        self.assertIn(RFC1918, self.names(r.json()["10.1.2.3"]))
        r = HUB.post("/warninglists/checkValue", {"[]": ["10.1.2.3"]})
        self.assertIn(RFC1918, self.names(r.json()["10.1.2.3"]))

    def test_misp_check_value_no_hit_is_empty_list(self):
        r = HUB.post("/warninglists/checkValue", ["bulwark-nothing.invalid"])
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json(), [])

    def test_native_check(self):
        r = HUB.post("/api/v1/warninglists/check", {"values": [
            "8.8.8.8",
            {"value": "8.8.8.8", "type": "comment"},
            {"value": "https://www.google.com/search?q=x", "type": "url"},
            {"value": "www.example.org|10.0.0.1", "type": "domain|ip"},
            "bulwark-nothing.invalid",
        ]})
        self.assertEqual(r.status, 200, r.body)
        data = r.json()["data"]
        self.assertEqual([d["value"] for d in data], ["8.8.8.8", "8.8.8.8", "https://www.google.com/search?q=x",
                                                     "www.example.org|10.0.0.1", "bulwark-nothing.invalid"])
        self.assertIn(DNS_V4, self.names(data[0]["hits"]))
        self.assertEqual(data[1]["hits"], [])  # no real list applies to the comment type
        self.assertIn(ALEXA, self.names(data[2]["hits"]))
        alexa = next(h for h in data[2]["hits"] if h["name"] == ALEXA)
        self.assertEqual(alexa["matched"], "google.com")
        self.assertIsInstance(alexa["id"], int)
        rfc = next(h for h in data[3]["hits"] if h["name"] == RFC1918)
        self.assertEqual((rfc["matched"], rfc["value"]), ("10.0.0.0/8", "10.0.0.1"))
        self.assertEqual(data[4]["hits"], [])

    def test_native_default_type(self):
        r = HUB.post("/api/v1/warninglists/check", {"type": "md5", "values": ["d41d8cd98f00b204e9800998ecf8427e",
                                                                           "8.8.8.8"]})
        self.assertEqual(r.status, 200, r.body)
        data = r.json()["data"]
        self.assertIn(EMPTY_HASHES, self.names(data[0]["hits"]))
        self.assertEqual(data[1]["hits"], [])  # IP lists do not apply to md5

    def test_bad_bodies(self):
        for body in (None, [], {}, [1, 2], [None], {"Warninglist": []}):
            self.assertError(HUB.post("/warninglists/checkValue", body), 400)
        self.assertError(HUB.request("POST", "/warninglists/checkValue", raw=b"{not json",
                                     headers={"Content-Type": "application/json"}), 400)
        for body in (None, [], {"values": "8.8.8.8"}, {"values": []}, {"values": [1]},
                     {"values": [{"type": "ip-dst"}]}, {"values": ["x"], "type": 5},
                     {"values": [{"value": "x", "type": []}]}):
            self.assertError(HUB.post("/api/v1/warninglists/check", body), 400)
        self.assertError(HUB.post("/api/v1/warninglists/check", {"values": ["1.1.1.1"] * 10001}), 413)
        self.assertError(HUB.request("POST", "/api/v1/warninglists/check", raw=b"values=1",
                                     headers={"Content-Type": "text/plain"}), 415)

    def test_needs_a_key(self):
        r = HUB.request("POST", "/warninglists/checkValue", body=["8.8.8.8"], key="")
        self.assertEqual(r.status, 401, r.body)
        r = HUB.request("POST", "/api/v1/warninglists/check", body={"values": ["8.8.8.8"]}, key="0" * 40)
        self.assertEqual(r.status, 401, r.body)


class WarninglistHooksTest(unittest.TestCase):
    """Warnings on attribute views and adds, and enforceWarninglist on both restSearch routes and exports."""

    @classmethod
    def setUpClass(cls):
        if not LISTS:
            raise unittest.SkipTest("shared data misp/warninglists missing (set BULWARK_TESTDATA)")
        r = HUB.post("/events/add", {"Event": {"info": "resolver noise", "distribution": 1, "published": True,
                                               "Attribute": [
                                                   {"type": "ip-dst", "value": "8.8.8.8", "to_ids": True},
                                                   {"type": "ip-dst", "value": "91.214.124.19", "to_ids": True},
                                                   {"type": "domain", "value": "google.com", "to_ids": False},
                                               ]}})
        assert r.status == 200, r
        cls.event = r.json()["Event"]

    def attr(self, value):
        return next(a for a in self.event["Attribute"] if a["value"] == value)

    def test_attribute_view_carries_warnings(self):
        r = HUB.get("/attributes/view/%s" % self.attr("8.8.8.8")["id"])
        self.assertEqual(r.status, 200, r.body)
        warnings = r.json()["Attribute"]["warnings"]
        self.assertIn(DNS_V4, {w["warninglist_name"] for w in warnings})
        w = next(w for w in warnings if w["warninglist_name"] == DNS_V4)
        self.assertEqual(w["value"], "8.8.8.8")
        self.assertEqual(w["warninglist_category"], "false_positive")
        # A clean value and a non-IDS attribute carry none (MISP shows warnings for to_ids attributes).
        for value in ("91.214.124.19", "google.com"):
            r = HUB.get("/attributes/view/%s" % self.attr(value)["id"])
            self.assertNotIn("warnings", r.json()["Attribute"], value)

    def test_attribute_add_and_event_view_carry_warnings(self):
        r = HUB.post("/attributes/add/%s" % self.event["id"], {"type": "ip-src", "value": "1.1.1.1", "to_ids": True})
        self.assertEqual(r.status, 200, r.body)
        self.assertIn("warnings", r.json()["Attribute"])
        view = HUB.get("/events/view/%s" % self.event["id"]).json()["Event"]
        warned = {a["value"] for a in view["Attribute"] if a.get("warnings")}
        self.assertEqual(warned, {"8.8.8.8", "1.1.1.1"})

    def test_enforce_warninglist_filters_searches_and_exports(self):
        def values(body):
            return sorted(a["value"] for a in body["response"]["Attribute"])
        # An event of its own: adding an attribute (another test) unpublishes an event, and detection exports
        # default to published events.
        r = HUB.post("/events/add", {"Event": {"info": "enforce", "distribution": 1, "published": True,
                                               "Attribute": [
                                                   {"type": "ip-dst", "value": "8.8.8.8", "to_ids": True},
                                                   {"type": "ip-dst", "value": "91.214.124.19", "to_ids": True},
                                               ]}})
        self.assertEqual(r.status, 200, r.body)
        event = r.json()["Event"]
        base = {"eventid": event["id"], "type": "ip-dst"}
        r = HUB.post("/attributes/restSearch", base)
        self.assertEqual(values(r.json()), ["8.8.8.8", "91.214.124.19"])
        r = HUB.post("/attributes/restSearch", dict(base, enforceWarninglist=True))
        self.assertEqual(values(r.json()), ["91.214.124.19"])
        r = HUB.post("/events/restSearch", {"eventid": event["id"], "enforceWarninglist": 1})
        event = r.json()["response"][0]["Event"]
        self.assertNotIn("8.8.8.8", {a["value"] for a in event["Attribute"]})
        self.assertIn("91.214.124.19", {a["value"] for a in event["Attribute"]})
        r = HUB.post("/attributes/restSearch", dict(base, returnFormat="text", enforceWarninglist=True))
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body.decode().split(), ["91.214.124.19"])
        r = HUB.post("/attributes/restSearch", dict(base, enforceWarninglist="maybe"))
        self.assertEqual(r.status, 400, r.body)


if __name__ == "__main__":
    unittest.main()
