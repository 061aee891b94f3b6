"""Object references never name what the caller may not see. Organisation A shares an event with the community;
inside it an attribute and an object are for A only (distribution 0), and a shared object references both (and a
shared attribute). Organisation B sees the event and the shared object but no reference to A's private attribute
or object, and not their uuids, in any answer: events/view, objects/view, both restSearch routes (json), the
native twins, and the STIX export. A sees every reference. A soft-deleted target drops its reference from the
default views (and is back with deleted=1)."""
import unittest

from harness import Hub

SHARED_OBJECT = "6a3e5d10-8f0c-4c36-9b54-3b1d7c2a0f01"
PRIVATE_OBJECT = "6a3e5d10-8f0c-4c36-9b54-3b1d7c2a0f02"
PRIVATE_ATTRIBUTE = "6a3e5d10-8f0c-4c36-9b54-3b1d7c2a0f03"
SHARED_ATTRIBUTE = "6a3e5d10-8f0c-4c36-9b54-3b1d7c2a0f04"
DELETED_TARGET = "6a3e5d10-8f0c-4c36-9b54-3b1d7c2a0f05"
TO_PRIVATE_ATTRIBUTE = "6a3e5d10-8f0c-4c36-9b54-3b1d7c2a0f11"
TO_PRIVATE_OBJECT = "6a3e5d10-8f0c-4c36-9b54-3b1d7c2a0f12"
TO_SHARED_ATTRIBUTE = "6a3e5d10-8f0c-4c36-9b54-3b1d7c2a0f13"
FROM_PRIVATE_OBJECT = "6a3e5d10-8f0c-4c36-9b54-3b1d7c2a0f14"
TO_DELETED = "6a3e5d10-8f0c-4c36-9b54-3b1d7c2a0f15"
HIDDEN = (PRIVATE_OBJECT, PRIVATE_ATTRIBUTE, TO_PRIVATE_ATTRIBUTE, TO_PRIVATE_OBJECT, FROM_PRIVATE_OBJECT)

EVENT = {
    "info": "credential phishing against election staff", "distribution": 1,
    "Attribute": [
        {"uuid": PRIVATE_ATTRIBUTE, "type": "ip-dst", "value": "198.51.100.23", "distribution": 0,
         "comment": "our sensor's view: not for sharing"},
        {"uuid": SHARED_ATTRIBUTE, "type": "domain", "value": "login-elections.example", "distribution": 5},
        {"uuid": DELETED_TARGET, "type": "domain", "value": "old-login-elections.example", "distribution": 5},
    ],
    "Object": [
        {"uuid": SHARED_OBJECT, "name": "url", "distribution": 5,
         "Attribute": [{"object_relation": "url", "type": "url", "value": "https://login-elections.example/sso"}],
         "ObjectReference": [
             {"uuid": TO_PRIVATE_ATTRIBUTE, "referenced_uuid": PRIVATE_ATTRIBUTE, "relationship_type": "resolves-to"},
             {"uuid": TO_PRIVATE_OBJECT, "referenced_uuid": PRIVATE_OBJECT, "relationship_type": "related-to"},
             {"uuid": TO_SHARED_ATTRIBUTE, "referenced_uuid": SHARED_ATTRIBUTE, "relationship_type": "hosted-on"},
             {"uuid": TO_DELETED, "referenced_uuid": DELETED_TARGET, "relationship_type": "followed-by"},
         ]},
        {"uuid": PRIVATE_OBJECT, "name": "domain-ip", "distribution": 0,
         "Attribute": [{"object_relation": "ip", "type": "ip-dst", "value": "203.0.113.77"}],
         "ObjectReference": [
             {"uuid": FROM_PRIVATE_OBJECT, "referenced_uuid": SHARED_ATTRIBUTE, "relationship_type": "related-to"},
         ]},
    ],
}


def reference_uuids(event):
    return sorted(r["uuid"] for o in event.get("Object", []) for r in o.get("ObjectReference", []))


class ReferenceAccessTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = Hub()
        org_a = cls.hub.add_org("Election Commission CERT")
        org_b = cls.hub.add_org("Regional CSIRT")
        _, cls.key_a = cls.hub.add_user("analyst@commission.test", org_a["id"], role_id=4)  # publisher
        _, cls.key_b = cls.hub.add_user("analyst@regional.test", org_b["id"], role_id=3)
        r = cls.hub.post("/events/add", {"Event": EVENT}, key=cls.key_a)
        assert r.status == 200, r
        cls.event = r.json()["Event"]
        cls.shared_object_id = next(o["id"] for o in cls.event["Object"] if o["uuid"] == SHARED_OBJECT)
        r = cls.hub.post("/attributes/delete/%s" % DELETED_TARGET, key=cls.key_a)
        assert r.status == 200, r
        r = cls.hub.post("/events/publish/%s" % cls.event["id"], key=cls.key_a)  # exports take published events
        assert r.status == 200, r

    @classmethod
    def tearDownClass(cls):
        cls.hub.close()

    def answer(self, method, path, key, body=None):
        r = self.hub.request(method, path, body=body, key=key)
        self.assertEqual(r.status, 200, r)
        return r

    def assert_nothing_hidden(self, r):
        text = r.body.decode("utf-8")
        for uuid in HIDDEN:
            self.assertNotIn(uuid, text)

    def test_b_sees_only_references_to_what_b_sees(self):
        for path in ("/events/view/%s" % self.event["id"], "/events/view/%s" % self.event["uuid"]):
            r = self.answer("GET", path, self.key_b)
            self.assert_nothing_hidden(r)
            self.assertEqual(reference_uuids(r.json()["Event"]), [TO_SHARED_ATTRIBUTE])
        for ref in (SHARED_OBJECT, self.shared_object_id):
            r = self.answer("GET", "/objects/view/%s" % ref, self.key_b)
            self.assert_nothing_hidden(r)
            self.assertEqual([x["uuid"] for x in r.json()["Object"]["ObjectReference"]], [TO_SHARED_ATTRIBUTE])
        r = self.answer("GET", "/api/v1/events/%s" % self.event["uuid"], self.key_b)
        self.assert_nothing_hidden(r)
        r = self.answer("GET", "/api/v1/objects/%s" % SHARED_OBJECT, self.key_b)
        self.assert_nothing_hidden(r)
        self.assertEqual([x["uuid"] for x in r.json()["data"]["ObjectReference"]], [TO_SHARED_ATTRIBUTE])
        r = self.answer("GET", "/api/v1/events?uuid=%s" % self.event["uuid"], self.key_b)
        self.assert_nothing_hidden(r)

    def test_b_searches_and_exports_carry_no_hidden_reference(self):
        r = self.answer("POST", "/events/restSearch", self.key_b, {"eventid": self.event["id"]})
        self.assert_nothing_hidden(r)
        events = r.json()["response"]
        self.assertEqual(len(events), 1)
        self.assertEqual(reference_uuids(events[0]["Event"]), [TO_SHARED_ATTRIBUTE])
        # Matching on an attribute condition takes the other path of the search.
        r = self.answer("POST", "/events/restSearch", self.key_b, {"value": "login-elections.example"})
        self.assert_nothing_hidden(r)
        self.assertEqual(reference_uuids(r.json()["response"][0]["Event"]), [TO_SHARED_ATTRIBUTE])
        r = self.answer("POST", "/attributes/restSearch", self.key_b,
                        {"eventid": self.event["id"], "includeContext": 1})
        self.assert_nothing_hidden(r)
        r = self.answer("POST", "/events/restSearch", self.key_b,
                        {"eventid": self.event["id"], "returnFormat": "stix2"})
        self.assert_nothing_hidden(r)
        relationships = [o for o in r.json()["objects"] if o["type"] == "relationship"]
        self.assertTrue(relationships)  # the shared reference is still exported
        for rel in relationships:
            self.assertNotIn(PRIVATE_ATTRIBUTE, rel["target_ref"])

    def test_a_sees_every_live_reference(self):
        r = self.answer("GET", "/events/view/%s" % self.event["id"], self.key_a)
        self.assertEqual(reference_uuids(r.json()["Event"]),
                         sorted([TO_PRIVATE_ATTRIBUTE, TO_PRIVATE_OBJECT, TO_SHARED_ATTRIBUTE, FROM_PRIVATE_OBJECT]))
        r = self.answer("GET", "/objects/view/%s" % SHARED_OBJECT, self.key_a)
        self.assertEqual(sorted(x["uuid"] for x in r.json()["Object"]["ObjectReference"]),
                         sorted([TO_PRIVATE_ATTRIBUTE, TO_PRIVATE_OBJECT, TO_SHARED_ATTRIBUTE]))

    def test_a_reference_to_a_deleted_target_shows_only_with_deleted(self):
        r = self.answer("GET", "/objects/view/%s" % SHARED_OBJECT, self.key_a)
        self.assertNotIn(TO_DELETED, [x["uuid"] for x in r.json()["Object"]["ObjectReference"]])
        r = self.answer("GET", "/objects/view/%s?deleted=1" % SHARED_OBJECT, self.key_a)
        self.assertIn(TO_DELETED, [x["uuid"] for x in r.json()["Object"]["ObjectReference"]])
        r = self.answer("GET", "/events/view/%s?deleted=1" % self.event["id"], self.key_a)
        self.assertIn(TO_DELETED, reference_uuids(r.json()["Event"]))
        r = self.answer("GET", "/events/view/%s" % self.event["id"], self.key_b)
        self.assertNotIn(TO_DELETED, r.body.decode("utf-8"))


if __name__ == "__main__":
    unittest.main()
