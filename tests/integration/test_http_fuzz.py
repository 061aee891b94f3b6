"""Randomised hostile requests over HTTP, on every route family (MISP-compatible, native, TAXII, sensor).

Valid request bodies are mutated at random (values replaced by other JSON types, huge or negative numbers, long
or odd strings, deep nesting; keys dropped or added; the root swapped for another type), ids in paths are
replaced by junk, query strings get junk parameters. For every answer:

  - never a 5xx: a server error on bad input is a bug;
  - an error answer (4xx) is JSON with a message (TAXII routes: the TAXII error object with a title);
  - a refused request writes nothing: the change log does not move (checked after every 4xx);
  - after the run the hub still answers, restarts on its data, and every event it lists can be viewed.

The seed and the number of requests come from BULWARK_FUZZ_SEED (default 8) and BULWARK_FUZZ_REQUESTS (default
700, about 15 s); a failure prints the seed and the request so it can be replayed.
"""
import json
import os
import random
import unittest
import uuid as uuidlib

from harness import Hub

SEED = int(os.environ.get("BULWARK_FUZZ_SEED", "8"))
REQUESTS = int(os.environ.get("BULWARK_FUZZ_REQUESTS", "700"))
TAXII = "application/taxii+json;version=2.1"

HUB = None
F = {}  # fixture ids


def setUpModule():
    global HUB
    HUB = Hub()
    ev = HUB.post("/events/add", {"Event": {"info": "fuzz fixture", "distribution": 1, "Attribute": [
        {"type": "ip-dst", "value": "198.51.100.%d" % i} for i in range(1, 6)]}}).json()["Event"]
    F["event"], F["event_uuid"] = ev["id"], ev["uuid"]
    F["attr"], F["attr_uuid"] = ev["Attribute"][0]["id"], ev["Attribute"][0]["uuid"]
    obj = HUB.post("/objects/add/" + ev["id"], {"Object": {"name": "domain-ip", "Attribute": [
        {"object_relation": "domain", "type": "domain", "value": "fuzz.example"}]}})
    assert obj.status == 200, obj
    F["object"] = obj.json()["Object"]["id"]
    F["tag"] = HUB.post("/tags/add", {"name": "fuzz:fixture"}).json()["Tag"]["id"]
    org = HUB.add_org("Fuzz Partner")
    F["org"] = org["id"]
    user, _ = HUB.add_user("fuzz@partner.test", org["id"])
    F["user"] = user["id"]
    F["sg"] = HUB.post("/sharing_groups/add", {"name": "fuzz sg"}).json()["SharingGroup"]["id"]
    out = HUB.cli("taxii", "collection", "add", "--title", "fuzz", "--read-orgs", "all", "--write-orgs", "1")
    F["collection"] = out.stdout.split("\t")[0]


def tearDownModule():
    if HUB:
        HUB.close()


def attribute(rng):
    return rng.choice([{"type": "ip-dst", "value": "203.0.113.%d" % rng.randrange(256)},
                       {"type": "domain", "value": "f%d.example.org" % rng.randrange(10**6)},
                       {"type": "url", "value": "https://f%d.example.org/a?b=c" % rng.randrange(10**6)},
                       {"type": "md5", "value": "%032x" % rng.getrandbits(128), "category": "Payload delivery"},
                       {"type": "malware-sample", "value": "s.exe", "data": "TVqQAAMAAAAEAAAA"},
                       {"type": "text", "value": "free text", "comment": "c", "to_ids": False}])


def indicator(rng):
    n = rng.randrange(10**9)
    return {"type": "indicator", "spec_version": "2.1", "id": "indicator--%s" % uuidlib.UUID(int=n + (4 << 76)),
            "created": "2024-05-01T12:00:00.000Z", "modified": "2024-05-01T12:00:00.000Z",
            "pattern": "[ipv4-addr:value = '10.0.0.%d']" % (n % 256), "pattern_type": "stix",
            "valid_from": "2024-05-01T12:00:00Z"}


def seeds(rng):
    """(method, path, body or None, family) of valid requests; family 'taxii' answers in TAXII's error format."""
    f = F
    e, a, o, t, org, user, sg = f["event"], f["attr"], f["object"], f["tag"], f["org"], f["user"], f["sg"]
    coll = "/taxii2/root/collections/%s" % f["collection"]
    return [
        ("POST", "/events/add", {"Event": {"info": "fuzz", "distribution": 1, "Tag": [{"name": "tlp:green"}],
                                           "Attribute": [attribute(rng) for _ in range(3)]}}, "misp"),
        ("POST", "/events/edit/%s" % e, {"Event": {"info": "fuzz edited", "analysis": 1}}, "misp"),
        ("POST", "/attributes/add/%s" % e, [attribute(rng) for _ in range(2)], "misp"),
        ("POST", "/attributes/edit/%s" % a, {"comment": "edited", "to_ids": True}, "misp"),
        ("POST", "/objects/add/%s" % e, {"Object": {"name": "domain-ip", "Attribute": [
            {"object_relation": "domain", "type": "domain", "value": "o%d.example" % rng.randrange(10**6)}]}}, "misp"),
        ("POST", "/objects/edit/%s" % o, {"Object": {"comment": "edited"}}, "misp"),
        ("POST", "/tags/add", {"name": "fuzz:%d" % rng.randrange(10**6), "colour": "#aabbcc"}, "misp"),
        ("POST", "/tags/attachTagToObject", {"uuid": f["attr_uuid"], "tag": "fuzz:fixture"}, "misp"),
        ("POST", "/tags/removeTagFromObject", {"uuid": f["attr_uuid"], "tag": "fuzz:fixture"}, "misp"),
        ("POST", "/sightings/add", {"value": "198.51.100.1", "type": "0", "source": "fuzz"}, "misp"),
        ("POST", "/sightings/restSearch", {"returnFormat": "json", "last": "7d"}, "misp"),
        ("POST", "/events/restSearch", {"value": "198.51.100.1", "includeCorrelations": 1, "limit": 5}, "misp"),
        ("POST", "/attributes/restSearch", {"type": ["ip-dst", "domain"], "to_ids": 1, "returnFormat": "json",
                                            "tags": {"OR": ["tlp:green"], "NOT": ["tlp:red"]}}, "misp"),
        ("POST", "/events/index", {"limit": 10, "page": 1}, "misp"),
        ("POST", "/admin/organisations/add", {"name": "Org %d" % rng.randrange(10**6), "type": "CERT"}, "misp"),
        ("POST", "/admin/users/edit/%s" % user, {"role_id": 3}, "misp"),
        ("POST", "/sharing_groups/edit/%s" % sg, {"description": "fuzzed"}, "misp"),
        ("POST", "/sharing_groups/addOrg/%s/%s" % (sg, org), {"extend": False}, "misp"),
        ("POST", "/warninglists/checkValue", ["8.8.8.8", "example.com"], "misp"),
        ("POST", "/objectReferences/add/%s" % o, {"referenced_uuid": f["attr_uuid"],
                                                  "relationship_type": "related-to"}, "misp"),
        ("POST", "/api/v1/events", {"info": "native fuzz", "distribution": 0}, "native"),
        ("PATCH", "/api/v1/events/%s" % e, {"info": "native edit"}, "native"),
        ("POST", "/api/v1/events/%s/attributes" % e, [attribute(rng)], "native"),
        ("PATCH", "/api/v1/attributes/%s" % a, {"comment": "native"}, "native"),
        ("POST", "/api/v1/search/attributes", {"value": "198.51.100.2", "limit": 10}, "native"),
        ("POST", "/api/v1/search/events", {"tags": ["tlp:green"], "limit": 10}, "native"),
        ("PATCH", "/api/v1/tags/%s" % t, {"colour": "#112233"}, "native"),
        ("POST", "/api/v1/warninglists/check", {"values": ["1.1.1.1"]}, "native"),
        ("POST", "/api/v1/sensor/sightings", {"sightings": [{"value": "198.51.100.3", "source": "fuzz"}]}, "native"),
        ("GET", "/api/v1/changes?cursor=0&limit=5", None, "native"),
        ("GET", "/api/v1/audit?limit=5", None, "native"),
        ("GET", "/events/view/%s" % e, None, "misp"),
        ("GET", "/attributes/view/%s" % a, None, "misp"),
        ("GET", "/api/v1/attributes/%s/correlations" % a, None, "native"),
        ("GET", "/api/v1/sensor/indicators?cursor=0", None, "native"),
        ("POST", coll + "/objects/", {"objects": [indicator(rng) for _ in range(2)]}, "taxii"),
        ("GET", coll + "/objects/?limit=5&match[type]=indicator", None, "taxii"),
        ("GET", coll + "/manifest/?limit=3", None, "taxii"),
    ]


JUNK_VALUES = [None, True, False, 0, -1, 1.5, 2**31, 2**63, 2**64, -2**63 - 1, 10**30, 1e308, -1e308, "", " ",
               "x" * 20000, "\u0000", "a\u0000b", "\U0001F600" * 50, "\u202e\u200b", "../../../etc/passwd",
               "'; DROP TABLE events; --", "%s%n%x", "{{7*7}}", "<script>alert(1)</script>", "1e999", "-0",
               "0x10", "NaN", "Infinity", "9" * 40, "tlp:red", "2024-13-45", "1970-01-01T00:00:00Z", [], {},
               [1, 2, 3], {"a": {"b": {"c": None}}}, ["x"] * 500, list(range(2000))]
JUNK_IDS = ["0", "-1", "abc", "99999999999999999999", "1e3", "%00", "..", "%2e%2e%2f", "1.0", "0x1",
            str(uuidlib.uuid4()), "00000000-0000-0000-0000-000000000000", "x" * 300, "%FF%FE", "1;2", "*", "%201"]
JUNK_QUERY = ["limit=-1", "limit=abc", "limit=999999999999", "cursor=zzz", "cursor=-5", "page=0", "deleted=2",
              "next=" + "A" * 200, "added_after=yesterday", "match[version]=sometimes", "match[id]=", "%zz=1",
              "withAttachments=maybe", "returnFormat=xml"]


def nested(depth):
    v = 1
    for _ in range(depth):
        v = {"n": v}
    return v


def nodes(value, path=()):
    """Every (path, value) inside a JSON value, the root included."""
    yield path, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from nodes(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from nodes(v, path + (i,))


def replace(value, path, new):
    if not path:
        return new
    head = path[0]
    value[head] = replace(value[head], path[1:], new)
    return value


def junk(rng):
    """A fresh copy of a junk value (copies, so that later mutations never alias shared ones)."""
    return json.loads(json.dumps(rng.choice(JUNK_VALUES)))


def mutate_body(rng, body):
    body = json.loads(json.dumps(body))
    for _ in range(rng.randint(1, 3)):
        spots = list(nodes(body))
        path, node = rng.choice(spots)
        op = rng.random()
        if op < 0.55:
            body = replace(body, path, junk(rng) if rng.random() < 0.9 else nested(rng.randint(20, 70)))
        elif op < 0.75 and isinstance(node, dict) and node:
            del node[rng.choice(list(node))]
        elif op < 0.9 and isinstance(node, dict):
            node[rng.choice(["id", "uuid", "event_id", "distribution", "sharing_group_id", "deleted", "Tag",
                             "Attribute", "Object", "timestamp", "org_id", "first_seen", "x" * 100])] = junk(rng)
        else:
            body = rng.choice([[body], {"wrapped": body}, "text", 42, None])
    return json.dumps(body).encode()


def mutate_path(rng, path):
    parts = path.split("?", 1)
    segments = parts[0].split("/")
    numeric = [i for i, s in enumerate(segments) if s.isdigit() or len(s) == 36]
    if numeric and rng.random() < 0.6:
        segments[rng.choice(numeric)] = rng.choice(JUNK_IDS)
    query = parts[1] if len(parts) > 1 else ""
    if rng.random() < 0.4:
        query = (query + "&" if query else "") + rng.choice(JUNK_QUERY)
    return "/".join(segments) + ("?" + query if query else "")


class HttpFuzzTest(unittest.TestCase):
    def last_seq(self):
        seq = 0
        while True:
            r = HUB.get("/api/v1/changes?limit=10000&cursor=%d" % seq)
            self.assertEqual(r.status, 200, r)
            rows = r.json()["data"]
            if not rows:
                return seq
            seq = rows[-1]["seq"]

    def test_random_hostile_requests(self):
        rng = random.Random(SEED)
        seq = self.last_seq()
        counts = {}
        for n in range(REQUESTS):
            method, path, body, family = rng.choice(seeds(rng))
            raw = None
            if body is not None and rng.random() < 0.85:
                raw = mutate_body(rng, body)
            elif body is not None:
                raw = json.dumps(body).encode()
            if rng.random() < 0.35 or body is None:
                path = mutate_path(rng, path)
            headers = {"Content-Type": TAXII if family == "taxii" else "application/json"}
            if family == "taxii":
                headers["Accept"] = TAXII
            what = "seed %d request %d: %s %s %r" % (SEED, n, method, path, (raw or b"")[:300])
            r = HUB.request(method, path, raw=raw, headers=headers)
            counts[r.status] = counts.get(r.status, 0) + 1
            self.assertLess(r.status, 500, "%s -> %r" % (what, r))
            if r.status >= 400:
                self.assertIn("json", r.headers.get("Content-Type", ""), "%s -> %r" % (what, r))
                answer = r.json()
                key = "title" if family == "taxii" and path.startswith("/taxii2/") else "message"
                self.assertTrue(isinstance(answer, dict) and answer.get(key), "%s -> %r" % (what, r))
                after = HUB.get("/api/v1/changes?limit=1&cursor=%d" % seq).json()["data"]
                self.assertEqual(after, [], "%s -> %r, yet it wrote %r" % (what, r, after))
            else:
                seq = self.last_seq()
        # The mix must have reached both outcomes, or the mutations are not exercising the routes.
        self.assertGreater(sum(v for k, v in counts.items() if k < 300), REQUESTS // 20, counts)
        self.assertGreater(sum(v for k, v in counts.items() if k >= 400), REQUESTS // 4, counts)

        self.assertEqual(HUB.get("/healthz").status, 200)
        HUB.restart()
        index = HUB.post("/events/index", {}).json()
        self.assertGreater(len(index), 1)
        for ev in index:
            v = HUB.get("/events/view/%s" % ev["id"])
            self.assertEqual(v.status, 200, "event %s after the fuzz run: %r" % (ev["id"], v))


if __name__ == "__main__":
    unittest.main()
