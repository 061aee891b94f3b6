"""A randomised access-control test: random organisations, sharing groups, users and events with random
distribution levels, then every user reads everything through every read route, and what comes back is
compared with a Python re-implementation of MISP's visibility rules (reference/misp.md §1.9, the header of
src/access/access.h). Nothing the model denies may be returned; for events the model allows, the whole
visible content must be returned. A second class builds the same world, then makes random changes through
the write routes (distribution edits, sharing-group membership, new and soft-deleted attributes) and checks
again; paging (limit + page) is checked to apply after the access filter.

Seed: env BULWARK_RANDOM_SEED (printed). Sizes: BULWARK_RANDOM_EVENTS (default 60), BULWARK_RANDOM_MAX_ATTRS
(default 7 per event), BULWARK_RANDOM_VALUE_PROBES (default 12 value searches per user),
BULWARK_RANDOM_CHANGES (default 40 changes in the second class).
"""
import random
import sys
import unittest

import scenario as S
from harness import Hub

SEED = S.env_int("BULWARK_RANDOM_SEED", 20261128)
N_EVENTS = S.env_int("BULWARK_RANDOM_EVENTS", 60)
MAX_ATTRS = S.env_int("BULWARK_RANDOM_MAX_ATTRS", 7)
VALUE_PROBES = S.env_int("BULWARK_RANDOM_VALUE_PROBES", 12)

ADD_ROLES = (2, 3, 4, 5)       # roles with perm_add
ALL_ROLES = (2, 3, 4, 5, 6)    # every non-site-admin role
SHARED_VALUES = ["shared-%d.random.test" % i for i in range(5)]


# ---- The model: MISP's decision function, re-implemented from the rules (not from the hub's code)

class Model:
    """What exists, with enough to decide visibility: orgs, sharing-group members, events with children."""

    def __init__(self):
        self.sg_members = {}   # sg id (str) -> set of org ids (str)
        self.events = {}       # event id (str) -> dict(org, dist, sg, attrs: [..], objects: [..], tags: [..])

    def in_sg(self, user, sg):
        return user["org"] in self.sg_members.get(sg, set())

    def can_see_event(self, user, ev):
        if user["site_admin"] or user["org"] == ev["org"]:
            return True
        if ev["dist"] in (1, 2, 3):
            return True
        return ev["dist"] == 4 and self.in_sg(user, ev["sg"])

    def child_visible(self, user, dist, sg):
        if dist in (1, 2, 3, 5):
            return True
        return dist == 4 and self.in_sg(user, sg)

    def can_see_child(self, user, ev, child, parent=None):
        """Object (parent None) or attribute (parent: its object or None) of a visible event."""
        if user["site_admin"] or user["org"] == ev["org"]:
            return True
        if parent is not None and not self.child_visible(user, parent["dist"], parent["sg"]):
            return False
        return self.child_visible(user, child["dist"], child["sg"])

    def can_see_tag(self, user, ev, local):
        return not local or user["site_admin"] or user["org"] == ev["org"]

    def expected_view(self, user, ev):
        """(top-level attribute uuids, {object uuid: attribute uuids}, event tag names) the user must see."""
        attrs = {a["uuid"] for a in ev["attrs"] if not a.get("deleted") and self.can_see_child(user, ev, a)}
        objs = {}
        for o in ev["objects"]:
            if self.can_see_child(user, ev, o):
                objs[o["uuid"]] = {a["uuid"] for a in o["attrs"]
                                   if not a.get("deleted") and self.can_see_child(user, ev, a, o)}
        tags = sorted(name for name, local in ev["tags"] if self.can_see_tag(user, ev, local))
        return attrs, objs, tags

    def visible_attributes(self, user):
        """uuid -> value of every attribute the user may see, object attributes included."""
        out = {}
        for ev in self.events.values():
            if not self.can_see_event(user, ev):
                continue
            attrs, objs, _ = self.expected_view(user, ev)
            for a in ev["attrs"]:
                if a["uuid"] in attrs:
                    out[a["uuid"]] = a["value"]
            for o in ev["objects"]:
                for a in o["attrs"]:
                    if a["uuid"] in objs.get(o["uuid"], ()):
                        out[a["uuid"]] = a["value"]
        return out


def got_view(ev):
    attrs = {a["uuid"] for a in ev.get("Attribute") or []}
    objs = {o["uuid"]: {a["uuid"] for a in o.get("Attribute") or []} for o in ev.get("Object") or []}
    return attrs, objs, S.tag_names(ev)


class RandomAccessTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        print("\nBULWARK_RANDOM_SEED=%d (events=%d)" % (SEED, N_EVENTS), file=sys.stderr)
        cls.rng = random.Random(SEED)
        cls.hub = Hub()
        try:
            cls._build()
        except Exception:
            cls.hub.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.hub.close()

    @classmethod
    def _build(cls):
        rng, hub = cls.rng, cls.hub
        cls.model = m = Model()
        cls.sg_creator = {}
        me = S.ok(hub.get("/users/view/me"), "me")
        host = str(me["User"]["org_id"])
        cls.users = [{"name": "admin", "org": host, "site_admin": True, "role": 1, "key": hub.admin_key}]
        orgs = [str(hub.add_org("Random org %d" % i)["id"]) for i in range(rng.randint(4, 6))]
        # Each org: one org admin (creates sharing groups), one plain user (creates events), 0-2 random others.
        n = 0
        org_admin_key, adders = {}, {o: [] for o in orgs}
        for org in orgs:
            roles = [2, 3] + [rng.choice(ALL_ROLES) for _ in range(rng.randint(0, 2))]
            for role in roles:
                n += 1
                _, key = S.add_user(hub, "u%d@random.test" % n, org, role)
                u = {"name": "u%d(org %s, role %d)" % (n, org, role), "org": org, "site_admin": False, "role": role,
                     "key": key}
                cls.users.append(u)
                if role == 2 and org not in org_admin_key:
                    org_admin_key[org] = key
                if role in ADD_ROLES:
                    adders[org].append(u)
        _, key = S.add_user(hub, "host-user@random.test", host, 3)
        cls.users.append({"name": "host user", "org": host, "site_admin": False, "role": 3, "key": key})
        # Sharing groups: a random creator org and random members.
        for i in range(rng.randint(2, 4)):
            creator = rng.choice(orgs)
            members = set(rng.sample(orgs, rng.randint(0, len(orgs) - 1))) - {creator}
            sg = S.add_sharing_group(hub, org_admin_key[creator], "random sg %d" % i, sorted(members))
            m.sg_members[sg] = members | {creator}
            cls.sg_creator[sg] = creator
        cls.values = set()
        cls.orgs, cls.org_admin_key, cls.adders = orgs, org_admin_key, adders
        pick_dist, new_value = cls.pick_dist, cls.new_value

        tag_pool = ["random:t%d" % i for i in range(4)]
        for i in range(N_EVENTS):
            org = rng.choice(orgs)
            user = rng.choice(adders[org])
            dist, sg = pick_dist(org, False)
            attrs_m, attrs = [], []
            for _ in range(rng.randint(0, MAX_ATTRS)):
                d, s = pick_dist(org, True)
                v = new_value()
                attrs.append(S.attribute(v, d, sg=s))
                attrs_m.append({"dist": d, "sg": s, "value": v})
            objs_m, objs = [], []
            for _ in range(rng.randint(0, 2)):
                od, osg = pick_dist(org, True)
                oattrs_m, oattrs = [], []
                for _ in range(rng.randint(1, 3)):
                    d, s = pick_dist(org, True)
                    v = new_value()
                    oattrs.append(S.attribute(v, d, sg=s, relation="domain"))
                    oattrs_m.append({"dist": d, "sg": s, "value": v})
                objs.append(S.misp_object("domain-ip", od, oattrs, sg=osg))
                objs_m.append({"dist": od, "sg": osg, "attrs": oattrs_m})
            tags = [(t, rng.random() < 0.4) for t in rng.sample(tag_pool, rng.randint(0, 3))]
            body = S.event("random event %d" % i, dist, sg=sg, attributes=attrs, objects=objs,
                           tags=[{"name": t, "local": 1 if local else 0} for t, local in tags])
            ev = S.add_event(hub, user["key"], body)
            # Match what came back to the model by value order (the reply keeps the input order).
            for a, am in zip(ev.get("Attribute") or [], attrs_m):
                assert a["value"] == am["value"], (a, am)
                am["uuid"], am["id"] = a["uuid"], str(a["id"])
            for o, om in zip(ev.get("Object") or [], objs_m):
                om["uuid"], om["id"] = o["uuid"], str(o["id"])
                for a, am in zip(o["Attribute"], om["attrs"]):
                    assert a["value"] == am["value"], (a, am)
                    am["uuid"], am["id"] = a["uuid"], str(a["id"])
            assert len(ev.get("Attribute") or []) == len(attrs_m) and len(ev.get("Object") or []) == len(objs_m)
            m.events[str(ev["id"])] = {"org": org, "dist": dist, "sg": sg, "attrs": attrs_m, "objects": objs_m,
                                       "tags": tags, "uuid": ev["uuid"], "info": "random event %d" % i}

    @classmethod
    def pick_dist(cls, org, allow_inherit):
        """A random distribution level (and sharing group for 4) that `org` may use."""
        sgs = sorted(sg for sg, mem in cls.model.sg_members.items() if org in mem)
        levels = [0, 1, 2, 3] + ([4] if sgs else []) + ([5] if allow_inherit else [])
        d = cls.rng.choice(levels)
        return d, (cls.rng.choice(sgs) if d == 4 else None)

    @classmethod
    def new_value(cls):
        if cls.rng.random() < 0.2:
            return cls.rng.choice(SHARED_VALUES)
        v = "r%d.random.test" % len(cls.values)
        cls.values.add(v)
        return v

    # ---- checks

    def check_event(self, user, ev_json, route, must_be_whole=True):
        """An event returned to `user`: the model must allow it, and its content must be exactly the visible part
        (or, when must_be_whole is False, nothing more than the visible part)."""
        eid = str(ev_json["id"])
        ev = self.model.events.get(eid)
        self.assertIsNotNone(ev, "%s got an unknown event %s via %s" % (user["name"], eid, route))
        self.assertTrue(self.model.can_see_event(user, ev), "%s got event %s via %s: the model denies it (%r)"
                        % (user["name"], eid, route, {k: ev[k] for k in ("org", "dist", "sg")}))
        want_attrs, want_objs, want_tags = self.model.expected_view(user, ev)
        got_attrs, got_objs, got_tags = got_view(ev_json)
        leaked = got_attrs - want_attrs
        self.assertFalse(leaked, "%s got hidden attributes of event %s via %s" % (user["name"], eid, route))
        self.assertFalse(set(got_objs) - set(want_objs),
                         "%s got hidden objects of %s via %s" % (user["name"], eid, route))
        for ouuid, attrs in got_objs.items():
            self.assertFalse(attrs - want_objs.get(ouuid, set()),
                             "%s got hidden object attributes of %s via %s" % (user["name"], eid, route))
        self.assertFalse(set(got_tags) - set(want_tags), "%s got hidden tags of %s via %s" % (user["name"], eid, route))
        if must_be_whole:
            self.assertEqual(got_attrs, want_attrs, "%s: attributes of %s via %s" % (user["name"], eid, route))
            self.assertEqual(got_objs, want_objs, "%s: objects of %s via %s" % (user["name"], eid, route))
            self.assertEqual(got_tags, want_tags, "%s: tags of %s via %s" % (user["name"], eid, route))

    def visible_event_ids(self, user):
        return {eid for eid, ev in self.model.events.items() if self.model.can_see_event(user, ev)}

    def test_events_view(self):
        for user in self.users:
            for eid, ev in self.model.events.items():
                with self.subTest(user=user["name"], event=eid):
                    status, got, _ = S.view(self.hub, user["key"], ev["uuid"] if int(eid) % 2 else eid)
                    if self.model.can_see_event(user, ev):
                        self.assertEqual(status, 200)
                        self.check_event(user, got, "events/view")
                    else:
                        self.assertEqual(status, 404, "%s may not see event %s" % (user["name"], eid))

    def test_events_index(self):
        for user in self.users:
            with self.subTest(user=user["name"]):
                ids, _ = S.index_ids(self.hub, user["key"])
                denied = set(ids) - self.visible_event_ids(user)
                self.assertFalse(denied, "events/index leaks %s to %s" % (sorted(denied), user["name"]))
                self.assertEqual(sorted(ids, key=int), sorted(self.visible_event_ids(user), key=int))

    def test_events_rest_search(self):
        rng = random.Random(SEED + 1)
        probe_values = SHARED_VALUES + sorted(self.values)
        for user in self.users:
            with self.subTest(user=user["name"], body={}):
                evs, _ = S.rest_events(self.hub, user["key"], {})
                for e in evs:
                    self.check_event(user, e, "events/restSearch")
                self.assertEqual(sorted(str(e["id"]) for e in evs), sorted(self.visible_event_ids(user)))
            visible_values = set(self.model.visible_attributes(user).values())
            for value in rng.sample(probe_values, min(VALUE_PROBES, len(probe_values))):
                with self.subTest(user=user["name"], value=value):
                    evs, _ = S.rest_events(self.hub, user["key"], {"value": value})
                    for e in evs:
                        self.check_event(user, e, "events/restSearch value")
                        self.assertIn(value, S.all_values(e), "an event came back for a value it does not show")
                    want = {eid for eid in self.visible_event_ids(user)
                            if value in self.visible_values_of(user, eid)}
                    self.assertEqual({str(e["id"]) for e in evs}, want)
                    if value not in visible_values:
                        self.assertEqual(evs, [])

    def visible_values_of(self, user, eid):
        ev = self.model.events[eid]
        attrs, objs, _ = self.model.expected_view(user, ev)
        out = {a["value"] for a in ev["attrs"] if a["uuid"] in attrs}
        for o in ev["objects"]:
            out |= {a["value"] for a in o["attrs"] if a["uuid"] in objs.get(o["uuid"], ())}
        return out

    def check_attribute_list(self, user, attrs, route):
        allowed = self.model.visible_attributes(user)
        got = {a["uuid"]: a["value"] for a in attrs}
        self.assertEqual(len(got), len(attrs), "duplicate attributes via %s" % route)
        leaked = set(got) - set(allowed)
        self.assertFalse(leaked, "%s got %d attributes the model denies via %s: %s"
                         % (user["name"], len(leaked), route, sorted(got[u] for u in leaked)[:10]))
        self.assertEqual(got, allowed, "%s: %s misses visible attributes" % (user["name"], route))

    def test_attributes_rest_search(self):
        for user in self.users:
            with self.subTest(user=user["name"]):
                attrs, _ = S.rest_attributes(self.hub, user["key"], {})
                self.check_attribute_list(user, attrs, "attributes/restSearch")
                attrs, _ = S.rest_attributes(self.hub, user["key"], {"value": "%.random.test"})
                self.check_attribute_list(user, attrs, "attributes/restSearch value")
                attrs, _ = S.rest_attributes(self.hub, user["key"], {"value": SHARED_VALUES[0]})
                want = {u for u, v in self.model.visible_attributes(user).items() if v == SHARED_VALUES[0]}
                self.assertEqual({a["uuid"] for a in attrs}, want)

    def test_native_search(self):
        for user in self.users:
            with self.subTest(user=user["name"], route="attributes"):
                attrs, _ = S.native_search(self.hub, user["key"], "attributes", {"limit": 25})
                self.check_attribute_list(user, attrs, "api/v1/search/attributes")
            with self.subTest(user=user["name"], route="events"):
                evs, _ = S.native_search(self.hub, user["key"], "events", {"limit": 7})
                for e in evs:
                    self.check_event(user, e, "api/v1/search/events")
                self.assertEqual(sorted(str(e["id"]) for e in evs), sorted(self.visible_event_ids(user)))

    def test_paging_applies_after_the_access_filter(self):
        # MISP paging (limit + page) over what the user may see: pages concatenate to the whole visible set.
        for user in self.users:
            with self.subTest(user=user["name"], route="events/restSearch"):
                seen = []
                for page in range(1, 200):
                    evs, _ = S.rest_events(self.hub, user["key"], {"limit": 4, "page": page})
                    for e in evs:
                        self.check_event(user, e, "events/restSearch page %d" % page)
                    seen += [str(e["id"]) for e in evs]
                    if len(evs) < 4:
                        break
                self.assertEqual(sorted(seen, key=int), sorted(self.visible_event_ids(user), key=int))
            with self.subTest(user=user["name"], route="attributes/restSearch"):
                seen = []
                for page in range(1, 500):
                    attrs, _ = S.rest_attributes(self.hub, user["key"], {"limit": 10, "page": page})
                    seen += attrs
                    if len(attrs) < 10:
                        break
                self.check_attribute_list(user, seen, "attributes/restSearch pages")
            with self.subTest(user=user["name"], route="events/index"):
                seen = []
                for page in range(1, 200):
                    r = self.hub.get("/events/index?limit=5&page=%d" % page, key=user["key"])
                    ids = [str(e["id"]) for e in S.ok(r, "events/index page")]
                    seen += ids
                    if len(ids) < 5:
                        break
                self.assertEqual(sorted(seen, key=int), sorted(self.visible_event_ids(user), key=int))


class RandomAccessAfterChangesTest(RandomAccessTest):
    """The same world, then random changes through the write routes (event and attribute distribution edits,
    object distribution edits, sharing-group membership changes, new and soft-deleted attributes), then the
    same checks: visibility must follow every change at once."""

    @classmethod
    def _build(cls):
        super()._build()
        rng = random.Random(SEED + 2)
        hub, m = cls.hub, cls.model
        n_changes = S.env_int("BULWARK_RANDOM_CHANGES", 40)
        log = []
        for step in range(n_changes):
            eid = rng.choice(sorted(m.events, key=int))
            ev = m.events[eid]
            key = rng.choice(cls.adders[ev["org"]])["key"]
            kind = rng.choice(["event", "attribute", "object", "sg", "add", "delete"])
            if kind == "event":
                d, sg = cls.pick_dist(ev["org"], False)
                S.ok(hub.post("/events/edit/%s" % eid, {"Event": {"distribution": str(d),
                                                                  "sharing_group_id": str(sg or 0)}}, key=key), kind)
                ev["dist"], ev["sg"] = d, sg
            elif kind == "attribute":
                pool = ev["attrs"] + [a for o in ev["objects"] for a in o["attrs"]]
                pool = [a for a in pool if not a.get("deleted")]
                if not pool:
                    continue
                a = rng.choice(pool)
                d, sg = cls.pick_dist(ev["org"], True)
                body = {"distribution": str(d)}
                if d == 4:
                    body["sharing_group_id"] = sg
                S.ok(hub.post("/attributes/edit/%s" % a["id"], body, key=key), kind)
                a["dist"], a["sg"] = d, sg
            elif kind == "object":
                if not ev["objects"]:
                    continue
                o = rng.choice(ev["objects"])
                d, sg = cls.pick_dist(ev["org"], True)
                body = {"Object": {"distribution": str(d), "sharing_group_id": str(sg or 0)}}
                S.ok(hub.post("/objects/edit/%s" % o["id"], body, key=key), kind)
                o["dist"], o["sg"] = d, sg
            elif kind == "sg":
                sg = rng.choice(sorted(m.sg_members))
                creator = cls.sg_creator[sg]
                org = rng.choice([o for o in cls.orgs if o != creator])
                if org in m.sg_members[sg]:
                    S.ok(hub.post("/sharing_groups/removeOrg/%s/%s" % (sg, org), {},
                                  key=cls.org_admin_key[creator]), "remove org")
                    m.sg_members[sg].discard(org)
                else:
                    S.ok(hub.post("/sharing_groups/addOrg/%s/%s" % (sg, org), {},
                                  key=cls.org_admin_key[creator]), "add org")
                    m.sg_members[sg].add(org)
            elif kind == "add":
                d, sg = cls.pick_dist(ev["org"], True)
                v = cls.new_value()
                out = S.ok(hub.post("/attributes/add/%s" % eid, S.attribute(v, d, sg=sg), key=key), kind)
                a = out["Attribute"]
                ev["attrs"].append({"dist": d, "sg": sg, "value": v, "uuid": a["uuid"], "id": str(a["id"])})
            else:
                pool = [a for a in ev["attrs"] if not a.get("deleted")]
                if not pool:
                    continue
                a = rng.choice(pool)
                S.ok(hub.post("/attributes/delete/%s" % a["id"], {}, key=key), kind)
                a["deleted"] = True
            log.append((step, kind, eid))
        cls.change_log = log


if __name__ == "__main__":
    unittest.main()
