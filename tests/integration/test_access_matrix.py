"""Who sees what, checked as a client through every read route, against an expectation table written by hand
from MISP's distribution rules (reference/misp.md §1.9, src/access/access.h):

  event: site admin, the owner org, distribution 1-3, or 4 for members of its sharing group;
  attribute/object: the owner org and site admins see all; others need the child's distribution in
  {1,2,3,5}, or 4 with membership of the child's sharing group; an object attribute also needs its object;
  local tags: only the owner org and site admins.

Organisations: H (host, holds the site admin), A (creates every event), B (in the sharing group AB with A),
C (outsider). Users of every role sit in A, B and C; a plain user sits in H.

Also checks write permissions per role (Read Only cannot add, User cannot publish, B cannot edit A's events,
an Org Admin manages users of their own organisation only).
"""
import unittest

import scenario as S
from harness import Hub

# The attribute labels of each event: "a<d>" is a top-level attribute with distribution d (4 = sharing group
# AB, 5 = inherit); objects are listed in OBJECTS below. Only E3 and E4 carry objects.
ATTR_LEVELS = [0, 1, 2, 3, 4, 5]
ALL_ATTRS = {"a0", "a1", "a2", "a3", "a4", "a5"}

# Objects (label -> (object distribution, {attribute label: attribute distribution})) per event.
OBJECTS = {
    "E3": {
        "o0": (0, {"o0a3": 3, "o0a5": 5}),             # org-only object: its attributes at 3 stay hidden
        "o5": (5, {"o5a0": 0, "o5a3": 3, "o5a4": 4}),  # inherit object with mixed attributes
        "o4": (4, {"o4a5": 5, "o4a1": 1}),             # sharing-group object
    },
    "E4": {
        "o5": (5, {"o5a5": 5, "o5a0": 0}),
    },
}

# THE EXPECTATION TABLE. viewer class -> event -> None (404, not listed) or the labels it must see exactly:
# top-level attribute labels and "object/attribute" labels, and whether the local tags show.
# Viewer classes: "admin" (site admin of H), "A" (any role in A: the owner), "B" (member of AB),
# "C" (outsider), "H" (plain user of the host org: an outsider too).
_E3_ALL_OBJ = {"o0/o0a3", "o0/o0a5", "o5/o5a0", "o5/o5a3", "o5/o5a4", "o4/o4a5", "o4/o4a1"}
_E4_ALL_OBJ = {"o5/o5a5", "o5/o5a0"}
EXPECT = {
    "admin": {
        "E0": ALL_ATTRS, "E1": ALL_ATTRS, "E2": ALL_ATTRS, "E3": ALL_ATTRS | _E3_ALL_OBJ, "E4": ALL_ATTRS | _E4_ALL_OBJ,
    },
    "A": {
        "E0": ALL_ATTRS, "E1": ALL_ATTRS, "E2": ALL_ATTRS, "E3": ALL_ATTRS | _E3_ALL_OBJ, "E4": ALL_ATTRS | _E4_ALL_OBJ,
    },
    "B": {
        "E0": None,
        "E1": {"a1", "a2", "a3", "a4", "a5"},
        "E2": {"a1", "a2", "a3", "a4", "a5"},
        "E3": {"a1", "a2", "a3", "a4", "a5", "o5/o5a3", "o5/o5a4", "o4/o4a5", "o4/o4a1"},
        "E4": {"a1", "a2", "a3", "a4", "a5", "o5/o5a5"},
    },
    "C": {
        "E0": None,
        "E1": {"a1", "a2", "a3", "a5"},
        "E2": {"a1", "a2", "a3", "a5"},
        "E3": {"a1", "a2", "a3", "a5", "o5/o5a3"},
        "E4": None,
    },
    "H": {
        "E0": None,
        "E1": {"a1", "a2", "a3", "a5"},
        "E2": {"a1", "a2", "a3", "a5"},
        "E3": {"a1", "a2", "a3", "a5", "o5/o5a3"},
        "E4": None,
    },
}
# Objects a viewer sees (an object can be visible with none of its attributes visible).
EXPECT_OBJECTS = {
    "admin": {"E3": {"o0", "o5", "o4"}, "E4": {"o5"}},
    "A": {"E3": {"o0", "o5", "o4"}, "E4": {"o5"}},
    "B": {"E3": {"o5", "o4"}, "E4": {"o5"}},
    "C": {"E3": {"o5"}},
    "H": {"E3": {"o5"}},
}
SEES_LOCAL_TAGS = {"admin": True, "A": True, "B": False, "C": False, "H": False}

GLOBAL_TAG = "matrix:global"
LOCAL_TAG = "matrix:a-local"
ATTR_GLOBAL_TAG = "matrix:attr-global"
ATTR_LOCAL_TAG = "matrix:attr-local"
LOCAL_TAGS = (LOCAL_TAG, ATTR_LOCAL_TAG)

# (name, org, role) of every user; the site admin comes from the harness.
USERS = [
    ("h_user", "H", 3),
    ("a_user", "A", 3), ("a_pub", "A", 4), ("a_admin", "A", 2), ("a_ro", "A", 6), ("a_sync", "A", 5),
    ("b_user", "B", 3), ("b_pub", "B", 4), ("b_admin", "B", 2), ("b_sync", "B", 5), ("b_ro", "B", 6),
    ("c_user", "C", 3), ("c_pub", "C", 4), ("c_admin", "C", 2), ("c_sync", "C", 5), ("c_ro", "C", 6),
]


def value_of(event_label, label):
    """The attribute value for a label: a domain that names both (e.g. e3-o5-o5a4.matrix.test)."""
    return "%s-%s.matrix.test" % (event_label.lower(), label.replace("/", "-"))


class AccessMatrixTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = hub = Hub()
        try:
            cls._build(hub)
        except Exception:
            hub.close()
            raise

    @classmethod
    def _build(cls, hub):
        me = S.ok(hub.get("/users/view/me"), "me")
        cls.org_ids = {"H": str(me["User"]["org_id"])}
        for name in ("A", "B", "C"):
            cls.org_ids[name] = str(hub.add_org("Org " + name)["id"])
        cls.keys = {"admin": hub.admin_key}
        cls.viewer_class = {"admin": "admin"}
        cls.user_ids = {}
        for name, org, role in USERS:
            user, key = S.add_user(hub, "%s@matrix.test" % name, cls.org_ids[org], role)
            cls.keys[name] = key
            cls.viewer_class[name] = org
            cls.user_ids[name] = str(user["id"])
        # A's org admin creates the sharing group; A (creator) and B are its members.
        cls.sg = S.add_sharing_group(hub, cls.keys["a_admin"], "AB", [cls.org_ids["B"]])

        # A's plain user creates E0..E4; E<d> has distribution d (E4 uses AB).
        cls.events = {}    # label -> Event as created
        cls.uuid_of = {}   # (event label, attribute label) -> uuid; ("E3", "o5") -> object uuid
        cls.label_of = {}  # uuid -> label
        for d in range(5):
            label = "E%d" % d
            attrs = []
            for lvl in ATTR_LEVELS:
                tags = [ATTR_GLOBAL_TAG] if lvl == 3 else []
                attrs.append(S.attribute(value_of(label, "a%d" % lvl), lvl, sg=cls.sg, tags=tags,
                                         comment="%s a%d" % (label, lvl)))
            objects = []
            for olabel, (odist, oattrs) in OBJECTS.get(label, {}).items():
                objects.append(S.misp_object("domain-ip", odist, [
                    S.attribute(value_of(label, olabel + "/" + alabel), adist, sg=cls.sg, relation="domain")
                    for alabel, adist in oattrs.items()], sg=cls.sg))
            body = S.event("matrix %s" % label, d, sg=cls.sg, attributes=attrs, objects=objects,
                           tags=[GLOBAL_TAG, {"name": LOCAL_TAG, "local": 1}])
            ev = S.add_event(hub, cls.keys["a_user"], body)
            cls.events[label] = ev
            for a in ev.get("Attribute") or []:
                alabel = "a" + a["comment"].split(" a")[1]
                cls.uuid_of[(label, alabel)] = a["uuid"]
                cls.label_of[a["uuid"]] = alabel
            for o in ev.get("Object") or []:
                olabel = o["Attribute"][0]["value"].split("-")[1]
                cls.uuid_of[(label, olabel)] = o["uuid"]
                cls.label_of[o["uuid"]] = olabel
                for a in o["Attribute"]:
                    alabel = olabel + "/" + a["value"].split("-")[-1].split(".")[0]
                    cls.uuid_of[(label, alabel)] = a["uuid"]
                    cls.label_of[a["uuid"]] = alabel
            # A local tag on the a3 attribute, attached through the MISP tagging route.
            r = hub.post("/tags/attachTagToObject", {"uuid": cls.uuid_of[(label, "a3")], "tag": ATTR_LOCAL_TAG,
                                                     "local": 1}, key=cls.keys["a_user"])
            S.ok(r, "attach local attribute tag")
        cls.event_of_id = {str(ev["id"]): label for label, ev in cls.events.items()}

    @classmethod
    def tearDownClass(cls):
        cls.hub.close()

    # ---- helpers

    def viewers(self):
        return sorted(self.keys)

    def matrix_labels(self, events):
        """Labels of the matrix events in a list of events (write tests add events of their own: ignored)."""
        return sorted(self.event_of_id[str(e["id"])] for e in events if str(e["id"]) in self.event_of_id)

    def expected_labels(self, viewer, label):
        return EXPECT[self.viewer_class[viewer]][label]

    def labels_seen(self, ev):
        """The labels of everything in an Event dict: top-level attribute labels and "object/attr" labels."""
        out = set()
        for a in ev.get("Attribute") or []:
            out.add(self.label_of.get(a["uuid"], "?" + a["uuid"]))
        for o in ev.get("Object") or []:
            for a in o.get("Attribute") or []:
                out.add(self.label_of.get(a["uuid"], "?" + a["uuid"]))
        return out

    def objects_seen(self, ev):
        return {self.label_of.get(o["uuid"], "?" + o["uuid"]) for o in ev.get("Object") or []}

    def assert_event_content(self, viewer, label, ev, route):
        cls_ = self.viewer_class[viewer]
        want = self.expected_labels(viewer, label)
        self.assertEqual(self.labels_seen(ev), want, "%s sees wrong attributes of %s via %s" % (viewer, label, route))
        self.assertEqual(int(ev["attribute_count"]), len(want),
                         "%s: attribute_count of %s via %s counts what the viewer may not see" % (viewer, label, route))
        self.assertEqual(self.objects_seen(ev), EXPECT_OBJECTS[cls_].get(label, set()),
                         "%s sees wrong objects of %s via %s" % (viewer, label, route))
        want_tags = sorted([GLOBAL_TAG, LOCAL_TAG] if SEES_LOCAL_TAGS[cls_] else [GLOBAL_TAG])
        self.assertEqual(S.tag_names(ev), want_tags, "%s: event tags of %s via %s" % (viewer, label, route))
        for a in ev.get("Attribute") or []:
            if self.label_of.get(a["uuid"]) == "a3":
                want_a = sorted([ATTR_GLOBAL_TAG, ATTR_LOCAL_TAG] if SEES_LOCAL_TAGS[cls_] else [ATTR_GLOBAL_TAG])
                self.assertEqual(S.tag_names(a), want_a, "%s: a3 tags of %s via %s" % (viewer, label, route))

    def assert_no_local_tags(self, viewer, raw, route):
        if SEES_LOCAL_TAGS[self.viewer_class[viewer]]:
            return
        for t in LOCAL_TAGS:
            self.assertNotIn(t.encode(), raw, "%s was shown local tag %s via %s" % (viewer, t, route))

    def visible_events(self, viewer):
        return {label for label, want in EXPECT[self.viewer_class[viewer]].items() if want is not None}

    def visible_values(self, viewer):
        out = set()
        for label, want in EXPECT[self.viewer_class[viewer]].items():
            for alabel in want or ():
                out.add(value_of(label, alabel))
        return out

    # ---- read routes

    def test_events_view(self):
        for viewer in self.viewers():
            for label, ev in self.events.items():
                for ref in (ev["id"], ev["uuid"]):
                    with self.subTest(viewer=viewer, event=label, ref=ref):
                        status, got, raw = S.view(self.hub, self.keys[viewer], ref)
                        if self.expected_labels(viewer, label) is None:
                            self.assertEqual(status, 404, "%s must not see %s" % (viewer, label))
                            self.assertNotIn(b"matrix.test", raw)
                        else:
                            self.assertEqual(status, 200, "%s must see %s" % (viewer, label))
                            self.assert_event_content(viewer, label, got, "events/view")
                            self.assert_no_local_tags(viewer, raw, "events/view")

    def test_events_index(self):
        for viewer in self.viewers():
            with self.subTest(viewer=viewer):
                ids, raw = S.index_ids(self.hub, self.keys[viewer])
                self.assertEqual(self.matrix_labels({"id": i} for i in ids), sorted(self.visible_events(viewer)))
                self.assert_no_local_tags(viewer, raw, "events/index")

    def test_events_rest_search_all(self):
        for viewer in self.viewers():
            with self.subTest(viewer=viewer):
                evs, raw = S.rest_events(self.hub, self.keys[viewer], {})
                self.assertEqual(self.matrix_labels(evs), sorted(self.visible_events(viewer)))
                for e in evs:
                    if str(e["id"]) in self.event_of_id:
                        self.assert_event_content(viewer, self.event_of_id[str(e["id"])], e, "events/restSearch")
                self.assert_no_local_tags(viewer, raw, "events/restSearch")

    def test_events_rest_search_by_value(self):
        # An event comes back for a value only when the viewer may see an attribute with that value.
        all_labels = {(label, alabel) for label in self.events for alabel in EXPECT["admin"][label]}
        for viewer in self.viewers():
            for label, alabel in sorted(all_labels):
                value = value_of(label, alabel)
                with self.subTest(viewer=viewer, value=value):
                    evs, raw = S.rest_events(self.hub, self.keys[viewer], {"value": value})
                    want = self.expected_labels(viewer, label)
                    if want is not None and alabel in want:
                        self.assertEqual([self.event_of_id[str(e["id"])] for e in evs], [label])
                        self.assert_event_content(viewer, label, evs[0], "events/restSearch value")
                    else:
                        self.assertEqual(evs, [], "%s found %s by a value it may not see" % (viewer, label))
                        self.assertNotIn(value.encode(), raw)
                    self.assert_no_local_tags(viewer, raw, "events/restSearch value")

    def test_attributes_rest_search(self):
        for viewer in self.viewers():
            for body in ({"value": "%.matrix.test"}, {}):
                with self.subTest(viewer=viewer, body=body):
                    attrs, raw = S.rest_attributes(self.hub, self.keys[viewer], body)
                    values = [a["value"] for a in attrs]
                    self.assertEqual(len(values), len(set(values)), "duplicates")
                    self.assertEqual({v for v in values if v.endswith(".matrix.test")}, self.visible_values(viewer))
                    self.assert_no_local_tags(viewer, raw, "attributes/restSearch")
            # One exact value each: found exactly when visible.
            for label in self.events:
                for alabel in sorted(EXPECT["admin"][label]):
                    value = value_of(label, alabel)
                    with self.subTest(viewer=viewer, value=value):
                        attrs, _ = S.rest_attributes(self.hub, self.keys[viewer], {"value": value})
                        want = [value] if value in self.visible_values(viewer) else []
                        self.assertEqual([a["value"] for a in attrs], want)

    def test_native_search(self):
        for viewer in self.viewers():
            with self.subTest(viewer=viewer, route="attributes"):
                attrs, raw = S.native_search(self.hub, self.keys[viewer], "attributes", {"value": "%.matrix.test"})
                self.assertEqual(sorted(a["value"] for a in attrs), sorted(self.visible_values(viewer)))
                self.assert_no_local_tags(viewer, raw, "api/v1/search/attributes")
                attrs, _ = S.native_search(self.hub, self.keys[viewer], "attributes", {"limit": 3})
                self.assertEqual(sorted(a["value"] for a in attrs if a["value"].endswith(".matrix.test")),
                                 sorted(self.visible_values(viewer)),
                                 "paging through the cursor with limit 3")
            with self.subTest(viewer=viewer, route="events"):
                evs, raw = S.native_search(self.hub, self.keys[viewer], "events", {})
                self.assertEqual(self.matrix_labels(evs), sorted(self.visible_events(viewer)))
                for e in evs:
                    if str(e["id"]) in self.event_of_id:
                        self.assert_event_content(viewer, self.event_of_id[str(e["id"])], e, "api/v1/search/events")
                self.assert_no_local_tags(viewer, raw, "api/v1/search/events")
                value = value_of("E3", "o5/o5a4")
                evs, _ = S.native_search(self.hub, self.keys[viewer], "events", {"value": value})
                want = ["E3"] if value in self.visible_values(viewer) else []
                self.assertEqual([self.event_of_id[str(e["id"])] for e in evs], want)

    def test_attribute_view_follows_the_table(self):
        for viewer in self.viewers():
            for (label, alabel), uuid in sorted(self.uuid_of.items()):
                if alabel in OBJECTS.get(label, {}):
                    continue  # an object uuid
                with self.subTest(viewer=viewer, attribute=(label, alabel)):
                    r = self.hub.get("/attributes/view/%s" % uuid, key=self.keys[viewer])
                    want = self.expected_labels(viewer, label)
                    if want is not None and alabel in want:
                        self.assertEqual(r.status, 200, r)
                        self.assertEqual(r.json()["Attribute"]["value"], value_of(label, alabel))
                    else:
                        self.assertEqual(r.status, 404, r)

    # ---- write permissions

    def test_read_only_user_cannot_add_events(self):
        for viewer in ("a_ro", "b_ro", "c_ro"):
            with self.subTest(viewer=viewer):
                before = self.hub.change_count()
                r = self.hub.post("/events/add", S.event("ro attempt", 1), key=self.keys[viewer])
                self.assertEqual(r.status, 403, r)
                self.assertEqual(r.json()["error"]["code"], "forbidden")
                r = self.hub.post("/attributes/add/%s" % self.events["E1"]["id"],
                                  S.attribute("ro.matrix-write.test", 5), key=self.keys[viewer])
                self.assertIn(r.status, S.DENIED, r)
                self.assertEqual(self.hub.change_count(), before)

    def test_user_cannot_publish_but_publisher_can(self):
        ev = S.add_event(self.hub, self.keys["a_user"], S.event("publish me", 1))
        r = self.hub.post("/events/publish/%s" % ev["id"], {}, key=self.keys["a_user"])
        self.assertEqual(r.status, 403, r)
        _, got, _ = S.view(self.hub, self.keys["a_user"], ev["id"])
        self.assertFalse(got["published"])
        r = self.hub.post("/events/publish/%s" % ev["id"], {}, key=self.keys["a_pub"])
        self.assertEqual(r.status, 200, r)
        _, got, _ = S.view(self.hub, self.keys["a_user"], ev["id"])
        self.assertTrue(got["published"])
        # B's publisher cannot publish A's event.
        r = self.hub.post("/events/publish/%s" % ev["id"], {}, key=self.keys["b_pub"])
        self.assertIn(r.status, S.DENIED, r)

    def test_other_orgs_cannot_edit_or_delete(self):
        for viewer in ("b_user", "b_pub", "b_admin", "b_sync", "c_user", "c_admin", "h_user"):
            for label in ("E0", "E1", "E3", "E4"):
                ev = self.events[label]
                with self.subTest(viewer=viewer, event=label):
                    before = self.hub.change_count()
                    r = self.hub.post("/events/edit/%s" % ev["id"], {"Event": {"info": "hijacked"}},
                                      key=self.keys[viewer])
                    self.assertIn(r.status, S.DENIED, r)
                    if self.expected_labels(viewer, label) is None:
                        self.assertEqual(r.status, 404, "an invisible event must look absent: %r" % r)
                    r = self.hub.post("/attributes/add/%s" % ev["id"], S.attribute("x.matrix-write.test", 5),
                                      key=self.keys[viewer])
                    self.assertIn(r.status, S.DENIED, r)
                    r = self.hub.post("/attributes/edit/%s" % self.uuid_of[(label, "a3")], {"value": "y.test"},
                                      key=self.keys[viewer])
                    self.assertIn(r.status, S.DENIED, r)
                    r = self.hub.post("/events/delete/%s" % ev["id"], {}, key=self.keys[viewer])
                    self.assertIn(r.status, S.DENIED, r)
                    self.assertEqual(self.hub.change_count(), before)
        _, got, _ = S.view(self.hub, self.hub.admin_key, self.events["E3"]["id"])
        self.assertEqual(got["info"], "matrix E3")

    def test_local_tags_only_by_owner(self):
        # B may see E1 but cannot attach a local tag to it (MISP: only the event's org tags locally).
        r = self.hub.post("/tags/attachTagToObject", {"uuid": self.events["E1"]["uuid"], "tag": "matrix:b-local",
                                                      "local": 1}, key=self.keys["b_user"])
        self.assertEqual(r.status, 403, r)
        _, got, _ = S.view(self.hub, self.keys["a_user"], self.events["E1"]["id"])
        self.assertNotIn("matrix:b-local", S.tag_names(got))

    def test_org_admin_manages_own_org_only(self):
        r = self.hub.post("/admin/users/add", {"email": "new-a@matrix.test", "org_id": self.org_ids["A"],
                                               "role_id": "3"}, key=self.keys["a_admin"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(str(r.json()["User"]["org_id"]), self.org_ids["A"])
        before = self.hub.change_count()
        r = self.hub.post("/admin/users/add", {"email": "new-b@matrix.test", "org_id": self.org_ids["B"],
                                               "role_id": "3"}, key=self.keys["a_admin"])
        self.assertEqual(r.status, 403, r)
        # Nor may an org admin create a site admin in their own org.
        r = self.hub.post("/admin/users/add", {"email": "new-sa@matrix.test", "org_id": self.org_ids["A"],
                                               "role_id": "1"}, key=self.keys["a_admin"])
        self.assertEqual(r.status, 403, r)
        # Plain users manage nobody.
        r = self.hub.post("/admin/users/add", {"email": "new-u@matrix.test", "org_id": self.org_ids["A"],
                                               "role_id": "3"}, key=self.keys["a_user"])
        self.assertEqual(r.status, 403, r)
        self.assertEqual(self.hub.change_count(), before)
        # Editing: B's user is out of reach; A's own user cannot be made a site admin.
        r = self.hub.post("/admin/users/edit/%s" % self.user_ids["b_user"], {"role_id": "2"}, key=self.keys["a_admin"])
        self.assertIn(r.status, S.DENIED, r)
        r = self.hub.post("/admin/users/edit/%s" % self.user_ids["a_ro"], {"role_id": "1"}, key=self.keys["a_admin"])
        self.assertEqual(r.status, 403, r)
        r = self.hub.post("/admin/users/delete/%s" % self.user_ids["c_user"], {}, key=self.keys["a_admin"])
        self.assertIn(r.status, S.DENIED, r)
        self.assertEqual(self.hub.change_count(), before)
        me = S.ok(self.hub.get("/users/view/me", key=self.keys["a_ro"]), "a_ro me")
        self.assertEqual(str(me["User"]["role_id"]), "6")
        users = self.hub.get("/admin/users/index", key=self.keys["a_admin"])
        if users.status == 200:
            orgs = {str((u.get("User") or u)["org_id"]) for u in users.json()}
            self.assertEqual(orgs, {self.org_ids["A"]}, "an org admin lists only users of their own org")

    def test_edits_never_widen_what_was_not_changed(self):
        # MISP's events/edit updates an existing attribute with the fields given and keeps the others; an edit
        # that only changes a comment must not turn an org-only attribute (distribution 0) into a shared one.
        ev = S.add_event(self.hub, self.keys["a_user"], S.event("edit keeps distribution", 1, attributes=[
            S.attribute("keep-a0.matrix-write.test", 0, comment="orig"),
            S.attribute("keep-a4.matrix-write.test", 4, sg=self.sg, comment="orig")]))
        for a in ev["Attribute"]:
            r = self.hub.post("/events/edit/%s" % ev["id"], {"Event": {"Attribute": [
                {"uuid": a["uuid"], "type": "domain", "value": a["value"], "comment": "edited"}]}},
                key=self.keys["a_user"])
            self.assertEqual(r.status, 200, r)
        for viewer, want in (("b_user", ["keep-a4.matrix-write.test"]), ("c_user", []), ("h_user", [])):
            with self.subTest(viewer=viewer):
                _, got, _ = S.view(self.hub, self.keys[viewer], ev["id"])
                self.assertEqual(sorted(a["value"] for a in got["Attribute"]), want)
        _, got, _ = S.view(self.hub, self.keys["a_user"], ev["id"])
        self.assertEqual({a["value"]: (a["comment"], str(a["distribution"])) for a in got["Attribute"]},
                         {"keep-a0.matrix-write.test": ("edited", "0"), "keep-a4.matrix-write.test": ("edited", "4")})
        # The same through attributes/edit, which takes partial bodies too.
        r = self.hub.post("/attributes/edit/%s" % ev["Attribute"][0]["id"], {"comment": "edited twice"},
                          key=self.keys["a_user"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(str(r.json()["Attribute"]["distribution"]), "0")

    def test_object_edit_never_widens_its_attributes(self):
        ev = S.add_event(self.hub, self.keys["a_user"], S.event("object edit keeps distribution", 1, objects=[
            S.misp_object("domain-ip", 5, [S.attribute("okeep-a0.matrix-write.test", 0, relation="domain")])]))
        obj = ev["Object"][0]
        a = obj["Attribute"][0]
        r = self.hub.post("/objects/edit/%s" % obj["id"], {"Object": {"comment": "edited", "Attribute": [
            {"uuid": a["uuid"], "type": "domain", "value": a["value"], "object_relation": "domain",
             "comment": "edited"}]}}, key=self.keys["a_user"])
        self.assertEqual(r.status, 200, r)
        for viewer in ("b_user", "c_user"):
            with self.subTest(viewer=viewer):
                _, got, _ = S.view(self.hub, self.keys[viewer], ev["id"])
                self.assertEqual([x["value"] for o in got["Object"] for x in o["Attribute"]], [],
                                 "objects/edit without a distribution widened an org-only attribute")

    def test_sharing_group_visible_to_members_only(self):
        for viewer in self.viewers():
            with self.subTest(viewer=viewer):
                r = self.hub.get("/sharing_groups/view/%s" % self.sg, key=self.keys[viewer])
                member = self.viewer_class[viewer] in ("admin", "A", "B")
                self.assertEqual(r.status, 200 if member else 404, r)
                listed = S.ok(self.hub.get("/sharing_groups/index", key=self.keys[viewer]), "sg index")
                rows = listed.get("response", listed) if isinstance(listed, dict) else listed
                ids = {str((row.get("SharingGroup") or row)["id"]) for row in rows}
                self.assertEqual(self.sg in ids, member)

    def test_outsider_cannot_use_a_sharing_group_it_is_not_in(self):
        # C is not in AB: neither the event, an attribute nor an object of C's may point at AB.
        bodies = {
            "event": S.event("c uses AB", 4, sg=self.sg),
            "attribute": S.event("c uses AB", 1, attributes=[S.attribute("c-sg.matrix-write.test", 4, sg=self.sg)]),
            "object": S.event("c uses AB", 1, objects=[S.misp_object("domain-ip", 4, [
                S.attribute("c-sg-obj.matrix-write.test", 5, relation="domain")], sg=self.sg)]),
            "object attribute": S.event("c uses AB", 1, objects=[S.misp_object("domain-ip", 5, [
                S.attribute("c-sg-objattr.matrix-write.test", 4, sg=self.sg, relation="domain")])]),
        }
        for what, body in bodies.items():
            with self.subTest(what=what):
                before = self.hub.change_count()
                r = self.hub.post("/events/add", body, key=self.keys["c_user"])
                self.assertTrue(400 <= r.status < 500, "C referenced AB in an %s: %r" % (what, r))
                self.assertEqual(self.hub.change_count(), before)


if __name__ == "__main__":
    unittest.main()
