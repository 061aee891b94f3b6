"""Hostile and broken input on every write route (MISP-compatible and native): each bad request gets a clear 4xx
with a JSON error naming the field where there is one, and writes NOTHING (the change log does not move).

  400  malformed JSON, invalid UTF-8, raw control bytes, nesting deeper than 64, wrong JSON types, numbers that
       do not fit (1e400, 99999999999999999999999)
  413  a body over [http] max_body_bytes (a second hub runs with a 4 KiB limit), raw or gzip-decompressed
  415  a body that is not JSON (Content-Type)
  422  well-formed but invalid: unknown attribute types, values that are not valid for their type, NUL bytes

SQL metacharacters are not bad input: they are stored and read back verbatim.
"""
import gzip
import json
import os
import shutil
import tempfile
import unittest
import uuid as uuidlib

from harness import Hub

HUB = None
T = {}  # fixture ids: event, attribute, object, tag, org, user, sg, ...
USER_KEY = None

JSON = {"Content-Type": "application/json"}
SQL = "'; DROP TABLE attributes; --"


def unique(prefix):
    return "%s-%s" % (prefix, uuidlib.uuid4().hex[:10])


def setUpModule():
    global HUB, USER_KEY
    HUB = Hub()
    ev = HUB.post("/events/add", {"Event": {"info": "bad-input fixture", "distribution": 1, "Attribute": [
        {"type": "ip-dst", "value": "192.0.2.1"}, {"type": "ip-dst", "value": "192.0.2.2"},
        {"type": "ip-dst", "value": "192.0.2.3"}]}}).json()["Event"]
    T["event"] = ev["id"]
    T["event_uuid"] = ev["uuid"]
    T["attr"] = ev["Attribute"][0]["id"]
    T["attr_uuid"] = ev["Attribute"][0]["uuid"]
    T["attr_del"] = ev["Attribute"][2]["id"]  # the delete routes' own target, so a wrongly accepted delete
    T["object_del"] = None                    # does not take the other routes' fixture with it
    obj = HUB.post("/objects/add/" + ev["id"], {"Object": {"name": "note-ish", "Attribute": [
        {"object_relation": "text", "type": "text", "value": "fixture"}]}})
    assert obj.status == 200, obj
    T["object"] = obj.json()["Object"]["id"]
    obj = HUB.post("/objects/add/" + ev["id"], {"Object": {"name": "note-ish", "Attribute": [
        {"object_relation": "text", "type": "text", "value": "to delete"}]}})
    T["object_del"] = obj.json()["Object"]["id"]
    tag = HUB.post("/tags/add", {"name": "bad-input:fixture"})
    assert tag.status == 200, tag
    T["tag"] = tag.json()["Tag"]["id"]
    org = HUB.add_org("Bad Input Partner")
    T["org"] = org["id"]
    user, USER_KEY = HUB.add_user("fixture@bad.test", org["id"], role_id=3)
    T["user"] = user["id"]
    sg = HUB.post("/sharing_groups/add", {"name": "bad-input sg"})
    assert sg.status == 200, sg
    T["sg"] = sg.json()["SharingGroup"]["id"]


def tearDownModule():
    if HUB:
        HUB.close()


# Routes that read a JSON body and write. kind: what the body describes, which decides the field-level probes.
def write_routes():
    t = T
    return [
        ("POST", "/events/add", "event"),
        ("POST", "/events/edit/%s" % t["event"], "event"),
        ("PUT", "/events/edit/%s" % t["event"], "event"),
        ("POST", "/attributes/add/%s" % t["event"], "attribute"),
        ("POST", "/attributes/edit/%s" % t["attr"], "attribute"),
        ("PUT", "/attributes/edit/%s" % t["attr"], "attribute"),
        ("POST", "/attributes/delete/%s" % t["attr_del"], "delete"),
        ("DELETE", "/attributes/delete/%s" % t["attr_del"], "delete"),
        ("POST", "/objects/add/%s" % t["event"], "object"),
        ("POST", "/objects/edit/%s" % t["object"], "object"),
        ("PUT", "/objects/edit/%s" % t["object"], "object"),
        ("POST", "/objects/delete/%s" % t["object_del"], "delete"),
        ("POST", "/tags/add", "tag"),
        ("POST", "/tags/edit/%s" % t["tag"], "tag"),
        ("POST", "/tags/attachTagToObject", "attach"),
        ("POST", "/tags/removeTagFromObject", "attach"),
        ("POST", "/sightings/add", "sighting"),
        ("POST", "/sightings/add/%s" % t["attr"], "sighting"),
        ("POST", "/admin/organisations/add", "org"),
        ("POST", "/admin/organisations/edit/%s" % t["org"], "org"),
        ("POST", "/admin/users/add", "user"),
        ("POST", "/admin/users/edit/%s" % t["user"], "user"),
        ("POST", "/auth_keys/add/%s" % t["user"], "key"),
        ("POST", "/sharing_groups/add", "sg"),
        ("POST", "/sharing_groups/edit/%s" % t["sg"], "sg"),
        ("POST", "/sharing_groups/addOrg/%s/%s" % (t["sg"], t["org"]), "sg_org"),
        ("POST", "/api/v1/events", "event"),
        ("PATCH", "/api/v1/events/%s" % t["event"], "event"),
        ("POST", "/api/v1/events/%s/attributes" % t["event"], "attribute"),
        ("PATCH", "/api/v1/attributes/%s" % t["attr"], "attribute"),
        ("POST", "/api/v1/events/%s/objects" % t["event"], "object"),
        ("PATCH", "/api/v1/objects/%s" % t["object"], "object"),
        ("POST", "/api/v1/tags", "tag"),
        ("PATCH", "/api/v1/tags/%s" % t["tag"], "tag"),
        ("POST", "/api/v1/tags/attach", "attach"),
        ("POST", "/api/v1/tags/detach", "attach"),
        ("POST", "/api/v1/sightings", "sighting"),
        ("POST", "/api/v1/organisations", "org"),
        ("PATCH", "/api/v1/organisations/%s" % t["org"], "org"),
        ("POST", "/api/v1/users", "user"),
        ("PATCH", "/api/v1/users/%s" % t["user"], "user"),
        ("POST", "/api/v1/users/%s/keys" % t["user"], "key"),
        ("POST", "/api/v1/sharing-groups", "sg"),
        ("PATCH", "/api/v1/sharing-groups/%s" % t["sg"], "sg"),
    ]


# Write routes that take no body (their target alone says what to do): only the size limit applies to them.
def bodyless_write_routes():
    t = T
    return [
        ("POST", "/events/delete/%s" % t["event"]), ("DELETE", "/events/delete/%s" % t["event"]),
        ("POST", "/events/publish/%s" % t["event"]), ("POST", "/events/unpublish/%s" % t["event"]),
        ("POST", "/attributes/restore/%s" % t["attr"]), ("POST", "/tags/delete/%s" % t["tag"]),
        ("POST", "/admin/organisations/delete/%s" % t["org"]), ("POST", "/admin/users/delete/%s" % t["user"]),
        ("POST", "/sharing_groups/delete/%s" % t["sg"]), ("POST", "/sharing_groups/removeOrg/%s/1" % t["sg"]),
        ("DELETE", "/api/v1/events/%s" % t["event"]), ("POST", "/api/v1/events/%s/publish" % t["event"]),
        ("DELETE", "/api/v1/attributes/%s" % t["attr"]), ("POST", "/api/v1/attributes/%s/restore" % t["attr"]),
        ("DELETE", "/api/v1/objects/%s" % t["object"]), ("DELETE", "/api/v1/tags/%s" % t["tag"]),
        ("DELETE", "/api/v1/organisations/%s" % t["org"]), ("DELETE", "/api/v1/users/%s" % t["user"]),
        ("DELETE", "/api/v1/sharing-groups/%s" % t["sg"]),
        ("PUT", "/api/v1/sharing-groups/%s/organisations/%s" % (t["sg"], t["org"])),
    ]


# Read routes with a JSON body (searches): the same parsing rules, nothing to write.
def search_routes():
    return [("POST", "/events/restSearch"), ("POST", "/attributes/restSearch"), ("POST", "/events/index"),
            ("POST", "/sightings/restSearch"), ("POST", "/api/v1/search/attributes"),
            ("POST", "/api/v1/search/events")]


def attr(type_, value, **kw):
    return dict({"type": type_, "value": value}, **kw)


def wrap_attribute(kind, a):
    """A body for `kind` that carries attribute `a` (for type/value probes), or None if the kind has none."""
    if kind == "event":
        return {"Event": {"info": "probe", "Attribute": [a]}}
    if kind == "attribute":
        return a
    if kind == "object":
        return {"Object": {"name": "probe", "Attribute": [dict(a, object_relation="rel")]}}
    return None


# Field-level wrong JSON types: (body, field the error must name). Valid everywhere else.
WRONG_TYPES = {
    "event": [({"Event": {"info": "x", "Attribute": "x"}}, "Attribute"),
              ({"Event": {"info": "x", "distribution": [1]}}, "distribution"),
              ({"Event": {"info": {"a": 1}}}, "info"),
              ({"Event": {"info": "x", "Tag": "tlp:red"}}, "Tag"),
              ({"Event": {"info": "x", "published": {"x": 1}}}, "published")],
    "attribute": [({"type": "ip-dst", "value": ["192.0.2.9"]}, "value"),
                  ({"type": "ip-dst", "value": "192.0.2.9", "distribution": [1]}, "distribution"),
                  ({"type": ["ip-dst"], "value": "192.0.2.9"}, "type"),
                  ({"type": "ip-dst", "value": "192.0.2.9", "to_ids": "maybe"}, "to_ids")],
    "object": [({"Object": {"name": "x", "Attribute": "x"}}, "Attribute"),
               ({"Object": {"name": ["x"]}}, "name"),
               ({"Object": {"name": "x", "distribution": [1]}}, "distribution")],
    "delete": [({"hard": [1]}, "hard"), ({"hard": "perhaps"}, "hard")],
    "tag": [({"name": ["x"]}, "name"), ({"name": "x", "exportable": {"a": 1}}, "exportable")],
    "attach": [({"uuid": ["x"], "tag": "x"}, "uuid"), ({"uuid": T.get("event_uuid", "x"), "tag": {"n": 1}}, "tag"),
               ({"uuid": "x", "tag": "x", "local": [1]}, "local")],
    "sighting": [({"value": {"a": 1}}, "value"), ({"value": "192.0.2.1", "type": [0]}, "type")],
    "org": [({"name": ["x"]}, "name"), ({"name": "x", "local": {"a": 1}}, "local")],
    "user": [({"email": {"x": 1}}, "email"), ({"email": "n@bad.test", "role_id": [1]}, "role_id")],
    "key": [({"read_only": [1]}, "read_only"), ({"comment": {"a": 1}}, "comment")],
    "sg": [({"name": ["x"]}, "name"), ({"name": "x", "releasability": {"a": 1}}, "releasability")],
    "sg_org": [({"extend": [1]}, "extend")],
}

# Numbers that do not fit, where the body has a number: (raw body, field).
HUGE = {
    "event": [(b'{"Event":{"info":"x","distribution":1e400}}', "distribution"),
              (b'{"Event":{"info":"x","distribution":99999999999999999999999}}', "distribution"),
              (b'{"Event":{"info":"x","id":99999999999999999999999}}', "id"),
              (b'{"Event":{"info":"x","threat_level_id":-1e400}}', "threat_level_id")],
    "attribute": [(b'{"type":"ip-dst","value":"192.0.2.9","distribution":1e400}', "distribution"),
                  (b'{"type":"ip-dst","value":"192.0.2.9","sharing_group_id":99999999999999999999999}',
                   "sharing_group_id")],
    "object": [(b'{"Object":{"name":"x","distribution":99999999999999999999999}}', "distribution")],
    "sighting": [(b'{"id":99999999999999999999999}', "id"), (b'{"attribute_id":1e400}', "attribute_id")],
    "user": [(b'{"email":"h@bad.test","role_id":1e400}', "role_id"),
             (b'{"email":"h@bad.test","org_id":99999999999999999999999}', "org_id")],
    # auth_keys/add reads expiration as text (a date or epoch seconds): a number out of range is a 422 there.
    "key": [(b'{"expiration":99999999999999999999999}', "expiration", 422)],
    "sg": [(b'{"name":"x","org_id":99999999999999999999999}', "org_id")],
}

# Values that are not valid for their type (bad IP, bad hash length, bad domain, ...).
# Each with a category the type allows, so that on the edit routes (whose fixture is an ip-dst in "Network
# activity") the value is what is wrong.
BAD_VALUES = [attr("ip-dst", "300.1.2.3"), attr("ip-src", "192.0.2"), attr("ip-dst", "::g"),
              attr("md5", "abcd", category="Payload delivery"), attr("sha1", "0" * 39, category="Payload delivery"),
              attr("sha256", "z" * 64, category="Payload delivery"),
              attr("domain", "exa mple.com"), attr("domain", ""), attr("url", ""),
              attr("email-src", "not an email", category="Payload delivery"),
              attr("ip-dst|port", "192.0.2.1|99999")]


def nested(depth):
    return b'{"x":' * depth + b'1' + b'}' * depth


class BadInputTestCase(unittest.TestCase):
    def send(self, method, path, raw=None, body=None, headers=None, key=None):
        hdrs = dict(JSON)
        hdrs.update(headers or {})
        if body is not None:
            raw = json.dumps(body).encode()
        return HUB.request(method, path, raw=raw, headers=hdrs, key=key)

    def assertRejected(self, r, status, field=None, what=""):
        self.assertEqual(r.status, status, "%s: %r" % (what, r))
        self.assertIn("json", r.headers.get("Content-Type", ""), what)
        body = r.json()
        self.assertIn("error", body, what)
        self.assertTrue(body["error"].get("message"), what)
        self.assertTrue(body.get("message"), what)
        if field is not None:
            got = body["error"].get("field") or ""
            self.assertTrue(got == field or got.endswith("." + field) or got.endswith(field),
                            "%s: error field %r does not name %r" % (what, got, field))

    def bad(self, method, path, status, field=None, raw=None, body=None, headers=None, what=""):
        """Sends one bad request; it must be rejected with `status` and the change log must not move."""
        before = HUB.change_count()
        r = self.send(method, path, raw=raw, body=body, headers=headers)
        self.assertRejected(r, status, field, "%s %s %s" % (method, path, what))
        self.assertEqual(HUB.change_count(), before, "%s %s %s wrote something" % (method, path, what))
        return r


class MalformedBodiesTest(BadInputTestCase):
    CASES = [
        (b'{"Event": {"info": "x",', "truncated"),
        (b'{"info": "x"} trailing', "trailing garbage"),
        (b"{'info': 'x'}", "single quotes"),
        (b'{"info": "x",}', "trailing comma"),
        (b'\xef\xbb\xbf{"info": "x"}', "byte-order mark"),
        (b'{"info": "a\xff\xfeb"}', "invalid UTF-8 in a string"),
        (b'{"info": "\xc0\xaf"}', "overlong UTF-8"),
        (b'{"info": "\xed\xa0\x80"}', "UTF-8 surrogate"),
        (b'{"info": "a\x00b"}', "raw NUL byte"),
        (b'{"info": "a\nb"}', "raw newline in a string"),
        (b'{"info": "\\ud800"}', "lone surrogate escape"),
        (nested(65), "nesting 65"),
        (nested(200), "nesting 200"),
        (b"[" * 100000, "100000 open brackets"),
    ]

    def test_malformed_on_every_write_route(self):
        for method, path, _ in write_routes():
            for raw, what in self.CASES:
                with self.subTest(route=method + " " + path, case=what):
                    self.bad(method, path, 400, raw=raw, what=what)

    def test_malformed_on_search_routes(self):
        for method, path in search_routes():
            for raw, what in self.CASES:
                with self.subTest(route=path, case=what):
                    r = self.send(method, path, raw=raw)
                    self.assertRejected(r, 400, what=path + " " + what)

    def test_depth_64_is_still_accepted(self):
        # The limit is exactly 64 levels: 64 is fine (here, an unknown key that is ignored).
        r = self.send("POST", "/events/restSearch", raw=b'{"ignored":' + nested(62) + b"}")
        self.assertEqual(r.status, 200, r)

    def test_non_json_content_type_is_415(self):
        for method, path, _ in write_routes():
            for ctype in ("text/plain", "application/xml", "multipart/form-data; boundary=x", "image/png"):
                with self.subTest(route=method + " " + path, ctype=ctype):
                    self.bad(method, path, 415, "Content-Type", raw=b'{"info": "x"}',
                             headers={"Content-Type": ctype}, what=ctype)

    def test_body_of_the_wrong_shape(self):
        for method, path, kind in write_routes():
            for raw in (b'"just a string"', b"42", b"true"):
                with self.subTest(route=method + " " + path, body=raw):
                    self.bad(method, path, 400, raw=raw, what=raw.decode())


class FieldTypesTest(BadInputTestCase):
    def test_wrong_json_types(self):
        for method, path, kind in write_routes():
            for body, field in WRONG_TYPES.get(kind, []):
                with self.subTest(route=method + " " + path, field=field):
                    self.bad(method, path, 400, field, body=body, what=json.dumps(body))

    def test_huge_numbers(self):
        for method, path, kind in write_routes():
            for case in HUGE.get(kind, []):
                raw, field = case[0], case[1]
                status = case[2] if len(case) > 2 and not path.startswith("/api/v1/") else 400
                with self.subTest(route=method + " " + path, body=raw):
                    self.bad(method, path, status, field, raw=raw, what=raw.decode())

    def test_huge_numbers_in_path_ids(self):
        big = "99999999999999999999999"
        for method, path in (("POST", "/events/edit/" + big), ("POST", "/attributes/add/" + big),
                             ("POST", "/attributes/edit/" + big), ("POST", "/objects/add/" + big),
                             ("POST", "/sightings/add/" + big), ("POST", "/tags/edit/" + big),
                             ("PATCH", "/api/v1/events/" + big), ("POST", "/api/v1/events/%s/attributes" % big)):
            with self.subTest(route=method + " " + path):
                before = HUB.change_count()
                r = self.send(method, path, body={"info": "x", "type": "ip-dst", "value": "192.0.2.1", "name": "x"})
                self.assertIn(r.status, (400, 404, 422), r)
                self.assertIn("error", r.json())
                self.assertEqual(HUB.change_count(), before)


class AttributeValuesTest(BadInputTestCase):
    def test_unknown_attribute_types(self):
        for method, path, kind in write_routes():
            for bad_type in ("no-such-type", "IP-DST", "ip-dst ", "ip-dst\u0000"):
                body = wrap_attribute(kind, attr(bad_type, "192.0.2.77"))
                if body is None:
                    continue
                with self.subTest(route=method + " " + path, type=bad_type):
                    self.bad(method, path, 422, "type", body=body, what=repr(bad_type))

    def test_invalid_values_for_the_type(self):
        for method, path, kind in write_routes():
            for a in BAD_VALUES:
                body = wrap_attribute(kind, a)
                if body is None:
                    continue
                with self.subTest(route=method + " " + path, attr=a):
                    self.bad(method, path, 422, "value", body=body, what=json.dumps(a))

    def test_bad_category_for_the_type(self):
        for method, path, kind in write_routes():
            body = wrap_attribute(kind, attr("ip-dst", "192.0.2.78", category="Financial fraud"))
            if body is None:
                continue
            with self.subTest(route=method + " " + path):
                self.bad(method, path, 422, "category", body=body)

    def test_nul_bytes_in_strings(self):
        # JSON may escape NUL (\u0000); the hub must not store it in text (C strings, exports, sync peers).
        probes = {
            "event": [({"Event": {"info": "a\u0000b"}}, "info"),
                      ({"Event": {"info": "x", "Attribute": [attr("text", "a\u0000b")]}}, "value"),
                      ({"Event": {"info": "x", "Attribute": [attr("ip-dst", "192.0.2.1", comment="c\u0000")]}},
                       "comment")],
            "attribute": [(attr("ip-dst", "192.0.2.1\u0000"), "value"),
                          (attr("ip-dst", "192.0.2.3", comment="\u0000"), "comment")],
            "tag": [({"name": "tag\u0000x"}, "name")],
            "org": [({"name": "org\u0000x"}, "name")],
            "sg": [({"name": "sg\u0000x"}, "name")],
        }
        for method, path, kind in write_routes():
            for body, field in probes.get(kind, []):
                with self.subTest(route=method + " " + path, field=field):
                    self.bad(method, path, 422, field, body=body)


class OversizedBodiesTest(BadInputTestCase):
    LIMIT = 4096

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="bulwark-badinput-")
        cls.config = os.path.join(cls.tmp, "hub.toml")
        with open(cls.config, "w") as f:
            f.write("[http]\nmax_body_bytes = %d\ngzip_min_bytes = 0\n" % cls.LIMIT)
        cls.small = Hub(extra_args=["--config", cls.config])

    @classmethod
    def tearDownClass(cls):
        cls.small.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def small_routes(self):
        # The same shapes as on the main hub, with the small hub's own fixture ids.
        hub = self.small
        ev = hub.post("/events/add", {"Event": {"info": "small", "Attribute": [attr("ip-dst", "192.0.2.5")]}})
        self.assertEqual(ev.status, 200, ev)
        return ev.json()["Event"]

    def test_oversized_body_is_413_everywhere(self):
        hub = self.small
        ev = self.small_routes()
        saved = dict(T)
        T.update(event=ev["id"], attr=ev["Attribute"][0]["id"], event_uuid=ev["uuid"])
        try:
            routes = [(m, p) for m, p, _ in write_routes()] + bodyless_write_routes() + search_routes()
        finally:
            T.clear()
            T.update(saved)
        big = json.dumps({"Event": {"info": "x" * (self.LIMIT * 2)}, "info": "y"}).encode()
        for method, path in routes:
            with self.subTest(route=method + " " + path):
                before = hub.change_count()
                r = hub.request(method, path, raw=big, headers=JSON)
                self.assertRejected(r, 413, what=method + " " + path)
                self.assertEqual(r.json()["error"]["code"], "too_large")
                self.assertEqual(hub.change_count(), before)
        # The event is still there: nothing was deleted by the oversized requests to delete routes.
        self.assertEqual(hub.get("/events/view/" + ev["id"]).status, 200)

    def test_body_at_the_limit_is_accepted(self):
        body = {"Event": {"info": ""}}
        pad = self.LIMIT - len(json.dumps(body).encode())
        body["Event"]["info"] = "z" * pad
        raw = json.dumps(body).encode()
        self.assertEqual(len(raw), self.LIMIT)
        r = self.small.request("POST", "/events/add", raw=raw, headers=JSON)
        self.assertEqual(r.status, 200, r)

    def test_gzip_bomb_is_413(self):
        raw = gzip.compress(json.dumps({"Event": {"info": "b" * 1000000}}).encode())
        self.assertLess(len(raw), self.LIMIT)
        before = self.small.change_count()
        r = self.small.request("POST", "/events/add", raw=raw, headers=dict(JSON, **{"Content-Encoding": "gzip"}))
        self.assertRejected(r, 413, what="gzip bomb")
        self.assertEqual(self.small.change_count(), before)


class SqlMetacharactersTest(BadInputTestCase):
    def test_stored_and_read_back_verbatim(self):
        info = SQL + " info"
        r = HUB.post("/events/add", {"Event": {"info": info, "Attribute": [
            attr("text", SQL), attr("ip-dst", "192.0.2.99", comment=SQL),
            attr("text", "Robert'); DROP TABLE events;--"), attr("text", '" OR "1"="1'),
            attr("text", "100% _wild_ \\ backslash")]}})
        self.assertEqual(r.status, 200, r)
        ev = r.json()["Event"]
        view = HUB.get("/events/view/" + ev["id"]).json()["Event"]
        self.assertEqual(view["info"], info)
        values = sorted(a["value"] for a in view["Attribute"] if a["type"] == "text")
        self.assertEqual(values, sorted([SQL, "Robert'); DROP TABLE events;--", '" OR "1"="1',
                                         "100% _wild_ \\ backslash"]))
        ip = [a for a in view["Attribute"] if a["type"] == "ip-dst"][0]
        self.assertEqual(ip["comment"], SQL)
        # Searching by the hostile value finds exactly it, and the tables are all still there.
        found = HUB.post("/attributes/restSearch", {"value": SQL}).json()["response"]["Attribute"]
        self.assertEqual([a["value"] for a in found], [SQL])
        found = HUB.post("/attributes/restSearch", {"value": '" OR "1"="1'}).json()["response"]["Attribute"]
        self.assertEqual(len(found), 1)
        self.assertEqual(HUB.get("/attributes/view/" + ip["id"]).json()["Attribute"]["comment"], SQL)
        self.assertEqual(HUB.get("/healthz", key="").status, 200)
        self.assertGreaterEqual(len(HUB.get("/events/index").json()), 2)

    def test_in_names(self):
        tag = HUB.post("/tags/add", {"name": "sql:" + SQL})
        self.assertEqual(tag.status, 200, tag)
        self.assertEqual(HUB.get("/tags/view/" + tag.json()["Tag"]["id"]).json()["name"], "sql:" + SQL)
        org = HUB.post("/admin/organisations/add", {"name": "O'Brien" + SQL})
        self.assertEqual(org.status, 200, org)
        self.assertEqual(HUB.get("/organisations/view/" + org.json()["Organisation"]["id"]).json()["Organisation"]
                         ["name"], "O'Brien" + SQL)
        r = HUB.post("/events/restSearch", {"tags": ["sql:" + SQL], "org": "O'Brien" + SQL})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["response"], [])


if __name__ == "__main__":
    unittest.main()
