"""Object references on their own: a real PyMISP event with objects (pe, pe-section, file and their references) goes
in through events/add; two of its file objects are linked with objectReferences/add, seen in objects/view, and the
link is soft- then hard-deleted (MISP routes and the /api/v1 twins). An organisation that cannot see the event gets
404 from objects/view and cannot link; one that sees it but did not create it gets 403. Unknown targets, malformed
JSON and wrong types are 4xx and write nothing; events/add with a reference to nothing is 422."""
import copy
import json
import os
import unittest

from harness import Hub, testdata

EVENT = ("misp", "events", "pymisp", "mainly_objects_1.json")
FILE_A = "7f58ce95-cc60-466d-b405-d47226c5f0bf"
FILE_B = "bd1dbb31-d316-4911-b2cb-4e71d16d1dbb"
PE = "5afacb97-2453-4507-84cf-2e4c5d9c3fa4"  # references its four pe-sections in the file
NOWHERE = "0b6f7a3c-1111-4222-8333-944455566677"


def load_event():
    path = testdata(*EVENT)
    if path is None:
        raise unittest.SkipTest("missing test data %s" % os.path.join(*EVENT))
    with open(path) as f:
        event = json.load(f)["Event"]
    event.pop("Orgc", None)  # created by this hub's admin org
    return event


class ObjectReferencesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.source = load_event()
        cls.hub = Hub()
        org = cls.hub.add_org("Other CERT")
        _, cls.other_key = cls.hub.add_user("analyst@other.test", org["id"], role_id=3)
        hidden = dict(copy.deepcopy(cls.source), distribution=0)  # this organisation only
        r = cls.hub.post("/events/add", {"Event": hidden})
        assert r.status == 200, r
        cls.event = r.json()["Event"]
        cls.objects = {o["uuid"]: o for o in cls.event["Object"]}
        shared = {"info": "shared with the community", "distribution": 1,
                  "Object": [{"name": "url", "Attribute": [
                      {"object_relation": "url", "type": "url", "value": "https://drop.example/a.exe"}]}],
                  "Attribute": [{"type": "domain", "value": "drop.example"}]}
        r = cls.hub.post("/events/add", {"Event": shared})
        assert r.status == 200, r
        cls.shared = r.json()["Event"]

    @classmethod
    def tearDownClass(cls):
        cls.hub.close()

    def view(self, ref, deleted=False, key=None):
        return self.hub.get("/objects/view/%s%s" % (ref, "?deleted=1" if deleted else ""), key=key)

    def references(self, ref, deleted=False):
        r = self.view(ref, deleted)
        self.assertEqual(r.status, 200, r)
        return r.json()["Object"]["ObjectReference"]

    def test_real_event_keeps_its_references(self):
        r = self.view(PE)
        self.assertEqual(r.status, 200, r)
        obj = r.json()["Object"]
        self.assertEqual(obj["uuid"], PE)
        self.assertEqual(obj["name"], "pe")
        self.assertTrue(obj["Attribute"])
        source = next(o for o in self.source["Object"] if o["uuid"] == PE)
        self.assertEqual(sorted(x["referenced_uuid"] for x in obj["ObjectReference"]),
                         sorted(x["referenced_uuid"] for x in source["ObjectReference"]))
        # The targets are pe-section objects, so the stored type is MISP's 1 (Object).
        self.assertEqual({x["referenced_type"] for x in obj["ObjectReference"]}, {"1"})
        by_id = self.view(self.objects[PE]["id"])
        self.assertEqual(by_id.status, 200, by_id)
        self.assertEqual(by_id.json()["Object"]["uuid"], PE)

    def test_link_view_and_delete(self):
        r = self.hub.post("/objectReferences/add/%s" % self.objects[FILE_A]["id"], {"ObjectReference": {
            "referenced_uuid": FILE_B, "relationship_type": "related-to", "comment": "same dropper"}})
        self.assertEqual(r.status, 200, r)
        ref = r.json()["ObjectReference"]
        self.assertEqual(ref["referenced_uuid"], FILE_B)
        self.assertEqual(ref["referenced_type"], "1")
        self.assertEqual(ref["object_id"], self.objects[FILE_A]["id"])
        self.assertEqual(ref["source_uuid"], FILE_A)
        self.assertEqual(ref["event_id"], self.event["id"])
        self.assertEqual(ref["comment"], "same dropper")
        self.assertFalse(ref["deleted"])
        self.assertIn(ref["uuid"], [x["uuid"] for x in self.references(FILE_A)])
        # Linking unpublishes the event, as any change to its content does.
        self.assertFalse(self.hub.get("/events/view/%s" % self.event["id"]).json()["Event"]["published"])

        r = self.hub.post("/objectReferences/delete/%s" % ref["id"])
        self.assertEqual(r.status, 200, r)
        self.assertNotIn(ref["uuid"], [x["uuid"] for x in self.references(FILE_A)])
        kept = [x for x in self.references(FILE_A, deleted=True) if x["uuid"] == ref["uuid"]]
        self.assertEqual(len(kept), 1)
        self.assertTrue(kept[0]["deleted"])
        self.assertEqual(self.hub.post("/objectReferences/delete/%s" % ref["id"]).status, 404)  # already deleted
        r = self.hub.post("/objectReferences/delete/%s/1" % ref["uuid"])
        self.assertEqual(r.status, 200, r)
        self.assertNotIn(ref["uuid"], [x["uuid"] for x in self.references(FILE_A, deleted=True)])

    def test_native_twins(self):
        r = self.hub.post("/api/v1/objects/%s/references" % FILE_B, {
            "referenced_uuid": FILE_A, "relationship_type": "related-to"})
        self.assertEqual(r.status, 201, r)
        ref = r.json()["data"]
        r = self.hub.get("/api/v1/objects/%s" % FILE_B)
        self.assertEqual(r.status, 200, r)
        self.assertIn(ref["uuid"], [x["uuid"] for x in r.json()["data"]["ObjectReference"]])
        r = self.hub.request("DELETE", "/api/v1/object-references/%s?hard=1" % ref["uuid"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["data"], {"deleted": True})
        r = self.hub.get("/api/v1/objects/%s?deleted=1" % FILE_B)
        self.assertNotIn(ref["uuid"], [x["uuid"] for x in r.json()["data"]["ObjectReference"]])

    def test_other_org_cannot_see_or_link(self):
        before = self.hub.change_count()
        for ref in (FILE_A, self.objects[FILE_A]["id"]):
            r = self.view(ref, key=self.other_key)
            self.assertEqual(r.status, 404, r)
            self.assertNotIn("ObjectReference", r.json())
            r = self.hub.post("/objectReferences/add/%s" % ref, {"referenced_uuid": FILE_B,
                                                                 "relationship_type": "related-to"},
                              key=self.other_key)
            self.assertEqual(r.status, 404, r)
        self.assertEqual(self.hub.get("/api/v1/objects/%s" % FILE_A, key=self.other_key).status, 404)
        # The shared event is visible to the other organisation, but only its creator may link inside it.
        shared_object = self.shared["Object"][0]
        self.assertEqual(self.view(shared_object["uuid"], key=self.other_key).status, 200)
        r = self.hub.post("/objectReferences/add/%s" % shared_object["uuid"], {
            "referenced_uuid": self.shared["Attribute"][0]["uuid"], "relationship_type": "related-to"},
            key=self.other_key)
        self.assertEqual(r.status, 403, r)
        self.assertEqual(self.hub.change_count(), before)

    def test_bad_input_writes_nothing(self):
        target = "/objectReferences/add/%s" % FILE_A
        before = self.hub.change_count()
        refs_before = self.references(FILE_A, deleted=True)
        cases = [
            ({"referenced_uuid": NOWHERE, "relationship_type": "related-to"}, 422, "referenced_uuid"),
            # An attribute of another event is not a target, even for the creator of both.
            ({"referenced_uuid": self.shared["Attribute"][0]["uuid"], "relationship_type": "related-to"}, 422,
             "referenced_uuid"),
            ({"referenced_uuid": FILE_B}, 422, "relationship_type"),
            ({"referenced_uuid": 5, "relationship_type": "related-to"}, None, "referenced_uuid"),
            ({"referenced_uuid": "not-a-uuid", "relationship_type": "related-to"}, 422, "referenced_uuid"),
            ({"referenced_uuid": FILE_B, "relationship_type": ["related-to"]}, None, "relationship_type"),
            ({"ObjectReference": "related-to"}, None, None),
            ([{"referenced_uuid": FILE_B, "relationship_type": "related-to"}], 400, None),
        ]
        for body, status, field in cases:
            r = self.hub.post(target, body)
            if status is None:
                self.assertIn(r.status, (400, 422), (body, r))
            else:
                self.assertEqual(r.status, status, (body, r))
            if field is not None:
                self.assertEqual(r.json()["error"]["field"], field, (body, r))
        r = self.hub.request("POST", target, raw=b'{"referenced_uuid": "', headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 400, r)
        self.assertEqual(self.hub.post("/objectReferences/add/not-an-object", {
            "referenced_uuid": FILE_B, "relationship_type": "related-to"}).status, 422)
        self.assertEqual(self.hub.post("/objectReferences/add/%s" % NOWHERE, {
            "referenced_uuid": FILE_B, "relationship_type": "related-to"}).status, 404)
        self.assertEqual(self.hub.post("/objectReferences/delete/%s" % NOWHERE).status, 404)
        self.assertEqual(self.hub.change_count(), before)
        self.assertEqual(self.references(FILE_A, deleted=True), refs_before)

    def test_objects_edit_adds_references_once(self):
        body = {"Object": {"ObjectReference": [{"uuid": "5e0a7c1d-2b3c-4d5e-8f90-a1b2c3d4e5f6",
                                                "referenced_uuid": PE, "relationship_type": "included-in"}]}}
        r = self.hub.post("/objects/edit/%s" % FILE_B, body)
        self.assertEqual(r.status, 200, r)
        self.assertIn("5e0a7c1d-2b3c-4d5e-8f90-a1b2c3d4e5f6", [x["uuid"] for x in r.json()["Object"]["ObjectReference"]])
        count = len(self.references(FILE_B, deleted=True))
        self.assertEqual(self.hub.post("/objects/edit/%s" % FILE_B, body).status, 200)
        self.assertEqual(len(self.references(FILE_B, deleted=True)), count)
        before = self.hub.change_count()
        r = self.hub.post("/objects/edit/%s" % FILE_B, {"Object": {"ObjectReference": [
            {"referenced_uuid": NOWHERE, "relationship_type": "included-in"}]}})
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.json()["error"]["field"], "ObjectReference[0].referenced_uuid")
        self.assertEqual(self.hub.change_count(), before)

    def test_events_add_refuses_a_reference_to_nothing(self):
        before = self.hub.change_count()
        r = self.hub.post("/events/add", {"Event": {"info": "dangling link", "Object": [
            {"name": "url", "Attribute": [{"object_relation": "url", "type": "url", "value": "https://x.example/"}],
             "ObjectReference": [{"referenced_uuid": NOWHERE, "relationship_type": "related-to"}]}]}})
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.json()["error"]["field"], "Object[0].ObjectReference[0].referenced_uuid")
        self.assertEqual(self.hub.change_count(), before)


if __name__ == "__main__":
    unittest.main()
