"""The native API under /api/v1, through HTTP: {"data": ...} envelopes, {"data": [...], "next_cursor": ...} for
lists that page, 201 on creation, and the same JSON errors as the MISP routes (401, 403, 404, 400, 409, 415, 422).
"""
import unittest
import uuid as uuidlib

from harness import Hub

HUB = None
ORG2 = None
KEYS = {}
USERS = {}


def setUpModule():
    global HUB, ORG2
    HUB = Hub()
    ORG2 = HUB.add_org("Native Partner")
    for role, role_id in (("org_admin", 2), ("user", 3), ("read_only", 6)):
        USERS[role], KEYS[role] = HUB.add_user("%s@native.test" % role, ORG2["id"], role_id=role_id)


def tearDownModule():
    if HUB:
        HUB.close()


def unique(prefix):
    return "%s-%s" % (prefix, uuidlib.uuid4().hex[:10])


class NativeTestCase(unittest.TestCase):
    def data(self, r, status=200):
        self.assertEqual(r.status, status, r)
        body = r.json()
        self.assertIn("data", body, r)
        return body["data"]

    def page(self, r):
        """A cursor-paged list: {"data": [...], "next_cursor": str or None}."""
        self.assertEqual(r.status, 200, r)
        body = r.json()
        self.assertEqual(set(body.keys()), {"data", "next_cursor"}, r)
        self.assertIsInstance(body["data"], list)
        self.assertTrue(body["next_cursor"] is None or isinstance(body["next_cursor"], str))
        return body["data"], body["next_cursor"]

    def assertError(self, r, status, code=None, field=None):
        self.assertEqual(r.status, status, r)
        body = r.json()
        self.assertIn("error", body, r)
        self.assertTrue(body["error"]["message"])
        if code:
            self.assertEqual(body["error"]["code"], code, r)
        if field is not None:
            self.assertEqual(body["error"]["field"], field, r)


class NativeApiTest(NativeTestCase):
    def test_me(self):
        me = self.data(HUB.get("/api/v1/me"))
        self.assertEqual(me["User"]["email"], "admin@hub.test")
        self.assertIs(me["Role"]["perm_site_admin"], True)
        self.assertIs(me["read_only_key"], False)
        self.assertEqual(HUB.get("/api/v1/me", key="").status, 401)

    def test_organisations(self):
        orgs = self.data(HUB.get("/api/v1/organisations"))
        self.assertIn("Native Partner", [o["name"] for o in orgs])
        name = unique("norg")
        o = self.data(HUB.post("/api/v1/organisations", {"name": name}), 201)
        self.assertEqual(o["name"], name)
        self.assertEqual(self.data(HUB.get("/api/v1/organisations/" + o["id"]))["uuid"], o["uuid"])
        self.assertEqual(self.data(HUB.get("/api/v1/organisations/" + o["uuid"]))["id"], o["id"])
        p = self.data(HUB.request("PATCH", "/api/v1/organisations/" + o["id"], body={"sector": "Energy"}))
        self.assertEqual((p["name"], p["sector"]), (name, "Energy"))
        self.assertEqual(self.data(HUB.request("DELETE", "/api/v1/organisations/" + o["id"])), {"deleted": True})
        before = HUB.change_count()
        self.assertError(HUB.get("/api/v1/organisations/" + o["id"]), 404, "not_found")
        self.assertError(HUB.request("PATCH", "/api/v1/organisations/987654321", body={"name": "x"}), 404)
        self.assertError(HUB.request("DELETE", "/api/v1/organisations/987654321"), 404)
        self.assertError(HUB.post("/api/v1/organisations", {"name": "Native Partner"}), 409, "conflict", "name")
        self.assertError(HUB.post("/api/v1/organisations", {"name": ""}), 422, "invalid", "name")
        self.assertError(HUB.post("/api/v1/organisations", {"name": unique("x")}, key=KEYS["user"]), 403)
        self.assertError(HUB.post("/api/v1/organisations", None, raw=b"name=x", headers={"Content-Type": "text/plain"}),
                         415)
        self.assertError(HUB.post("/api/v1/organisations", None, raw=b"{", headers={"Content-Type": "application/json"}),
                         400, "bad_request")
        self.assertEqual(HUB.change_count(), before)

    def test_users_and_keys(self):
        users = self.data(HUB.get("/api/v1/users"))
        self.assertIn("user@native.test", [u["email"] for u in users])
        email = unique("nu") + "@native.test"
        u = self.data(HUB.post("/api/v1/users", {"email": email, "org_id": ORG2["id"], "role_id": 3}), 201)
        self.assertEqual((u["email"], u["role_id"]), (email, "3"))
        self.assertEqual(self.data(HUB.get("/api/v1/users/" + u["id"]))["email"], email)
        self.assertEqual(self.data(HUB.request("PATCH", "/api/v1/users/" + u["id"], body={"role_id": 6}))["role_id"],
                         "6")
        k = self.data(HUB.post("/api/v1/users/" + u["id"] + "/keys", {"read_only": True, "comment": "n"}), 201)
        self.assertEqual(len(k["key"]), 40)
        self.assertIs(k["read_only"], True)
        self.assertIsNone(k["expiration"])
        me = self.data(HUB.get("/api/v1/me", key=k["key"]))
        self.assertEqual(me["User"]["email"], email)
        self.assertIs(me["read_only_key"], True)
        self.assertEqual(self.data(HUB.request("DELETE", "/api/v1/users/" + u["id"])), {"deleted": True})
        self.assertError(HUB.get("/api/v1/me", key=k["key"]), 401)
        before = HUB.change_count()
        self.assertError(HUB.get("/api/v1/users/987654321"), 404)
        self.assertError(HUB.post("/api/v1/users", {"email": "user@native.test"}), 409, "conflict", "email")
        self.assertError(HUB.post("/api/v1/users", {"email": "nope"}), 422, "invalid", "email")
        self.assertError(HUB.post("/api/v1/users", {"email": unique("z") + "@x.test"}, key=KEYS["user"]), 403)
        self.assertError(HUB.post("/api/v1/users/987654321/keys", {}), 404)
        self.assertError(HUB.post("/api/v1/users/" + USERS["user"]["id"] + "/keys", {"expiration": "soon"}), 400,
                         "bad_request", "expiration")
        self.assertError(HUB.request("PATCH", "/api/v1/users/987654321", body={"role_id": 3}), 404)
        self.assertError(HUB.request("DELETE", "/api/v1/users/987654321"), 404)
        self.assertEqual(HUB.change_count(), before)

    def test_roles(self):
        roles = self.data(HUB.get("/api/v1/roles"))
        self.assertEqual([r["id"] for r in roles], ["1", "2", "3", "4", "5", "6"])

    def test_sharing_groups(self):
        name = unique("nsg")
        sg = self.data(HUB.post("/api/v1/sharing-groups", {"name": name}), 201)
        self.assertEqual(sg["name"], name)
        self.assertIn(name, [x["name"] for x in self.data(HUB.get("/api/v1/sharing-groups"))])
        self.assertEqual(self.data(HUB.get("/api/v1/sharing-groups/" + sg["id"]))["uuid"], sg["uuid"])
        p = self.data(HUB.request("PATCH", "/api/v1/sharing-groups/" + sg["id"], body={"description": "d"}))
        self.assertEqual(p["description"], "d")
        m = self.data(HUB.request("PUT", "/api/v1/sharing-groups/%s/organisations/%s?extend=1" % (sg["id"], ORG2["id"])))
        members = {x["org_id"]: x["extend"] for x in m["SharingGroupOrg"]}
        self.assertIs(members[ORG2["id"]], True)
        self.assertEqual(self.data(HUB.request("DELETE", "/api/v1/sharing-groups/%s/organisations/%s" %
                                               (sg["id"], ORG2["id"]))), {"deleted": True})
        self.assertNotIn(ORG2["id"], [x["org_id"] for x in
                                      self.data(HUB.get("/api/v1/sharing-groups/" + sg["id"]))["SharingGroupOrg"]])
        before = HUB.change_count()
        self.assertError(HUB.request("PUT", "/api/v1/sharing-groups/%s/organisations/%s?extend=7" %
                                     (sg["id"], ORG2["id"])), 400, "bad_request", "extend")
        self.assertError(HUB.request("PUT", "/api/v1/sharing-groups/987654321/organisations/1"), 404)
        self.assertError(HUB.get("/api/v1/sharing-groups/987654321"), 404)
        self.assertError(HUB.post("/api/v1/sharing-groups", {"name": ""}), 422, field="name")
        self.assertError(HUB.post("/api/v1/sharing-groups", {"name": "x"}, key=KEYS["user"]), 403)
        self.assertEqual(HUB.change_count(), before)
        self.assertEqual(self.data(HUB.request("DELETE", "/api/v1/sharing-groups/" + sg["id"])), {"deleted": True})
        self.assertError(HUB.request("DELETE", "/api/v1/sharing-groups/" + sg["id"]), 404)

    def test_events_attributes_objects(self):
        ev = self.data(HUB.post("/api/v1/events", {"info": unique("nev"), "distribution": 1}), 201)
        self.assertEqual(ev["distribution"], "1")
        self.assertEqual(self.data(HUB.get("/api/v1/events/" + ev["uuid"]))["id"], ev["id"])
        p = self.data(HUB.request("PATCH", "/api/v1/events/" + ev["id"], body={"info": "patched"}))
        self.assertEqual(p["info"], "patched")
        self.assertIs(self.data(HUB.post("/api/v1/events/%s/publish" % ev["id"]))["published"], True)
        self.assertIs(self.data(HUB.post("/api/v1/events/%s/unpublish" % ev["id"]))["published"], False)
        attrs = self.data(HUB.post("/api/v1/events/%s/attributes" % ev["id"],
                                   [{"type": "ip-dst", "value": "192.0.2.90"}, {"type": "domain", "value": "n.example"}]),
                          201)
        self.assertEqual([a["value"] for a in attrs], ["192.0.2.90", "n.example"])
        a = self.data(HUB.get("/api/v1/attributes/" + attrs[0]["id"]))
        self.assertEqual(a["Event"]["uuid"], ev["uuid"])
        self.assertEqual(self.data(HUB.request("PATCH", "/api/v1/attributes/" + attrs[0]["id"],
                                               body={"comment": "c"}))["comment"], "c")
        self.assertEqual(self.data(HUB.request("DELETE", "/api/v1/attributes/" + attrs[0]["id"])), {"deleted": True})
        self.assertIs(self.data(HUB.post("/api/v1/attributes/%s/restore" % attrs[0]["id"]))["deleted"], False)
        self.assertEqual(self.data(HUB.request("DELETE", "/api/v1/attributes/%s?hard=1" % attrs[1]["id"])),
                         {"deleted": True})
        self.assertError(HUB.post("/api/v1/attributes/%s/restore" % attrs[1]["id"]), 404)
        o = self.data(HUB.post("/api/v1/events/%s/objects" % ev["id"],
                               {"name": "my-note", "Attribute": [{"object_relation": "text", "type": "text",
                                                                  "value": "free-form"}]}), 201)
        self.assertEqual(o["name"], "my-note")
        self.assertEqual(self.data(HUB.request("PATCH", "/api/v1/objects/" + o["id"],
                                               body={"name": "my-note", "comment": "oc"}))["comment"], "oc")
        self.assertEqual(self.data(HUB.request("DELETE", "/api/v1/objects/%s?hard=1" % o["id"])), {"deleted": True})
        before = HUB.change_count()
        self.assertError(HUB.get("/api/v1/events/987654321"), 404)
        self.assertError(HUB.request("PATCH", "/api/v1/events/987654321", body={"info": "x"}), 404)
        self.assertError(HUB.post("/api/v1/events/987654321/attributes", {"type": "ip-dst", "value": "192.0.2.1"}), 404)
        self.assertError(HUB.post("/api/v1/events/%s/attributes" % ev["id"], {"type": "ip-dst", "value": "x"}), 422,
                         "invalid", "value")
        self.assertError(HUB.post("/api/v1/events", [1]), 400)
        self.assertError(HUB.post("/api/v1/events", {"info": "x", "distribution": 9}), 422, "invalid", "distribution")
        self.assertError(HUB.post("/api/v1/events", {"info": "x"}, key=KEYS["read_only"]), 403)
        self.assertError(HUB.post("/api/v1/events/%s/publish" % ev["id"], key=KEYS["user"]), 403)
        self.assertError(HUB.post("/api/v1/events", {"info": "x", "uuid": ev["uuid"]}), 409, "conflict")
        self.assertError(HUB.request("DELETE", "/api/v1/attributes/%s?hard=2" % attrs[0]["id"]), 400, field="hard")
        self.assertError(HUB.request("PATCH", "/api/v1/objects/987654321", body={"name": "x"}), 404)
        self.assertError(HUB.request("DELETE", "/api/v1/objects/987654321"), 404)
        self.assertEqual(HUB.change_count(), before)
        self.assertEqual(self.data(HUB.request("DELETE", "/api/v1/events/" + ev["id"])), {"deleted": True})
        self.assertError(HUB.get("/api/v1/events/" + ev["id"]), 404)

    def test_events_list_cursor(self):
        prefix = unique("cur")
        made = [self.data(HUB.post("/api/v1/events", {"info": "%s-%d" % (prefix, i)}), 201)["uuid"] for i in range(5)]
        seen, cursor, pages = [], None, 0
        while True:
            r = HUB.get("/api/v1/events?limit=2" + ("&cursor=" + cursor if cursor else ""))
            data, cursor = self.page(r)
            self.assertLessEqual(len(data), 2)
            seen += [e["uuid"] for e in data]
            pages += 1
            if not cursor:
                break
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual([u for u in seen if u in made], made)
        self.assertGreaterEqual(pages, 3)
        self.assertError(HUB.get("/api/v1/events?limit=0"), 400, "bad_request", "limit")
        self.assertError(HUB.get("/api/v1/events?cursor=abc"), 400, "bad_request", "cursor")

    def test_tags(self):
        name = unique("ntag")
        t = self.data(HUB.post("/api/v1/tags", {"name": name}), 201)
        self.assertIn(name, [x["name"] for x in self.data(HUB.get("/api/v1/tags?search=" + name))])
        self.assertEqual(self.data(HUB.get("/api/v1/tags/" + t["id"]))["name"], name)
        self.assertEqual(self.data(HUB.request("PATCH", "/api/v1/tags/" + t["id"], body={"name": name + "2"}))["name"],
                         name + "2")
        ev = self.data(HUB.post("/api/v1/events", {"info": unique("tagged")}), 201)
        att = self.data(HUB.post("/api/v1/tags/attach", {"uuid": ev["uuid"], "tag": name + "2"}))
        self.assertEqual(att, {"uuid": ev["uuid"], "tag": name + "2", "attached": True})
        self.assertEqual([x["name"] for x in self.data(HUB.get("/api/v1/events/" + ev["id"]))["Tag"]], [name + "2"])
        self.assertIs(self.data(HUB.post("/api/v1/tags/detach", {"uuid": ev["uuid"], "tag": name + "2"}))["attached"],
                      False)
        self.assertEqual(self.data(HUB.request("DELETE", "/api/v1/tags/" + t["id"])), {"deleted": True})
        before = HUB.change_count()
        self.assertError(HUB.get("/api/v1/tags/" + t["id"]), 404)
        self.assertError(HUB.post("/api/v1/tags", {"name": name + "2x"}, key=KEYS["user"]), 403)
        self.assertError(HUB.post("/api/v1/tags/attach", {"tag": "x"}), 422, field="uuid")
        self.assertError(HUB.post("/api/v1/tags/attach", {"uuid": str(uuidlib.uuid4()), "tag": "x"}), 404)
        self.assertError(HUB.post("/api/v1/tags/detach", [1]), 400)
        self.assertEqual(HUB.change_count(), before)
        n2 = unique("dup")
        self.data(HUB.post("/api/v1/tags", {"name": n2}), 201)
        self.assertError(HUB.post("/api/v1/tags", {"name": n2}), 409, "conflict")

    def test_sightings_search_audit_changes(self):
        ev = self.data(HUB.post("/api/v1/events", {"info": unique("sight"), "Attribute": [
            {"type": "ip-dst", "value": "192.0.2.150"}, {"type": "ip-dst", "value": "192.0.2.151"}]}), 201)
        aid = ev["Attribute"][0]["id"]
        s = self.data(HUB.post("/api/v1/sightings", {"attribute_id": aid, "source": "n"}), 201)
        self.assertEqual([(x["attribute_id"], x["source"]) for x in s], [(aid, "n")])
        data, cursor = self.page(HUB.get("/api/v1/sightings?attribute_id=" + aid))
        self.assertEqual([x["id"] for x in data], [s[0]["id"]])
        self.assertIsNone(cursor)
        self.assertError(HUB.get("/api/v1/sightings?attribute_id=x"), 400, field="attribute_id")
        self.assertError(HUB.post("/api/v1/sightings", {"attribute_id": "987654321"}), 404)
        data, cursor = self.page(HUB.post("/api/v1/search/attributes", {"eventid": ev["id"], "limit": 1}))
        self.assertEqual([a["value"] for a in data], ["192.0.2.150"])
        self.assertIsNotNone(cursor)
        data, cursor = self.page(HUB.post("/api/v1/search/attributes", {"eventid": ev["id"], "limit": 1,
                                                                         "cursor": cursor}))
        self.assertEqual([a["value"] for a in data], ["192.0.2.151"])
        data, cursor = self.page(HUB.post("/api/v1/search/attributes", {"eventid": ev["id"], "limit": 1,
                                                                         "cursor": cursor}))
        self.assertEqual((data, cursor), ([], None))
        self.assertError(HUB.post("/api/v1/search/attributes", {"cursor": "zz"}), 400, field="cursor")
        data, cursor = self.page(HUB.post("/api/v1/search/events", {"eventid": ev["id"]}))
        self.assertEqual([e["uuid"] for e in data], [ev["uuid"]])
        self.assertEqual(len(data[0]["Attribute"]), 2)
        self.assertError(HUB.post("/api/v1/search/events", {"tags": {"XOR": []}}), 400)
        audit, _ = self.page(HUB.get("/api/v1/audit?limit=5"))
        self.assertLessEqual(len(audit), 5)
        self.assertTrue(audit)
        changes, cursor = self.page(HUB.get("/api/v1/changes?limit=3"))
        self.assertEqual(len(changes), 3)
        self.assertIsNotNone(cursor)
        for c in changes:
            self.assertEqual(set(c.keys()), {"seq", "entity", "uuid", "event_id", "action", "time"})
        more, _ = self.page(HUB.get("/api/v1/changes?limit=3&cursor=" + cursor))
        self.assertGreater(more[0]["seq"], changes[-1]["seq"])
        self.assertError(HUB.get("/api/v1/changes?limit=-1"), 400, field="limit")
        self.assertError(HUB.get("/api/v1/audit", key=KEYS["user"]), 403)


if __name__ == "__main__":
    unittest.main()
