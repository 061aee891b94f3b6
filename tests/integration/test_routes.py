"""Every MISP-compatible and system route of the hub, through HTTP: the success path in MISP's envelopes and the
main error paths (401 without a key, 403 where the role lacks the permission, 404 for unknown ids, 400/422 for
invalid input, 409 for duplicates, 415 for a non-JSON body). The native /api/v1 routes are in test_native_api.py.

One hub serves the whole module (library loaded: object templates and taxonomies), with users of each role in a
partner organisation. Tests that count results create their own uniquely named data so they do not depend on
the order the tests run in.
"""
import gzip
import json
import re
import time
import unittest
import uuid as uuidlib

from harness import Hub, testdata

HUB = None
ORG2 = None  # the partner organisation
KEYS = {}  # role name -> API key of a user of ORG2 with that role
USERS = {}  # role name -> user dict


def setUpModule():
    global HUB, ORG2
    HUB = Hub()
    objects = testdata("misp", "objects")
    taxonomies = testdata("misp", "taxonomies")
    if objects and taxonomies:
        HUB.cli("library", "load", objects)
        HUB.cli("library", "load", taxonomies)
        HUB.restart()
    ORG2 = HUB.add_org("Partner CERT")
    for role, role_id in (("org_admin", 2), ("user", 3), ("publisher", 4), ("sync", 5), ("read_only", 6)):
        USERS[role], KEYS[role] = HUB.add_user("%s@partner.test" % role, ORG2["id"], role_id=role_id)


def tearDownModule():
    if HUB:
        HUB.close()


def need_library(test):
    if not (testdata("misp", "objects") and testdata("misp", "taxonomies")):
        test.skipTest("shared data misp/objects or misp/taxonomies missing (set BULWARK_TESTDATA)")


def unique(prefix):
    return "%s-%s" % (prefix, uuidlib.uuid4().hex[:10])


def add_event(info=None, key=None, **fields):
    body = dict({"info": info or unique("event")}, **fields)
    r = HUB.post("/events/add", {"Event": body}, key=key)
    assert r.status == 200, r
    return r.json()["Event"]


class RouteTestCase(unittest.TestCase):
    def assertError(self, r, status, code=None, field=None):
        """A JSON error: the status, MISP's {name, message, url} and the native {error: {code, message, field}}.
        TAXII routes answer in TAXII's error format instead (title, description, error_code, http_status)."""
        self.assertEqual(r.status, status, r)
        if "taxii" in r.headers.get("Content-Type", ""):
            body = r.json()
            self.assertTrue(body["title"], r)
            self.assertEqual(body["http_status"], str(status), r)
            if code is not None:
                self.assertEqual(body["error_code"], code, r)
            if field is not None:
                self.assertEqual(body.get("details", {}).get("field"), field, r)
            return body
        self.assertIn("json", r.headers.get("Content-Type", ""), r)
        body = r.json()
        for key in ("name", "message", "url", "error"):
            self.assertIn(key, body, r)
        self.assertTrue(body["message"], r)
        self.assertIsInstance(body["error"], dict)
        self.assertTrue(body["error"]["message"], r)
        if code is not None:
            self.assertEqual(body["error"]["code"], code, r)
        if field is not None:
            self.assertEqual(body["error"].get("field"), field, r)
        return body

    def assertOk(self, r, status=200):
        self.assertEqual(r.status, status, r)
        return r.json()


# ---------------------------------------------------------------------------------------------------------------
class SystemRoutesTest(RouteTestCase):
    def test_healthz(self):
        r = HUB.get("/healthz", key="")
        body = self.assertOk(r)
        self.assertEqual(body["status"], "ok")
        self.assertTrue(body["version"])
        self.assertIsInstance(body["schema_version"], int)

    def test_index(self):
        body = self.assertOk(HUB.get("/", key=""))
        self.assertEqual(body["api"], "/api/v1")
        self.assertEqual(body["openapi"], "/api/v1/openapi.json")
        self.assertEqual(body["misp_compatible_version"], "2.5.1")

    @staticmethod
    def metric_sum(text, name, **labels):
        total = 0.0
        for line in text.splitlines():
            if not line.startswith(name + "{") and not line.startswith(name + " "):
                continue
            if all('%s="%s"' % (k, v) in line for k, v in labels.items()):
                total += float(line.rsplit(" ", 1)[1])
        return total

    def test_metrics_counters_move(self):
        before = HUB.get("/metrics", key="")
        self.assertEqual(before.status, 200)
        self.assertIn("text/plain", before.headers["Content-Type"])
        text = before.body.decode()
        self.assertIn("# TYPE bulwark_http_requests_total counter", text)
        n0 = self.metric_sum(text, "bulwark_http_requests_total", route="misp.servers.getPyMISPVersion", status="200")
        e0 = self.metric_sum(text, "bulwark_http_requests_total", route="misp.events.view", status="404")
        for _ in range(3):
            self.assertEqual(HUB.get("/servers/getPyMISPVersion.json").status, 200)
        self.assertEqual(HUB.get("/events/view/987654321").status, 404)
        # A request is counted when its response has been written, which may be just after the client has read
        # it: on a loaded machine the next /metrics can come first. Allow a few seconds for that.
        deadline = time.time() + 5
        while True:
            text = HUB.get("/metrics", key="").body.decode()
            views = self.metric_sum(text, "bulwark_http_requests_total", route="misp.events.view", status="404")
            if views >= e0 + 1 or time.time() > deadline:
                break
            time.sleep(0.05)
        self.assertEqual(self.metric_sum(text, "bulwark_http_requests_total", route="misp.servers.getPyMISPVersion",
                                         status="200"), n0 + 3)
        self.assertEqual(views, e0 + 1)
        self.assertIn("bulwark_http_request_duration_seconds_bucket", text)

    def test_openapi_document(self):
        r = HUB.get("/api/v1/openapi.json", key="")
        doc = self.assertOk(r)
        self.assertTrue(doc["openapi"].startswith("3."), doc["openapi"])
        self.assertIn("/events/add", doc["paths"])
        self.assertIn("/api/v1/events", doc["paths"])
        self.assertNotEqual(doc["info"]["version"], "{{VERSION}}")
        for path, item in doc["paths"].items():
            for method, op in item.items():
                if method in ("get", "post", "put", "patch", "delete"):
                    self.assertTrue(op.get("summary"), "%s %s" % (method, path))
                    self.assertTrue(op.get("responses"), "%s %s" % (method, path))

    def test_gzip_when_accepted(self):
        r = HUB.get("/api/v1/openapi.json", key="", headers={"Accept-Encoding": "gzip"})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers.get("Content-Encoding"), "gzip", r.headers)
        doc = json.loads(gzip.decompress(r.body))
        self.assertTrue(doc["openapi"].startswith("3."))
        plain = HUB.get("/api/v1/openapi.json", key="")
        self.assertNotEqual(plain.headers.get("Content-Encoding"), "gzip")
        self.assertEqual(json.loads(plain.body), doc)
        self.assertLess(len(r.body), len(plain.body))

    def test_gzip_streamed_search(self):
        ev = add_event(Attribute=[{"type": "text", "value": unique("gz") * 50} for _ in range(20)])
        r = HUB.post("/events/restSearch", {"eventid": ev["id"]}, headers={"Accept-Encoding": "gzip"})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers.get("Content-Encoding"), "gzip")
        body = json.loads(gzip.decompress(r.body))
        self.assertEqual([e["Event"]["uuid"] for e in body["response"]], [ev["uuid"]])

    def test_unknown_route_is_404_json(self):
        self.assertError(HUB.get("/no/such/route"), 404)

    def test_wrong_method_is_405_with_allow(self):
        r = HUB.request("GET", "/events/add")
        self.assertError(r, 405)
        self.assertIn("POST", r.headers.get("Allow", ""))


# ---------------------------------------------------------------------------------------------------------------
class AuthenticationTest(RouteTestCase):
    """Every authenticated route answers 401 without a key, with a wrong key, and with a malformed one."""

    PUBLIC = {("get", "/healthz"), ("get", "/metrics"), ("get", "/api/v1/openapi.json"), ("get", "/")}

    def routes(self):
        doc = HUB.get("/api/v1/openapi.json", key="").json()
        for path, item in sorted(doc["paths"].items()):
            for method in item:
                if method in ("get", "post", "put", "patch", "delete") and (method, path) not in self.PUBLIC:
                    yield method.upper(), re.sub(r"\{[^}]+\}", "1", path)

    def test_every_route_needs_a_key(self):
        routes = list(self.routes())
        self.assertGreater(len(routes), 100)
        before = HUB.change_count()
        for method, path in routes:
            with self.subTest(route="%s %s" % (method, path)):
                body = {} if method in ("POST", "PUT", "PATCH") else None
                self.assertError(HUB.request(method, path, body=body, key=""), 401, "unauthenticated", "Authorization")
        self.assertEqual(HUB.change_count(), before)

    def test_wrong_keys(self):
        for key in ("A" * 40, "short", "Bearer " + "B" * 40, HUB.admin_key[:-1] + ("x" if HUB.admin_key[-1] != "x" else "y")):
            with self.subTest(key=key):
                self.assertError(HUB.get("/events/index", key=key), 401, "unauthenticated")

    def test_key_forms_accepted(self):
        self.assertEqual(HUB.get("/users/view/me", key="Bearer " + HUB.admin_key).status, 200)
        r = HUB.get("/users/view/me", key="", headers={"X-MISP-AUTH": HUB.admin_key})
        self.assertEqual(r.status, 200)


# ---------------------------------------------------------------------------------------------------------------
class PyMispConnectTest(RouteTestCase):
    def test_versions(self):
        self.assertEqual(self.assertOk(HUB.get("/servers/getPyMISPVersion.json")), {"version": "2.5.1"})
        for path in ("/servers/getVersion", "/servers/getVersion.json"):
            v = self.assertOk(HUB.get(path))
            self.assertEqual(v["version"], "2.5.1")
            self.assertIs(v["perm_sync"], True)
            self.assertIs(v["perm_sighting"], True)
        v = self.assertOk(HUB.get("/servers/getVersion", key=KEYS["read_only"]))
        self.assertIs(v["perm_sync"], False)

    def test_users_view_me(self):
        me = self.assertOk(HUB.get("/users/view/me"))
        self.assertEqual(me["User"]["email"], "admin@hub.test")
        self.assertEqual(me["Organisation"]["name"], "Hub Operator")
        self.assertIs(me["Role"]["perm_site_admin"], True)
        self.assertEqual(me["UserSetting"], [])
        self.assertNotIn("password", me["User"])
        me = self.assertOk(HUB.get("/users/view/me", key=KEYS["user"]))
        self.assertEqual(me["User"]["email"], "user@partner.test")
        self.assertEqual(me["Role"]["id"], "3")
        self.assertIs(me["Role"]["perm_site_admin"], False)

    def test_describe_types_matches_pymisp(self):
        types = self.assertOk(HUB.get("/attributes/describeTypes.json"))["result"]
        ref_path = testdata("misp", "describeTypes.json")
        if not ref_path:
            self.skipTest("misp/describeTypes.json missing")
        with open(ref_path) as f:
            ref = json.load(f)["result"]
        self.assertEqual(sorted(types["categories"]), sorted(ref["categories"]))
        self.assertEqual(set(types["types"]), set(ref["types"]))
        self.assertEqual(types["sane_defaults"]["ip-dst"], {"default_category": "Network activity", "to_ids": 1})
        self.assertIn("md5", types["category_type_mappings"]["Payload delivery"])


# ---------------------------------------------------------------------------------------------------------------
class EventsTest(RouteTestCase):
    def test_add_view_head_and_shape(self):
        info = unique("add")
        r = HUB.post("/events/add", {"Event": {"info": info, "distribution": "0", "threat_level_id": "1",
                                               "analysis": "2", "date": "2024-03-05",
                                               "Attribute": [{"type": "ip-dst", "value": "203.0.113.10"}],
                                               "Tag": [{"name": "tlp:amber"}]}})
        ev = self.assertOk(r)["Event"]
        self.assertEqual(ev["info"], info)
        self.assertEqual((ev["distribution"], ev["threat_level_id"], ev["analysis"], ev["date"]),
                         ("0", "1", "2", "2024-03-05"))
        self.assertRegex(ev["id"], r"^\d+$")
        self.assertRegex(ev["uuid"], r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
        self.assertIs(ev["published"], False)
        self.assertEqual(ev["attribute_count"], "1")
        self.assertEqual(ev["Orgc"]["name"], "Hub Operator")
        self.assertEqual(ev["Attribute"][0]["category"], "Network activity")
        for ref in (ev["id"], ev["uuid"], ev["id"] + ".json"):
            view = self.assertOk(HUB.get("/events/view/" + ref))
            self.assertEqual(list(view.keys()), ["Event"])
            self.assertEqual(view["Event"]["uuid"], ev["uuid"])
            self.assertEqual([t["name"] for t in view["Event"]["Tag"]], ["tlp:amber"])
        head = HUB.request("HEAD", "/events/view/" + ev["id"])
        self.assertEqual(head.status, 200)
        self.assertEqual(head.body, b"")
        self.assertEqual(HUB.request("HEAD", "/events/view/987654321").status, 404)
        # A bare event object (no envelope) is accepted as MISP does.
        bare = self.assertOk(HUB.post("/events/add", {"info": unique("bare")}))["Event"]
        self.assertEqual(bare["distribution"], "1")  # the hub's default

    def test_add_errors(self):
        before = HUB.change_count()
        self.assertError(HUB.post("/events/add", {"Event": {"info": "x", "distribution": "9"}}), 422, "invalid",
                         "distribution")
        self.assertError(HUB.post("/events/add", {"Event": {"info": "x", "threat_level_id": "0"}}), 422, "invalid",
                         "threat_level_id")
        self.assertError(HUB.post("/events/add", {"Event": {"info": "x", "date": "2024-13-45"}}), 422, "invalid",
                         "date")
        self.assertError(HUB.post("/events/add", [1, 2]), 400, "bad_request")
        self.assertError(HUB.post("/events/add", None, raw=b"{not json", headers={"Content-Type": "application/json"}),
                         400, "bad_request", "body")
        self.assertError(HUB.post("/events/add", None, raw=b"<Event/>", headers={"Content-Type": "application/xml"}),
                         415, "unsupported_media_type", "Content-Type")
        self.assertError(HUB.post("/events/add", {"Event": {"info": "x"}}, key=KEYS["read_only"]), 403, "forbidden")
        self.assertEqual(HUB.change_count(), before)
        ev = add_event()
        self.assertError(HUB.post("/events/add", {"Event": {"info": "again", "uuid": ev["uuid"]}}), 409, "conflict")
        self.assertEqual(HUB.change_count(), before + 1)

    def test_edit(self):
        ev = add_event(distribution=0)
        r = HUB.post("/events/edit/" + ev["id"], {"Event": {"info": "edited", "threat_level_id": "2"}})
        edited = self.assertOk(r)["Event"]
        self.assertEqual(edited["info"], "edited")
        self.assertEqual(edited["threat_level_id"], "2")
        self.assertEqual(edited["uuid"], ev["uuid"])
        r = HUB.request("PUT", "/events/edit/" + ev["uuid"], body={"Event": {"info": "put-edited"}})
        self.assertEqual(self.assertOk(r)["Event"]["info"], "put-edited")
        self.assertEqual(HUB.get("/events/view/" + ev["id"]).json()["Event"]["info"], "put-edited")
        before = HUB.change_count()
        self.assertError(HUB.post("/events/edit/987654321", {"Event": {"info": "x"}}), 404, "not_found")
        self.assertError(HUB.post("/events/edit/" + ev["id"], {"Event": {"distribution": "8"}}), 422, "invalid",
                         "distribution")
        self.assertError(HUB.post("/events/edit/" + ev["id"], "just a string"), 400, "bad_request")
        self.assertError(HUB.post("/events/edit/" + ev["id"], None, raw=b"info=x",
                                  headers={"Content-Type": "text/plain"}), 415)
        # An event of another org with distribution 0 is invisible: 404, not 403.
        self.assertError(HUB.post("/events/edit/" + ev["id"], {"Event": {"info": "x"}}, key=KEYS["org_admin"]), 404)
        self.assertEqual(HUB.change_count(), before)

    def test_edit_of_visible_event_of_other_org_is_403(self):
        ev = add_event(distribution=1)
        self.assertEqual(HUB.get("/events/view/" + ev["id"], key=KEYS["user"]).status, 200)
        before = HUB.change_count()
        self.assertError(HUB.post("/events/edit/" + ev["id"], {"Event": {"info": "x"}}, key=KEYS["user"]), 403,
                         "forbidden")
        self.assertError(HUB.post("/events/delete/" + ev["id"], key=KEYS["user"]), 403, "forbidden")
        self.assertError(HUB.post("/events/edit/" + ev["id"], {"Event": {"info": "x"}}, key=KEYS["read_only"]), 403)
        self.assertEqual(HUB.change_count(), before)

    def test_publish_unpublish(self):
        ev = add_event(key=KEYS["user"], distribution=1)
        before = HUB.change_count()
        self.assertError(HUB.post("/events/publish/" + ev["id"], key=KEYS["user"]), 403, "forbidden")
        self.assertError(HUB.post("/events/publish/987654321"), 404, "not_found")
        self.assertEqual(HUB.change_count(), before)
        r = self.assertOk(HUB.post("/events/publish/" + ev["id"], key=KEYS["publisher"]))
        self.assertEqual((r["saved"], r["success"], r["id"]), (True, True, ev["id"]))
        self.assertEqual(r["message"], "Event published.")
        view = HUB.get("/events/view/" + ev["id"]).json()["Event"]
        self.assertIs(view["published"], True)
        self.assertNotEqual(view["publish_timestamp"], "0")
        r = self.assertOk(HUB.post("/events/unpublish/" + ev["uuid"], key=KEYS["publisher"]))
        self.assertEqual(r["message"], "Event unpublished.")
        self.assertIs(HUB.get("/events/view/" + ev["id"]).json()["Event"]["published"], False)
        self.assertError(HUB.post("/events/unpublish/987654321"), 404)

    def test_delete(self):
        for method in ("POST", "DELETE"):
            ev = add_event()
            r = self.assertOk(HUB.request(method, "/events/delete/" + ev["id"]))
            self.assertEqual(r["message"], "Event deleted.")
            self.assertEqual(r["id"], ev["id"])
            self.assertError(HUB.get("/events/view/" + ev["id"]), 404)
            self.assertError(HUB.request(method, "/events/delete/" + ev["id"]), 404)
        ev = add_event()
        self.assertError(HUB.post("/events/delete/" + ev["id"], key=KEYS["read_only"]), 403)
        self.assertEqual(HUB.get("/events/view/" + ev["id"]).status, 200)

    def test_view_visibility(self):
        own = add_event(distribution=0)
        self.assertError(HUB.get("/events/view/" + own["id"], key=KEYS["user"]), 404, "not_found")
        self.assertError(HUB.get("/events/view/" + own["uuid"], key=KEYS["user"]), 404, "not_found")
        r = HUB.get("/events/view/not-an-id")
        self.assertError(r, r.status if r.status in (404, 422) else 404)
        self.assertEqual(HUB.get("/events/view/" + own["id"]).status, 200)

    def test_index(self):
        info = unique("index")
        evs = [add_event(info + "-%d" % i) for i in range(3)]
        r = HUB.get("/events/index")
        self.assertEqual(r.status, 200)
        body = r.json()
        self.assertIsInstance(body, list)
        self.assertEqual(r.headers.get("X-Result-Count"), str(len(body)))
        mine = [e for e in body if e["info"].startswith(info)]
        self.assertEqual(sorted(e["uuid"] for e in mine), sorted(e["uuid"] for e in evs))
        entry = mine[0]
        for key in ("id", "uuid", "info", "Org", "Orgc", "EventTag", "sighting_timestamp", "attribute_count"):
            self.assertIn(key, entry)
        self.assertNotIn("Attribute", entry)
        # POST events/index with search filters, and ?limit
        r = HUB.post("/events/index", {"eventid": evs[1]["id"]})
        self.assertEqual([e["uuid"] for e in r.json()], [evs[1]["uuid"]])
        self.assertEqual(r.headers.get("X-Result-Count"), "1")
        r = HUB.get("/events/index?limit=2&page=1")
        self.assertEqual(len(r.json()), 2)
        self.assertEqual(r.headers.get("X-Result-Count"), "2")
        self.assertError(HUB.post("/events/index", None, raw=b"[", headers={"Content-Type": "application/json"}), 400)
        # A user of another org sees only what distribution lets it see.
        hidden = add_event(distribution=0)
        seen = [e["uuid"] for e in HUB.get("/events/index", key=KEYS["user"]).json()]
        self.assertNotIn(hidden["uuid"], seen)


# ---------------------------------------------------------------------------------------------------------------
class RestSearchTest(RouteTestCase):
    """events/restSearch and attributes/restSearch filters, on a fixture of four events made for this class."""

    @classmethod
    def setUpClass(cls):
        cls.tag_a = unique("rs:a")
        cls.tag_b = unique("rs:b")
        cls.marker = unique("rsval")
        m = cls.marker

        def ev(info, **kw):
            return add_event(info, **kw)

        cls.e1 = ev("rs-1", date="2021-01-10", distribution=1, Tag=[{"name": cls.tag_a}, {"name": cls.tag_b}],
                    Attribute=[{"type": "ip-dst", "value": "198.51.100.1", "to_ids": True, "comment": m},
                               {"type": "domain", "value": m + ".example", "to_ids": False}])
        cls.e2 = ev("rs-2", date="2021-02-10", distribution=1, Tag=[{"name": cls.tag_a}],
                    Attribute=[{"type": "md5", "value": "0123456789abcdef0123456789abcdef", "comment": m},
                               {"type": "text", "value": m + " text", "category": "Other"}])
        cls.e3 = ev("rs-3", date="2021-03-10", distribution=1, Tag=[{"name": cls.tag_b}],
                    Attribute=[{"type": "ip-dst", "value": "198.51.100.3", "comment": m}])
        cls.e4 = add_event("rs-4", key=KEYS["user"], date="2021-04-10", distribution=1,
                           Attribute=[{"type": "url", "value": "http://" + m + ".example/x", "comment": m}])
        HUB.post("/events/publish/" + cls.e3["id"])
        cls.ids = {cls.e1["uuid"]: 1, cls.e2["uuid"]: 2, cls.e3["uuid"]: 3, cls.e4["uuid"]: 4}

    def events(self, body, key=None):
        body = dict(body)
        r = HUB.post("/events/restSearch", body, key=key)
        self.assertEqual(r.status, 200, r)
        data = r.json()
        self.assertEqual(list(data.keys()), ["response"])
        self.assertIsInstance(data["response"], list)
        for item in data["response"]:
            self.assertEqual(list(item.keys()), ["Event"])
        return sorted(self.ids[e["Event"]["uuid"]] for e in data["response"] if e["Event"]["uuid"] in self.ids)

    def attrs(self, body):
        r = HUB.post("/attributes/restSearch", body)
        self.assertEqual(r.status, 200, r)
        data = r.json()
        self.assertEqual(list(data.keys()), ["response"])
        self.assertEqual(list(data["response"].keys()), ["Attribute"])
        return data["response"]["Attribute"]

    def mine(self, **kw):
        """Events of this fixture: everything carrying the marker comment or value."""
        return dict({"eventid": [self.e1["id"], self.e2["id"], self.e3["id"], self.e4["id"]]}, **kw)

    def test_eventid_and_all(self):
        self.assertEqual(self.events(self.mine()), [1, 2, 3, 4])
        self.assertEqual(self.events({"eventid": self.e2["id"]}), [2])
        self.assertEqual(self.events({"eventid": self.e2["uuid"]}), [2])
        self.assertEqual(self.events({"uuid": self.e3["uuid"]}), [3])
        full = HUB.post("/events/restSearch", {"eventid": self.e1["id"]}).json()["response"][0]["Event"]
        self.assertEqual(sorted(a["type"] for a in full["Attribute"]), ["domain", "ip-dst"])
        self.assertEqual(sorted(t["name"] for t in full["Tag"]), sorted([self.tag_a, self.tag_b]))

    def test_value(self):
        self.assertEqual(self.events({"value": "198.51.100.3"}), [3])
        self.assertEqual(self.events({"value": ["198.51.100.1", "198.51.100.3"]}), [1, 3])
        self.assertEqual(self.events({"value": self.marker + "%"}), [1, 2])
        values = [a["value"] for a in self.attrs({"value": "198.51.100.1"})]
        self.assertEqual(values, ["198.51.100.1"])

    def test_type_and_category(self):
        self.assertEqual(self.events(self.mine(type="ip-dst")), [1, 3])
        self.assertEqual(self.events(self.mine(type=["md5", "url"])), [2, 4])
        self.assertEqual(self.events(self.mine(category="Other")), [2])
        got = self.attrs(self.mine(type="ip-dst"))
        self.assertEqual(sorted(a["value"] for a in got), ["198.51.100.1", "198.51.100.3"])
        for a in got:
            self.assertEqual(a["type"], "ip-dst")
            self.assertIn("Event", a)  # restSearch adds the event brief

    def test_org(self):
        self.assertEqual(self.events(self.mine(org=ORG2["id"])), [4])
        self.assertEqual(self.events(self.mine(org="Partner CERT")), [4])
        self.assertEqual(self.events(self.mine(org="Hub Operator")), [1, 2, 3])

    def test_tags_or_and_not(self):
        self.assertEqual(self.events(self.mine(tags=[self.tag_a])), [1, 2])
        self.assertEqual(self.events(self.mine(tags=[self.tag_a, self.tag_b])), [1, 2, 3])
        self.assertEqual(self.events(self.mine(tags={"AND": [self.tag_a, self.tag_b]})), [1])
        self.assertEqual(self.events(self.mine(tags={"OR": [self.tag_b]})), [1, 3])
        self.assertEqual(self.events(self.mine(tags={"NOT": [self.tag_a]})), [3, 4])
        self.assertEqual(self.events(self.mine(tags={"OR": [self.tag_b], "NOT": [self.tag_a]})), [3])
        self.assertEqual(self.events(self.mine(tags=["!" + self.tag_b])), [2, 4])
        self.assertEqual(self.events(self.mine(tags=[self.tag_a, "!" + self.tag_b])), [2])
        self.assertEqual(self.events(self.mine(tags={"AND": [self.tag_a, "no-such-tag-xyz"]})), [])
        self.assertError(HUB.post("/events/restSearch", {"tags": {"XOR": ["a"]}}), 400, field="tags")

    def test_from_to(self):
        self.assertEqual(self.events(self.mine(**{"from": "2021-02-01"})), [2, 3, 4])
        self.assertEqual(self.events(self.mine(to="2021-02-10")), [1, 2])
        self.assertEqual(self.events(self.mine(**{"from": "2021-02-01", "to": "2021-03-31"})), [2, 3])
        self.assertError(HUB.post("/events/restSearch", {"from": "yesterday-ish"}), 400, field="from")

    def test_last_and_published(self):
        self.assertEqual(self.events(self.mine(last="1d")), [3])
        self.assertEqual(self.events(self.mine(last="3600")), [3])
        self.assertEqual(self.events(self.mine(published=True)), [3])
        self.assertEqual(self.events(self.mine(published=0)), [1, 2, 4])
        self.assertError(HUB.post("/events/restSearch", {"last": "soon"}), 400, field="last")

    def test_timestamp(self):
        now = int(time.time())
        self.assertEqual(self.events(self.mine(timestamp=now - 3600)), [1, 2, 3, 4])
        self.assertEqual(self.events(self.mine(timestamp=now + 3600)), [])
        self.assertEqual(self.events(self.mine(timestamp=[now - 3600, now + 3600])), [1, 2, 3, 4])
        self.assertEqual(self.events(self.mine(timestamp="1h")), [1, 2, 3, 4])
        self.assertEqual(len(self.attrs(self.mine(timestamp=now + 3600))), 0)

    def test_to_ids(self):
        got = self.attrs(self.mine(to_ids=True, type=["ip-dst", "domain"]))
        self.assertEqual(sorted(a["value"] for a in got), ["198.51.100.1", "198.51.100.3"])
        got = self.attrs(self.mine(to_ids=0, type=["ip-dst", "domain"]))
        self.assertEqual([a["value"] for a in got], [self.marker + ".example"])

    def test_deleted(self):
        ev = add_event(Attribute=[{"type": "ip-src", "value": "192.0.2.77"}, {"type": "ip-src", "value": "192.0.2.78"}])
        gone = ev["Attribute"][0]
        self.assertEqual(HUB.post("/attributes/delete/" + gone["id"]).status, 200)
        base = {"eventid": ev["id"]}
        self.assertEqual([a["value"] for a in self.attrs(base)], ["192.0.2.78"])
        self.assertEqual([a["value"] for a in self.attrs(dict(base, deleted=1))], ["192.0.2.77"])
        self.assertEqual(sorted(a["value"] for a in self.attrs(dict(base, deleted=[0, 1]))),
                         ["192.0.2.77", "192.0.2.78"])
        self.assertIs(self.attrs(dict(base, deleted=1))[0]["deleted"], True)

    def test_limit_page(self):
        all_attrs = self.attrs(dict(self.mine(), type=["ip-dst", "domain", "md5", "text", "url"]))
        self.assertEqual(len(all_attrs), 6)
        ids = [a["id"] for a in all_attrs]
        self.assertEqual(ids, sorted(ids, key=int))
        page1 = self.attrs(dict(self.mine(), limit=4, page=1))
        page2 = self.attrs(dict(self.mine(), limit=4, page=2))
        self.assertEqual([a["id"] for a in page1 + page2], ids)
        self.assertEqual(len(page2), 2)
        self.assertEqual(len(self.events(self.mine(limit=2))), 2)
        self.assertEqual(self.events(self.mine(limit=2, page=2)), [3, 4])
        self.assertError(HUB.post("/attributes/restSearch", {"limit": "many"}), 400, field="limit")

    def test_visibility_in_search(self):
        hidden = add_event(distribution=0, Attribute=[{"type": "ip-dst", "value": "198.51.100.222"}])
        self.assertEqual(self.events({"value": "198.51.100.222"}, key=None), [])  # not in fixture ids; check below
        r = HUB.post("/events/restSearch", {"value": "198.51.100.222"}, key=KEYS["user"])
        self.assertEqual(r.json()["response"], [])
        r = HUB.post("/events/restSearch", {"value": "198.51.100.222"})
        self.assertEqual([e["Event"]["uuid"] for e in r.json()["response"]], [hidden["uuid"]])

    def test_request_envelope_and_errors(self):
        r = HUB.post("/events/restSearch", {"request": {"eventid": self.e2["id"]}})
        self.assertEqual([e["Event"]["uuid"] for e in r.json()["response"]], [self.e2["uuid"]])
        self.assertError(HUB.post("/events/restSearch", {"returnFormat": "stix-xml"}), 422, field="returnFormat")
        self.assertError(HUB.post("/attributes/restSearch", None, raw=b"{", headers={"Content-Type": "application/json"}),
                         400)
        self.assertError(HUB.post("/attributes/restSearch", None, raw=b"value=1", headers={"Content-Type": "text/csv"}),
                         415)


# ---------------------------------------------------------------------------------------------------------------
class AttributesTest(RouteTestCase):
    def setUp(self):
        self.ev = add_event(distribution=1)

    def test_add_one_and_list(self):
        r = HUB.post("/attributes/add/" + self.ev["id"], {"type": "domain", "value": "One.Example.", "comment": "c"})
        a = self.assertOk(r)
        self.assertEqual(list(a.keys()), ["Attribute"])
        self.assertIsInstance(a["Attribute"], dict)
        self.assertEqual(a["Attribute"]["value"], "one.example")  # normalised as MISP does
        self.assertEqual(a["Attribute"]["event_id"], self.ev["id"])
        self.assertEqual(a["Attribute"]["category"], "Network activity")
        r = HUB.post("/attributes/add/" + self.ev["uuid"], {"Attribute": {"type": "ip-src", "value": "192.0.2.5"}})
        self.assertEqual(self.assertOk(r)["Attribute"]["value"], "192.0.2.5")
        r = HUB.post("/attributes/add/" + self.ev["id"], [{"type": "md5", "value": "D41D8CD98F00B204E9800998ECF8427E"},
                                                           {"type": "url", "value": "https://x.example/a"}])
        lst = self.assertOk(r)["Attribute"]
        self.assertIsInstance(lst, list)
        self.assertEqual([x["value"] for x in lst], ["d41d8cd98f00b204e9800998ecf8427e", "https://x.example/a"])
        r = HUB.post("/attributes/add/" + self.ev["id"], {"Attribute": [{"type": "text", "value": "in a list"}]})
        self.assertIsInstance(self.assertOk(r)["Attribute"], list)
        view = HUB.get("/events/view/" + self.ev["id"]).json()["Event"]
        self.assertEqual(view["attribute_count"], "5")

    def test_add_errors(self):
        eid = self.ev["id"]
        before = HUB.change_count()
        self.assertError(HUB.post("/attributes/add/987654321", {"type": "ip-dst", "value": "192.0.2.1"}), 404)
        self.assertError(HUB.post("/attributes/add/" + eid, {"type": "ip-dst", "value": "300.1.1.1"}), 422, "invalid",
                         "value")
        self.assertError(HUB.post("/attributes/add/" + eid, {"type": "no-such-type", "value": "x"}), 422, "invalid",
                         "type")
        self.assertError(HUB.post("/attributes/add/" + eid, {"type": "ip-dst", "value": "192.0.2.1",
                                                              "category": "No Such Category"}), 422, "invalid",
                         "category")
        # One bad attribute in a list: nothing of the list is written, the field names its index.
        self.assertError(HUB.post("/attributes/add/" + eid, [{"type": "ip-dst", "value": "192.0.2.1"},
                                                              {"type": "md5", "value": "abc"}]), 422, "invalid",
                         "[1].value")
        self.assertError(HUB.post("/attributes/add/" + eid, {"type": "ip-dst", "value": "192.0.2.1"},
                                  key=KEYS["read_only"]), 403)
        self.assertError(HUB.post("/attributes/add/" + eid, {"type": "ip-dst", "value": "192.0.2.1"},
                                  key=KEYS["user"]), 403)  # visible, but another org's event
        self.assertError(HUB.post("/attributes/add/" + eid, None, raw=b"type=ip-dst",
                                  headers={"Content-Type": "multipart/form-data"}), 415)
        self.assertEqual(HUB.change_count(), before)
        uuid = str(uuidlib.uuid4())
        self.assertOk(HUB.post("/attributes/add/" + eid, {"type": "ip-dst", "value": "192.0.2.9", "uuid": uuid}))
        other = add_event()
        before = HUB.change_count()
        self.assertError(HUB.post("/attributes/add/" + other["id"], {"type": "ip-dst", "value": "192.0.2.10",
                                                                      "uuid": uuid}), 409, "conflict")
        self.assertEqual(HUB.change_count(), before)

    def test_duplicate_value_in_same_event_is_rejected(self):
        # MISP refuses an attribute whose (type, category, value) already exists in the event ("A similar
        # attribute already exists for this event").
        eid = self.ev["id"]
        self.assertOk(HUB.post("/attributes/add/" + eid, {"type": "ip-dst", "value": "192.0.2.200"}))
        before = HUB.change_count()
        r = HUB.post("/attributes/add/" + eid, {"type": "ip-dst", "value": "192.0.2.200"})
        self.assertIn(r.status, (403, 409, 422), r)
        self.assertEqual(HUB.change_count(), before)

    def test_edit_view(self):
        a = HUB.post("/attributes/add/" + self.ev["id"], {"type": "ip-dst", "value": "192.0.2.20"}).json()["Attribute"]
        r = HUB.post("/attributes/edit/" + a["id"], {"value": "192.0.2.21", "comment": "moved", "to_ids": False})
        e = self.assertOk(r)["Attribute"]
        self.assertEqual((e["value"], e["comment"], e["to_ids"], e["uuid"]), ("192.0.2.21", "moved", False, a["uuid"]))
        r = HUB.request("PUT", "/attributes/edit/" + a["uuid"], body={"Attribute": {"comment": "put"}})
        self.assertEqual(self.assertOk(r)["Attribute"]["comment"], "put")
        v = self.assertOk(HUB.get("/attributes/view/" + a["id"]))
        self.assertEqual(list(v.keys()), ["Attribute"])
        self.assertEqual((v["Attribute"]["value"], v["Attribute"]["comment"]), ("192.0.2.21", "put"))
        self.assertEqual(HUB.get("/attributes/view/" + a["uuid"]).json()["Attribute"]["id"], a["id"])
        self.assertEqual(HUB.request("HEAD", "/attributes/view/" + a["id"]).status, 200)
        before = HUB.change_count()
        self.assertError(HUB.post("/attributes/edit/987654321", {"comment": "x"}), 404)
        self.assertError(HUB.post("/attributes/edit/" + a["id"], {"value": "not-an-ip"}), 422, "invalid", "value")
        self.assertError(HUB.post("/attributes/edit/" + a["id"], {"comment": "x"}, key=KEYS["user"]), 403)
        self.assertError(HUB.get("/attributes/view/987654321"), 404)
        self.assertEqual(HUB.change_count(), before)

    def test_soft_delete_restore_hard_delete(self):
        a = HUB.post("/attributes/add/" + self.ev["id"], {"type": "ip-dst", "value": "192.0.2.30"}).json()["Attribute"]
        r = self.assertOk(HUB.post("/attributes/delete/" + a["id"]))
        self.assertEqual(r["message"], "Attribute deleted.")
        ev = HUB.get("/events/view/" + self.ev["id"]).json()["Event"]
        self.assertNotIn(a["id"], [x["id"] for x in ev["Attribute"]])
        ev = HUB.get("/events/view/" + self.ev["id"] + "?deleted=1").json()["Event"]
        self.assertTrue([x for x in ev["Attribute"] if x["id"] == a["id"] and x["deleted"] is True])
        restored = self.assertOk(HUB.post("/attributes/restore/" + a["id"]))["Attribute"]
        self.assertIs(restored["deleted"], False)
        self.assertEqual(HUB.get("/attributes/view/" + a["id"]).status, 200)
        r = self.assertOk(HUB.post("/attributes/delete/" + a["id"], {"hard": 1}))
        self.assertEqual(r["message"], "Attribute permanently deleted.")
        self.assertError(HUB.post("/attributes/restore/" + a["id"]), 404)
        b = HUB.post("/attributes/add/" + self.ev["id"], {"type": "ip-dst", "value": "192.0.2.31"}).json()["Attribute"]
        self.assertEqual(self.assertOk(HUB.request("DELETE", "/attributes/delete/" + b["id"] + "/1"))["message"],
                         "Attribute permanently deleted.")
        c = HUB.post("/attributes/add/" + self.ev["id"], {"type": "ip-dst", "value": "192.0.2.32"}).json()["Attribute"]
        self.assertError(HUB.post("/attributes/delete/" + c["id"], key=KEYS["read_only"]), 403)
        self.assertError(HUB.post("/attributes/delete/987654321"), 404)
        self.assertError(HUB.post("/attributes/restore/987654321"), 404)


# ---------------------------------------------------------------------------------------------------------------
class ObjectsTest(RouteTestCase):
    DOMAIN_IP = "43b3b146-77eb-4931-b4cc-b66c60f28734"

    def setUp(self):
        need_library(self)
        self.ev = add_event()

    def obj(self, *attrs, **kw):
        return {"Object": dict({"name": "domain-ip", "template_uuid": self.DOMAIN_IP,
                                "Attribute": [{"object_relation": r, "type": t, "value": v} for r, t, v in attrs]},
                               **kw)}

    def test_add_edit_delete(self):
        r = HUB.post("/objects/add/" + self.ev["id"], self.obj(("ip", "ip-dst", "192.0.2.50"),
                                                               ("domain", "domain", "obj.example")))
        o = self.assertOk(r)["Object"]
        self.assertEqual((o["name"], o["meta-category"], o["template_uuid"]), ("domain-ip", "network", self.DOMAIN_IP))
        self.assertEqual(o["event_id"], self.ev["id"])
        self.assertEqual(sorted((a["object_relation"], a["value"]) for a in o["Attribute"]),
                         [("domain", "obj.example"), ("ip", "192.0.2.50")])
        self.assertTrue(all(a["object_id"] == o["id"] for a in o["Attribute"]))
        view = HUB.get("/events/view/" + self.ev["id"]).json()["Event"]
        self.assertEqual([x["uuid"] for x in view["Object"]], [o["uuid"]])
        r = HUB.post("/objects/edit/" + o["id"], self.obj(("ip", "ip-dst", "192.0.2.51"), comment="edited"))
        e = self.assertOk(r)["Object"]
        self.assertEqual(e["comment"], "edited")
        self.assertIn("192.0.2.51", [a["value"] for a in e["Attribute"]])
        r = HUB.request("PUT", "/objects/edit/" + o["uuid"], body=self.obj(("ip", "ip-dst", "192.0.2.52"), comment="p"))
        self.assertEqual(self.assertOk(r)["Object"]["comment"], "p")
        self.assertEqual(self.assertOk(HUB.post("/objects/delete/" + o["id"]))["message"], "Object deleted.")
        view = HUB.get("/events/view/" + self.ev["id"]).json()["Event"]
        self.assertEqual(view["Object"], [])
        o2 = HUB.post("/objects/add/" + self.ev["id"], self.obj(("hostname", "hostname", "h.example"))).json()["Object"]
        r = self.assertOk(HUB.request("DELETE", "/objects/delete/" + o2["id"] + "/1"))
        self.assertEqual(r["message"], "Object permanently deleted.")
        self.assertError(HUB.post("/objects/delete/" + o2["id"]), 404)

    def test_errors(self):
        eid = self.ev["id"]
        before = HUB.change_count()
        # domain-ip requires one of ip, domain, hostname.
        self.assertError(HUB.post("/objects/add/" + eid, self.obj(("text", "text", "only text"))), 422, "invalid")
        self.assertError(HUB.post("/objects/add/" + eid, self.obj(("ip", "ip-dst", "not-an-ip"))), 422, "invalid")
        self.assertError(HUB.post("/objects/add/987654321", self.obj(("ip", "ip-dst", "192.0.2.1"))), 404)
        self.assertError(HUB.post("/objects/add/" + eid, self.obj(("ip", "ip-dst", "192.0.2.1")),
                                  key=KEYS["read_only"]), 403)
        self.assertError(HUB.post("/objects/add/" + eid, None, raw=b"x", headers={"Content-Type": "text/plain"}), 415)
        self.assertError(HUB.post("/objects/edit/987654321", self.obj(("ip", "ip-dst", "192.0.2.1"))), 404)
        self.assertError(HUB.post("/objects/delete/987654321"), 404)
        self.assertEqual(HUB.change_count(), before)


# ---------------------------------------------------------------------------------------------------------------
class TagsTest(RouteTestCase):
    def test_add_index_view_edit_delete(self):
        name = unique("tag")
        t = self.assertOk(HUB.post("/tags/add", {"Tag": {"name": name, "colour": "#ff0000"}}))["Tag"]
        self.assertEqual((t["name"], t["colour"]), (name, "#ff0000"))
        idx = self.assertOk(HUB.get("/tags/index"))
        self.assertEqual(list(idx.keys()), ["Tag"])
        self.assertIn(name, [x["name"] for x in idx["Tag"]])
        found = self.assertOk(HUB.get("/tags/index?searchall=" + name[4:]))["Tag"]
        self.assertEqual([x["name"] for x in found], [name])
        v = self.assertOk(HUB.get("/tags/view/" + t["id"]))
        self.assertEqual((v["id"], v["name"]), (t["id"], name))
        e = self.assertOk(HUB.post("/tags/edit/" + t["id"], {"Tag": {"name": name + "-x", "colour": "#00ff00"}}))["Tag"]
        self.assertEqual((e["name"], e["colour"]), (name + "-x", "#00ff00"))
        r = self.assertOk(HUB.post("/tags/delete/" + t["id"]))
        self.assertIs(r["saved"], True)
        self.assertError(HUB.get("/tags/view/" + t["id"]), 404)

    def test_errors(self):
        name = unique("tagerr")
        self.assertOk(HUB.post("/tags/add", {"name": name}))
        before = HUB.change_count()
        self.assertError(HUB.post("/tags/add", {"name": name}), 409, "conflict", "name")
        self.assertError(HUB.post("/tags/add", {"name": ""}), 422, field="name")
        self.assertError(HUB.post("/tags/add", {"name": "x", "colour": "red"}), 422, field="colour")
        self.assertError(HUB.post("/tags/add", {"name": unique("t")}, key=KEYS["user"]), 403)
        self.assertError(HUB.post("/tags/add", None, raw=b"name=x", headers={"Content-Type": "text/plain"}), 415)
        self.assertError(HUB.get("/tags/view/987654321"), 404)
        self.assertError(HUB.post("/tags/edit/987654321", {"name": "y"}), 404)
        self.assertError(HUB.post("/tags/delete/987654321"), 404)
        self.assertEqual(HUB.change_count(), before)

    def test_attach_remove(self):
        need_library(self)
        ev = add_event()
        attr = HUB.post("/attributes/add/" + ev["id"], {"type": "ip-dst", "value": "192.0.2.60"}).json()["Attribute"]
        r = self.assertOk(HUB.post("/tags/attachTagToObject", {"uuid": ev["uuid"], "tag": "tlp:green"}))
        self.assertIs(r["saved"], True)
        self.assertOk(HUB.post("/tags/attachTagToObject", {"uuid": attr["uuid"], "tag": "PAP:AMBER", "local": 1}))
        view = HUB.get("/events/view/" + ev["id"]).json()["Event"]
        self.assertEqual([t["name"] for t in view["Tag"]], ["tlp:green"])
        self.assertEqual([(t["name"], t["local"]) for t in view["Attribute"][0]["Tag"]], [("PAP:AMBER", True)])
        before = HUB.change_count()
        # tlp is an exclusive taxonomy: tlp:red next to tlp:green is refused.
        self.assertError(HUB.post("/tags/attachTagToObject", {"uuid": ev["uuid"], "tag": "tlp:red"}), 422, "invalid")
        self.assertError(HUB.post("/tags/attachTagToObject", {"uuid": str(uuidlib.uuid4()), "tag": "tlp:red"}), 404)
        self.assertError(HUB.post("/tags/attachTagToObject", {"tag": "tlp:red"}), 422, field="uuid")
        self.assertError(HUB.post("/tags/attachTagToObject", {"uuid": ev["uuid"]}), 422, field="tag")
        self.assertError(HUB.post("/tags/attachTagToObject", ["x"]), 400)
        self.assertError(HUB.post("/tags/attachTagToObject", {"uuid": ev["uuid"], "tag": "tlp:clear"},
                                  key=KEYS["read_only"]), 403)
        self.assertEqual(HUB.change_count(), before)
        view = HUB.get("/events/view/" + ev["id"]).json()["Event"]
        self.assertEqual([t["name"] for t in view["Tag"]], ["tlp:green"])
        r = self.assertOk(HUB.post("/tags/removeTagFromObject", {"uuid": ev["uuid"], "tag": "tlp:green"}))
        self.assertIs(r["saved"], True)
        self.assertNotIn("Tag", HUB.get("/events/view/" + ev["id"]).json()["Event"])
        # Now tlp:red is allowed.
        self.assertOk(HUB.post("/tags/attachTagToObject", {"uuid": ev["uuid"], "tag": "tlp:red"}))
        self.assertError(HUB.post("/tags/removeTagFromObject", {"uuid": str(uuidlib.uuid4()), "tag": "tlp:red"}), 404)

    def test_exclusive_taxonomy_on_event_add(self):
        need_library(self)
        before = HUB.change_count()
        self.assertError(HUB.post("/events/add", {"Event": {"info": "two tlp", "Tag": [{"name": "tlp:green"},
                                                                                        {"name": "tlp:red"}]}}), 422)
        self.assertEqual(HUB.change_count(), before)


# ---------------------------------------------------------------------------------------------------------------
class SightingsTest(RouteTestCase):
    @classmethod
    def setUpClass(cls):
        cls.value = "198.18.%d.%d" % (uuidlib.uuid4().int % 250, uuidlib.uuid4().int % 250)
        # A uuid that starts with digits: "/sightings/add/{uuid}" must not read it as a numeric id.
        cls.uuid = "1234%04d-aaaa-4bbb-8ccc-%012d" % (uuidlib.uuid4().int % 10000, uuidlib.uuid4().int % 10 ** 12)
        cls.ev = add_event(distribution=1, Attribute=[{"type": "ip-dst", "value": cls.value, "uuid": cls.uuid}])
        cls.attr = cls.ev["Attribute"][0]

    def sightings_of(self, attr_id):
        r = HUB.post("/sightings/restSearch/attribute", {"id": attr_id})
        body = self.assertOk(r)
        self.assertEqual(list(body.keys()), ["response"])
        return [s["Sighting"] for s in body["response"]]

    def test_add_by_value_id_uuid(self):
        n0 = len(self.sightings_of(self.attr["id"]))
        r = self.assertOk(HUB.post("/sightings/add", {"value": self.value, "source": "ids-1"}))
        self.assertEqual(r["Sighting"]["attribute_id"], self.attr["id"])
        self.assertEqual(r["Sighting"]["source"], "ids-1")
        self.assertEqual(r["Sighting"]["type"], "0")
        self.assertEqual(r["Sighting"]["Organisation"]["name"], "Hub Operator")
        self.assertOk(HUB.post("/sightings/add/" + self.attr["id"], {"type": "1"}))
        self.assertOk(HUB.post("/sightings/add/" + self.attr["uuid"], {}))
        self.assertOk(HUB.post("/sightings/add", {"id": self.attr["id"]}))
        self.assertOk(HUB.post("/sightings/add", {"uuid": self.attr["uuid"]}, key=KEYS["user"]))
        got = self.sightings_of(self.attr["id"])
        self.assertEqual(len(got), n0 + 5)
        self.assertEqual(sorted(s["type"] for s in got).count("1"), 1)

    def test_rest_search(self):
        self.assertOk(HUB.post("/sightings/add", {"value": self.value, "source": "rs-src", "type": 2}))
        by_src = self.assertOk(HUB.post("/sightings/restSearch", {"source": "rs-src"}))["response"]
        self.assertEqual([(s["Sighting"]["source"], s["Sighting"]["type"]) for s in by_src], [("rs-src", "2")])
        by_event = self.assertOk(HUB.post("/sightings/restSearch/event", {"id": self.ev["id"]}))["response"]
        self.assertTrue(by_event)
        self.assertTrue(all(s["Sighting"]["event_id"] == self.ev["id"] for s in by_event))
        self.assertError(HUB.post("/sightings/restSearch", {"type": 7}), 422, field="type")

    def test_errors(self):
        before = HUB.change_count()
        self.assertError(HUB.post("/sightings/add/987654321", {}), 404)
        self.assertError(HUB.post("/sightings/add", {"uuid": str(uuidlib.uuid4())}), 404)
        self.assertError(HUB.post("/sightings/add", {"value": self.value, "type": 5}), 422, field="type")
        self.assertError(HUB.post("/sightings/add", {"value": self.value}, key=KEYS["read_only"]), 403)
        self.assertError(HUB.post("/sightings/add", None, raw=b"v", headers={"Content-Type": "text/plain"}), 415)
        self.assertEqual(HUB.change_count(), before)


# ---------------------------------------------------------------------------------------------------------------
class OrganisationsTest(RouteTestCase):
    def test_index_view(self):
        idx = self.assertOk(HUB.get("/organisations/index"))
        self.assertIsInstance(idx, list)
        names = [o["Organisation"]["name"] for o in idx]
        self.assertIn("Hub Operator", names)
        self.assertIn("Partner CERT", names)
        v = self.assertOk(HUB.get("/organisations/view/" + ORG2["id"]))
        self.assertEqual(v["Organisation"]["name"], "Partner CERT")
        self.assertEqual(HUB.get("/organisations/view/" + ORG2["uuid"]).json()["Organisation"]["id"], ORG2["id"])
        self.assertError(HUB.get("/organisations/view/987654321"), 404)

    def test_admin_add_edit_delete(self):
        name = unique("org")
        o = self.assertOk(HUB.post("/admin/organisations/add", {"Organisation": {"name": name, "sector": "Elections",
                                                                                  "nationality": "EU"}}))["Organisation"]
        self.assertEqual((o["name"], o["sector"], o["nationality"]), (name, "Elections", "EU"))
        e = self.assertOk(HUB.post("/admin/organisations/edit/" + o["id"], {"description": "d"}))["Organisation"]
        self.assertEqual((e["name"], e["description"]), (name, "d"))
        r = self.assertOk(HUB.post("/admin/organisations/delete/" + o["id"]))
        self.assertIs(r["saved"], True)
        self.assertError(HUB.get("/organisations/view/" + o["id"]), 404)
        o2 = HUB.add_org(unique("org"))
        self.assertOk(HUB.request("DELETE", "/admin/organisations/delete/" + o2["id"]))

    def test_errors(self):
        before = HUB.change_count()
        self.assertError(HUB.post("/admin/organisations/add", {"name": "Partner CERT"}), 409, "conflict", "name")
        self.assertError(HUB.post("/admin/organisations/add", {"name": ""}), 422, field="name")
        self.assertError(HUB.post("/admin/organisations/add", {"name": "x", "uuid": "not-a-uuid"}), 422, field="uuid")
        for role in ("org_admin", "user", "read_only"):
            self.assertError(HUB.post("/admin/organisations/add", {"name": unique("o")}, key=KEYS[role]), 403)
        self.assertError(HUB.post("/admin/organisations/edit/" + ORG2["id"], {"name": "x"}, key=KEYS["user"]), 403)
        self.assertError(HUB.post("/admin/organisations/edit/987654321", {"name": "x"}), 404)
        self.assertError(HUB.post("/admin/organisations/delete/987654321"), 404)
        self.assertError(HUB.post("/admin/organisations/delete/" + ORG2["id"], key=KEYS["org_admin"]), 403)
        # An organisation that still has users cannot be deleted.
        self.assertError(HUB.post("/admin/organisations/delete/" + ORG2["id"]), 409, "conflict")
        self.assertError(HUB.post("/admin/organisations/add", None, raw=b"name=x",
                                  headers={"Content-Type": "text/plain"}), 415)
        self.assertEqual(HUB.change_count(), before)


# ---------------------------------------------------------------------------------------------------------------
class UsersTest(RouteTestCase):
    def test_index_view(self):
        for path in ("/users/index", "/admin/users/index"):
            idx = self.assertOk(HUB.get(path))
            self.assertIsInstance(idx, list)
            emails = [u["User"]["email"] for u in idx]
            self.assertIn("admin@hub.test", emails)
            self.assertIn("user@partner.test", emails)
            for u in idx:
                self.assertNotIn("password", u["User"])
                self.assertIn("Organisation", u)
        # An org admin sees only the users of its organisation.
        emails = [u["User"]["email"] for u in self.assertOk(HUB.get("/admin/users/index", key=KEYS["org_admin"]))]
        self.assertIn("user@partner.test", emails)
        self.assertNotIn("admin@hub.test", emails)
        uid = USERS["user"]["id"]
        for path in ("/users/view/", "/admin/users/view/"):
            v = self.assertOk(HUB.get(path + uid))
            self.assertEqual(v["User"]["email"], "user@partner.test")
            self.assertEqual(v["Organisation"]["name"], "Partner CERT")
            self.assertError(HUB.get(path + "987654321"), 404)
        self.assertError(HUB.get("/users/view/1", key=KEYS["user"]), 404)

    def test_admin_add_edit_delete(self):
        email = unique("u") + "@partner.test"
        u = self.assertOk(HUB.post("/admin/users/add", {"User": {"email": email, "org_id": ORG2["id"],
                                                                  "role_id": "3"}}))
        self.assertEqual((u["User"]["email"], u["User"]["org_id"], u["User"]["role_id"]), (email, ORG2["id"], "3"))
        self.assertEqual(u["Organisation"]["name"], "Partner CERT")
        e = self.assertOk(HUB.post("/admin/users/edit/" + u["User"]["id"], {"role_id": "4"}))
        self.assertEqual(e["User"]["role_id"], "4")
        self.assertOk(HUB.post("/admin/users/delete/" + u["User"]["id"]))
        self.assertError(HUB.get("/users/view/" + u["User"]["id"]), 404)
        u2 = self.assertOk(HUB.post("/admin/users/add", {"email": unique("v") + "@partner.test",
                                                         "org_id": ORG2["id"]}, key=KEYS["org_admin"]))["User"]
        self.assertEqual(u2["role_id"], "3")
        self.assertOk(HUB.request("DELETE", "/admin/users/delete/" + u2["id"], key=KEYS["org_admin"]))

    def test_errors(self):
        before = HUB.change_count()
        self.assertError(HUB.post("/admin/users/add", {"email": "user@partner.test", "org_id": ORG2["id"]}), 409,
                         "conflict", "email")
        self.assertError(HUB.post("/admin/users/add", {"email": "not an email", "org_id": ORG2["id"]}), 422,
                         field="email")
        self.assertError(HUB.post("/admin/users/add", {"email": unique("r") + "@x.test", "role_id": "99"}), 422,
                         field="role_id")
        self.assertError(HUB.post("/admin/users/add", {"email": unique("r") + "@x.test", "org_id": "987654321"}),
                         422, field="org_id")
        self.assertError(HUB.post("/admin/users/add", {"email": unique("r") + "@x.test"}, key=KEYS["user"]), 403)
        # An org admin manages its own org's users only.
        self.assertError(HUB.post("/admin/users/add", {"email": unique("r") + "@x.test", "org_id": "1"},
                                  key=KEYS["org_admin"]), 403)
        self.assertError(HUB.post("/admin/users/edit/987654321", {"role_id": "3"}), 404)
        self.assertError(HUB.post("/admin/users/edit/" + USERS["user"]["id"], {"role_id": "1"}, key=KEYS["user"]),
                         403)
        self.assertError(HUB.post("/admin/users/delete/987654321"), 404)
        self.assertError(HUB.post("/admin/users/add", None, raw=b"email=x", headers={"Content-Type": "text/plain"}),
                         415)
        self.assertEqual(HUB.change_count(), before)


# ---------------------------------------------------------------------------------------------------------------
class AuthKeysAndRolesTest(RouteTestCase):
    def test_new_key_works(self):
        r = self.assertOk(HUB.post("/auth_keys/add/" + USERS["publisher"]["id"], {"comment": "ci"}))
        k = r["AuthKey"]
        self.assertEqual(len(k["authkey_raw"]), 40)
        self.assertEqual((k["authkey_start"], k["authkey_end"]), (k["authkey_raw"][:4], k["authkey_raw"][-4:]))
        self.assertEqual((k["user_id"], k["comment"], k["read_only"]), (USERS["publisher"]["id"], "ci", False))
        me = HUB.get("/users/view/me", key=k["authkey_raw"]).json()
        self.assertEqual(me["User"]["email"], "publisher@partner.test")
        self.assertEqual(HUB.post("/events/add", {"Event": {"info": "by new key"}}, key=k["authkey_raw"]).status, 200)

    def test_read_only_key_cannot_write(self):
        r = self.assertOk(HUB.post("/auth_keys/add/" + USERS["publisher"]["id"], {"AuthKey": {"read_only": 1}}))
        key = r["AuthKey"]["authkey_raw"]
        self.assertIs(r["AuthKey"]["read_only"], True)
        self.assertEqual(HUB.get("/events/index", key=key).status, 200)
        before = HUB.change_count()
        self.assertError(HUB.post("/events/add", {"Event": {"info": "ro"}}, key=key), 403, "forbidden")
        ev = add_event(distribution=1)
        before = HUB.change_count()
        self.assertError(HUB.post("/tags/attachTagToObject", {"uuid": ev["uuid"], "tag": "x"}, key=key), 403)
        self.assertEqual(HUB.change_count(), before)

    def test_expired_key_is_401(self):
        exp = int(time.time()) + 4
        r = self.assertOk(HUB.post("/auth_keys/add/" + USERS["user"]["id"], {"expiration": str(exp)}))
        key = r["AuthKey"]["authkey_raw"]
        self.assertEqual(r["AuthKey"]["expiration"], str(exp))
        # Before the expiry the key works (the margin keeps a loaded CI machine from crossing it meanwhile).
        self.assertLess(time.time(), exp - 1, "the machine took more than 3 s to create a key")
        self.assertEqual(HUB.get("/users/view/me", key=key).status, 200)
        time.sleep(max(0.0, exp - time.time()) + 1.1)  # expiry is a wall-clock event: wait for it
        self.assertError(HUB.get("/users/view/me", key=key), 401, "unauthenticated")

    def test_errors(self):
        before = HUB.change_count()
        self.assertError(HUB.post("/auth_keys/add/987654321", {}), 404)
        self.assertError(HUB.post("/auth_keys/add/" + USERS["user"]["id"], {"expiration": "2000-01-01"}), 422,
                         field="expiration")
        self.assertError(HUB.post("/auth_keys/add/" + USERS["user"]["id"], {"expiration": "someday"}), 422,
                         field="expiration")
        # A user cannot mint keys for someone else.
        r = HUB.post("/auth_keys/add/" + USERS["publisher"]["id"], {}, key=KEYS["user"])
        self.assertIn(r.status, (403, 404), r)
        self.assertEqual(HUB.change_count(), before)

    def test_roles_index(self):
        roles = self.assertOk(HUB.get("/roles/index"))
        self.assertEqual([r["Role"]["id"] for r in roles], ["1", "2", "3", "4", "5", "6"])
        by_id = {r["Role"]["id"]: r["Role"] for r in roles}
        self.assertIs(by_id["1"]["perm_site_admin"], True)
        self.assertIs(by_id["3"]["perm_publish"], False)
        self.assertIs(by_id["4"]["perm_publish"], True)
        self.assertIs(by_id["5"]["perm_sync"], True)
        self.assertIs(by_id["6"]["perm_add"], False)
        self.assertEqual(self.assertOk(HUB.get("/roles/index", key=KEYS["read_only"])), roles)


# ---------------------------------------------------------------------------------------------------------------
class SharingGroupsTest(RouteTestCase):
    def test_lifecycle(self):
        name = unique("sg")
        sg = self.assertOk(HUB.post("/sharing_groups/add", {"SharingGroup": {"name": name, "releasability": "EU"}}))
        self.assertEqual(sg["SharingGroup"]["name"], name)
        self.assertEqual(sg["Organisation"]["name"], "Hub Operator")
        self.assertEqual([m["org_id"] for m in sg["SharingGroupOrg"]], ["1"])
        sid = sg["SharingGroup"]["id"]
        idx = self.assertOk(HUB.get("/sharing_groups/index"))
        self.assertEqual(list(idx.keys()), ["response"])
        self.assertIn(name, [x["SharingGroup"]["name"] for x in idx["response"]])
        v = self.assertOk(HUB.get("/sharing_groups/view/" + sid))
        self.assertEqual(v["SharingGroup"]["uuid"], sg["SharingGroup"]["uuid"])
        e = self.assertOk(HUB.post("/sharing_groups/edit/" + sid, {"SharingGroup": {"name": name + "-e",
                                                                                     "description": "d"}}))
        self.assertEqual((e["SharingGroup"]["name"], e["SharingGroup"]["description"]), (name + "-e", "d"))
        # Before the partner is a member, its users cannot see the group; after, they can.
        self.assertError(HUB.get("/sharing_groups/view/" + sid, key=KEYS["user"]), 404)
        self.assertOk(HUB.post("/sharing_groups/addOrg/" + sid + "/" + ORG2["id"], {"extend": False}))
        members = HUB.get("/sharing_groups/view/" + sid).json()["SharingGroupOrg"]
        self.assertEqual(sorted(m["org_id"] for m in members), sorted(["1", ORG2["id"]]))
        self.assertEqual(HUB.get("/sharing_groups/view/" + sid, key=KEYS["user"]).status, 200)
        ev = add_event(distribution=4, sharing_group_id=sid)
        self.assertEqual(HUB.get("/events/view/" + ev["id"], key=KEYS["user"]).status, 200)
        self.assertOk(HUB.post("/sharing_groups/removeOrg/" + sid + "/" + ORG2["id"]))
        self.assertError(HUB.get("/events/view/" + ev["id"], key=KEYS["user"]), 404)
        self.assertError(HUB.post("/sharing_groups/removeOrg/" + sid + "/1"), 409)  # the creator org stays
        HUB.post("/events/delete/" + ev["id"])
        self.assertOk(HUB.post("/sharing_groups/delete/" + sid))
        self.assertError(HUB.get("/sharing_groups/view/" + sid), 404)
        sg2 = HUB.post("/sharing_groups/add", {"name": unique("sg")}).json()["SharingGroup"]
        self.assertOk(HUB.request("DELETE", "/sharing_groups/delete/" + sg2["id"]))

    def test_errors(self):
        sg = HUB.post("/sharing_groups/add", {"name": unique("sgerr")}).json()["SharingGroup"]
        visible = HUB.post("/sharing_groups/add", {"name": unique("sgvis")}).json()["SharingGroup"]
        self.assertOk(HUB.post("/sharing_groups/addOrg/" + visible["id"] + "/" + ORG2["id"]))
        before = HUB.change_count()
        self.assertError(HUB.post("/sharing_groups/add", {"name": ""}), 422, field="name")
        self.assertError(HUB.post("/sharing_groups/add", {"name": "x", "uuid": sg["uuid"]}), 409)
        self.assertError(HUB.post("/sharing_groups/add", {"name": unique("sg")}, key=KEYS["user"]), 403)
        self.assertError(HUB.get("/sharing_groups/view/987654321"), 404)
        self.assertError(HUB.post("/sharing_groups/edit/987654321", {"name": "x"}), 404)
        # Not a member: the group is invisible (404); a member without the permission gets 403.
        self.assertError(HUB.post("/sharing_groups/edit/" + sg["id"], {"name": "x"}, key=KEYS["read_only"]), 404)
        self.assertError(HUB.post("/sharing_groups/edit/" + visible["id"], {"name": "x"}, key=KEYS["read_only"]), 403)
        self.assertError(HUB.post("/sharing_groups/delete/987654321"), 404)
        self.assertError(HUB.post("/sharing_groups/addOrg/987654321/1"), 404)
        self.assertError(HUB.post("/sharing_groups/addOrg/" + sg["id"] + "/987654321"), 404)
        self.assertError(HUB.post("/sharing_groups/removeOrg/" + sg["id"] + "/987654321"), 404)
        self.assertError(HUB.post("/sharing_groups/add", None, raw=b"x", headers={"Content-Type": "text/html"}), 415)
        self.assertEqual(HUB.change_count(), before)


if __name__ == "__main__":
    unittest.main()
