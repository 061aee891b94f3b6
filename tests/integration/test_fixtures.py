"""Every MISP event fixture (PyMISP's test events and the event MISP's own CI imports) goes in through
/events/add and comes back through /events/view/{uuid} with the same content: uuids, types, categories,
to_ids, comments, tag names and values (after the hub's documented normalisation, src/model/value.h) of every
attribute, object and object attribute. Fixtures that are not events, or that MISP itself rejects, are listed
below with the reason and must be refused with a 4xx, writing nothing.
"""
import base64
import datetime
import glob
import hashlib
import ipaddress
import json
import os
import unittest

import scenario as S
from harness import Hub, testdata

# Files that are not events: the hub must refuse them with a 4xx (they have no info, or are not objects).
NOT_EVENTS = {
    "galaxy.json": "a galaxy definition, not an event",
    "malware_exist.json": "a restSearch response ({\"response\": [...]})",
    "search_index_result.json": "an events/index result (a JSON list)",
    "sharing_groups.json": "a sharing_groups/index result (a JSON list)",
    "sighting.json": "a sighting",
    "simple.json": "an empty object: no info, which MISP requires",
}
# Events MISP rejects too (or, for MISP, would not store as given).
REJECTED = {
    "def_param.json": "Object uuid is the placeholder \"a\"; MISP validates object uuids",
    "event_obj_attr_tag.json": "Object uuid \"a\" and no info",
    "event_obj_def_param.json": "Object uuid \"a\" and no info",
    "event_obj_tag.json": "Object uuid \"a\" and no info",
    "misp_custom_obj.json": "Object uuid is the placeholder \"a\"",
    "japanese_test_heavy.json": "ten attributes share one uuid; MISP's attribute uuid is unique",
    "to_delete2.json": "an ssdeep value with CR LF inside the hash; MISP's ssdeep pattern rejects it",
}
CI_EVENT = "misp-ci-event.json"

HEX_TYPES = {"md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha512/224", "sha512/256", "sha3-224",
             "sha3-256", "sha3-384", "sha3-512", "imphash", "pehash", "tlsh", "authentihash", "vhash", "cdhash",
             "telfhash", "jarm-fingerprint", "x509-fingerprint-sha1", "x509-fingerprint-md5",
             "x509-fingerprint-sha256", "ja3-fingerprint-md5", "hassh-md5", "hasshserver-md5"}
DOMAIN_TYPES = {"domain", "hostname"}
IP_TYPES = {"ip-dst", "ip-src"}
INT_TYPES = {"port", "size-in-bytes", "counter", "integer", "AS"}
URL_TYPES = {"url", "link", "uri"}
UPPER_TYPES = {"vulnerability", "weakness"}
EMAIL_TYPES = {"email", "email-src", "email-dst", "target-email", "whois-registrant-email", "dns-soa-email"}


def _kind_normalise(type_, v):
    v = v.strip()
    if type_ in HEX_TYPES:
        return v.replace(":", "").lower() if type_.startswith("x509") else v.lower()
    if type_ in DOMAIN_TYPES:
        v = v.lower()
        return v[:-1] if v.endswith(".") else v
    if type_ in IP_TYPES:
        if "/" in v:
            addr, prefix = v.split("/", 1)
            ip = ipaddress.ip_address(addr)
            if int(prefix) == ip.max_prefixlen:
                return str(ip)
            return "%s/%d" % (ip, int(prefix))
        return str(ipaddress.ip_address(v))
    if type_ in INT_TYPES:
        return str(int(v[2:] if v.upper().startswith("AS") else v))
    if type_ in URL_TYPES and "://" in v:
        scheme, rest = v.split("://", 1)
        cut = min([i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0] or [len(rest)])
        return scheme.lower() + "://" + rest[:cut].lower() + rest[cut:]
    if type_ in UPPER_TYPES:
        return v.upper()
    if type_ in EMAIL_TYPES and "@" in v:
        local, domain = v.rsplit("@", 1)
        return local + "@" + domain.lower()
    if type_ == "datetime":
        return _instant(v)
    return v


def _instant(v):
    """A datetime value as a UTC instant string (the hub re-writes datetimes in MISP's normal form)."""
    s = v.strip().replace("Z", "+00:00")
    if len(s) >= 5 and s[-5] in "+-" and s[-3] != ":":
        s = s[:-2] + ":" + s[-2:]
    try:
        d = datetime.datetime.fromisoformat(s)
    except ValueError:
        return v
    if d.tzinfo is None:
        d = d.replace(tzinfo=datetime.timezone.utc)
    return d.astimezone(datetime.timezone.utc).isoformat()


def normalise(type_, value):
    """The value a fixture attribute must come back with, following src/model/value.h."""
    if type_ == "malware-sample" or ("|" in type_ and "|" in value):
        left, right = (value.split("|", 1) + [""])[:2]
        t1, t2 = type_.split("|", 1) if "|" in type_ else ("filename", "md5")
        return _kind_normalise(t1, left) + "|" + _kind_normalise(t2, right)
    return _kind_normalise(type_, value)


def as_bool(v):
    if isinstance(v, str):
        return v.strip().lower() in ("1", "true")
    return bool(v)


def expected_tags(entity):
    """Tag names an event or attribute must show: Tag[] plus Galaxy[].GalaxyCluster[] tag names (MISP attaches
    galaxy clusters as tags; src/misp/misp_json.h documents the same rule), deduplicated."""
    names = {t["name"] if isinstance(t, dict) else t for t in entity.get("Tag") or []}
    for g in entity.get("Galaxy") or []:
        for c in g.get("GalaxyCluster") or []:
            name = c.get("tag_name") or ('misp-galaxy:%s="%s"' % (c["type"], c["value"]) if c.get("type") and
                                        c.get("value") else None)
            if name:
                names.add(name)
    return sorted(names)


def fixture_files():
    root = testdata("misp", "events")
    if root is None:
        return None
    files = sorted(glob.glob(os.path.join(root, "pymisp", "*.json")))
    ci = os.path.join(root, CI_EVENT)
    if os.path.exists(ci):
        files.append(ci)
    return files


def event_of(doc):
    """The Event object of a fixture, or None when it is not an event document."""
    if not isinstance(doc, dict):
        return None
    return doc["Event"] if isinstance(doc.get("Event"), dict) else doc


def all_uuids(ev):
    out = set()
    if ev.get("uuid"):
        out.add(ev["uuid"].lower())
    for a in ev.get("Attribute") or []:
        out.add((a.get("uuid") or "").lower())
    for o in ev.get("Object") or []:
        out.add((o.get("uuid") or "").lower())
        for a in o.get("Attribute") or []:
            out.add((a.get("uuid") or "").lower())
    out.discard("")
    return out


class FixturesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.files = fixture_files()
        cls.hubs = []
        cls.hubs_used = []
        dt = testdata("misp", "describeTypes.json")
        cls.describe = None
        if dt:
            with open(dt) as fh:
                cls.describe = json.load(fh)["result"]

    @classmethod
    def tearDownClass(cls):
        for h in cls.hubs:
            h.close()

    def hub_for(self, uuids):
        """A hub where none of these uuids exist yet (fixtures reuse uuids: existing_event / _edited)."""
        for h, used in self.hubs_used:
            if not (used & uuids):
                used |= uuids
                return h
        h = Hub()
        self.hubs.append(h)
        self.hubs_used.append((h, set(uuids)))
        return h

    def setUp(self):
        if self.files is None:
            self.skipTest("MISP event fixtures not found under %s (set BULWARK_TESTDATA)" % os.path.join(
                os.environ.get("BULWARK_TESTDATA", "../shared/data"), "misp", "events"))

    def test_lists_cover_the_fixture_directory(self):
        names = {os.path.basename(f) for f in self.files}
        for listed in list(NOT_EVENTS) + list(REJECTED):
            self.assertIn(listed, names, "the fixture %s listed in this test is missing" % listed)
        self.assertIn(CI_EVENT, names)
        self.assertGreaterEqual(len(names), 30)

    def test_non_events_and_misp_rejected_fixtures_are_refused(self):
        for f in self.files:
            name = os.path.basename(f)
            if name not in NOT_EVENTS and name not in REJECTED:
                continue
            with self.subTest(fixture=name, reason=NOT_EVENTS.get(name) or REJECTED.get(name)):
                hub = self.hub_for(set())
                before = hub.change_count()
                with open(f, "rb") as fh:
                    raw = fh.read()
                r = hub.request("POST", "/events/add", raw=raw, headers={"Content-Type": "application/json"})
                self.assertTrue(400 <= r.status < 500, r)
                self.assertIn("error", r.json())
                self.assertEqual(hub.change_count(), before, "a refused fixture wrote something")

    def test_events_round_trip(self):
        done = 0
        for f in self.files:
            name = os.path.basename(f)
            if name in NOT_EVENTS or name in REJECTED:
                continue
            with self.subTest(fixture=name):
                with open(f, "rb") as fh:
                    raw = fh.read()
                src = event_of(json.loads(raw))
                hub = self.hub_for(all_uuids(src))
                r = hub.request("POST", "/events/add", raw=raw, headers={"Content-Type": "application/json"})
                self.assertEqual(r.status, 200, r)
                added = r.json()["Event"]
                ref = src.get("uuid") or added["uuid"]
                status, got, _ = S.view(hub, hub.admin_key, ref + "?deleted=1")
                self.assertEqual(status, 200)
                self.compare_event(src, got)
                done += 1
        self.assertGreater(done, 20)
        # 1,100+ attributes are compared one by one; fewer means fixtures were silently skipped.
        self.assertGreater(self.compared, 1000)

    # ---- comparison

    def compare_event(self, src, got):
        if src.get("uuid"):
            self.assertEqual(got["uuid"], src["uuid"].lower())
        self.assertEqual(got["info"], src["info"])
        for key in ("threat_level_id", "analysis", "date"):
            if src.get(key) not in (None, ""):
                self.assertEqual(str(got[key]), str(src[key]), key)
        self.assertEqual(S.tag_names(got), expected_tags(src), "event tags")
        self.compare_attributes(src.get("Attribute") or [], got.get("Attribute") or [], "Attribute")
        src_objs, got_objs = src.get("Object") or [], got.get("Object") or []
        self.assertEqual(len(got_objs), len(src_objs), "object count")
        got_by_uuid = {o["uuid"]: o for o in got_objs}
        for i, so in enumerate(src_objs):
            go = got_by_uuid.get(so["uuid"].lower()) if so.get("uuid") else got_objs[i]
            self.assertIsNotNone(go, "object %s missing" % so.get("uuid"))
            self.assertEqual(go["name"], so["name"])
            for key in ("meta-category", "template_uuid", "comment"):
                if so.get(key) not in (None, ""):
                    self.assertEqual(go[key], so[key], "Object %s %s" % (so.get("uuid"), key))
            self.compare_attributes(so.get("Attribute") or [], go.get("Attribute") or [], "Object %s" % so.get("uuid"))
            for ref in so.get("ObjectReference") or []:
                refs = {(r["referenced_uuid"], r["relationship_type"]) for r in go.get("ObjectReference") or []}
                self.assertIn((ref["referenced_uuid"].lower(), ref["relationship_type"]), refs)

    compared = 0

    def compare_attributes(self, src_attrs, got_attrs, where):
        type(self).compared += len(src_attrs)
        self.assertEqual(len(got_attrs), len(src_attrs), "%s: attribute count" % where)
        got_by_uuid = {a["uuid"]: a for a in got_attrs}
        for i, sa in enumerate(src_attrs):
            ga = got_by_uuid.get(sa["uuid"].lower()) if sa.get("uuid") else got_attrs[i]
            ctx = "%s attribute %s (%s)" % (where, sa.get("uuid") or i, sa["type"])
            self.assertIsNotNone(ga, ctx + " missing")
            self.assertEqual(ga["type"], sa["type"], ctx)
            got_value = _instant(ga["value"]) if sa["type"] == "datetime" else ga["value"]
            self.assertEqual(got_value, self.expected_value(sa), ctx + " value")
            defaults = (self.describe or {}).get("sane_defaults", {}).get(sa["type"], {})
            category = sa.get("category") or defaults.get("default_category")
            if category:
                self.assertEqual(ga["category"], category, ctx + " category")
            if "to_ids" in sa:
                self.assertEqual(as_bool(ga["to_ids"]), as_bool(sa["to_ids"]), ctx + " to_ids")
            elif "to_ids" in defaults:
                self.assertEqual(as_bool(ga["to_ids"]), as_bool(defaults["to_ids"]), ctx + " default to_ids")
            self.assertEqual(ga.get("comment") or "", sa.get("comment") or "", ctx + " comment")
            if "deleted" in sa:
                self.assertEqual(as_bool(ga["deleted"]), as_bool(sa["deleted"]), ctx + " deleted")
            if sa.get("object_relation"):
                self.assertEqual(ga["object_relation"], sa["object_relation"], ctx)
            self.assertEqual(S.tag_names(ga), expected_tags(sa), ctx + " tags")

    def expected_value(self, sa):
        value = sa["value"]
        if sa["type"] == "malware-sample" and "|" not in value and sa.get("data"):
            # PyMISP's upload form: MISP names the sample filename|md5 of the uploaded data.
            value = value + "|" + hashlib.md5(base64.b64decode(sa["data"])).hexdigest()
        return normalise(sa["type"], value)


if __name__ == "__main__":
    unittest.main()
