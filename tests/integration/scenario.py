"""Helpers for scenario-style integration tests: build organisations, users and events through the API, and
read everything back through every read route (events/view, events/index, both restSearch routes, native
search) in a comparable form.

Only the Python standard library is used. Every helper talks to a running harness.Hub as a client would.
"""
import os

# Status codes that mean "you may not" without revealing anything: 403, or 404 for what is not visible.
DENIED = (403, 404)


def env_int(name, default):
    """An integer from the environment (for test sizes), or `default`."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return int(raw)


def ok(response, what):
    """Asserts a 200 and returns the decoded JSON body."""
    assert response.status == 200, "%s: %r" % (what, response)
    return response.json()


# ---- Building a scenario

def add_user(hub, email, org_id, role_id, creator_key=None):
    """Creates a user (as the admin, or as `creator_key`) and an API key for it; returns (user dict, clear key)."""
    r = hub.post("/admin/users/add", {"email": email, "org_id": str(org_id), "role_id": str(role_id)}, key=creator_key)
    user = ok(r, "add user %s" % email)["User"]
    k = hub.post("/auth_keys/add/%s" % user["id"], {}, key=creator_key)
    return user, ok(k, "add key for %s" % email)["AuthKey"]["authkey_raw"]


def add_sharing_group(hub, key, name, member_org_ids):
    """Creates a sharing group as the holder of `key` with the given member organisations (the creator's org
    becomes a member too); returns the sharing group id as a string."""
    body = {"SharingGroup": {"name": name, "releasability": "test"},
            "SharingGroupOrg": [{"org_id": str(o), "extend": False} for o in member_org_ids]}
    out = ok(hub.post("/sharing_groups/add", body, key=key), "add sharing group %s" % name)
    sg = out.get("SharingGroup", out)
    return str(sg["id"])


def attribute(value, distribution, sg=None, type_="domain", category="Network activity", tags=(), comment="",
              to_ids=False, relation=None):
    """An attribute as MISP clients send it."""
    a = {"type": type_, "category": category, "value": value, "distribution": str(distribution),
         "to_ids": to_ids, "comment": comment}
    if distribution == 4:
        a["sharing_group_id"] = str(sg)
    if tags:
        a["Tag"] = [dict(t) if isinstance(t, dict) else {"name": t} for t in tags]
    if relation:
        a["object_relation"] = relation
    return a


def misp_object(name, distribution, attributes, sg=None):
    o = {"name": name, "meta-category": "network", "distribution": str(distribution), "Attribute": list(attributes)}
    if distribution == 4:
        o["sharing_group_id"] = str(sg)
    return o


def event(info, distribution, sg=None, attributes=(), objects=(), tags=()):
    """An event body for /events/add. `tags` are names (global) or {"name":..., "local": 1} dicts."""
    e = {"info": info, "distribution": str(distribution), "threat_level_id": "2", "analysis": "0",
         "Attribute": list(attributes), "Object": list(objects),
         "Tag": [dict(t) if isinstance(t, dict) else {"name": t} for t in tags]}
    if distribution == 4:
        e["sharing_group_id"] = str(sg)
    return {"Event": e}


def add_event(hub, key, body):
    """POSTs an event and returns the Event object of the reply."""
    return ok(hub.post("/events/add", body, key=key), "add event %s" % body["Event"]["info"])["Event"]


# ---- Reading back

def view(hub, key, ref):
    """GET /events/view/{ref}: (status, Event dict or None)."""
    r = hub.get("/events/view/%s" % ref, key=key)
    if r.status == 200:
        return 200, r.json()["Event"], r.body
    return r.status, None, r.body


def index_ids(hub, key):
    """Event ids listed by GET /events/index, as strings, and the raw body."""
    r = hub.get("/events/index", key=key)
    body = ok(r, "events/index")
    return [str(e["id"]) for e in body], r.body


def rest_events(hub, key, body):
    """POST /events/restSearch: the list of Event dicts, and the raw body."""
    r = hub.post("/events/restSearch", body, key=key)
    out = ok(r, "events/restSearch %r" % body)
    return [x["Event"] for x in out["response"]], r.body


def rest_attributes(hub, key, body):
    """POST /attributes/restSearch: the list of Attribute dicts, and the raw body."""
    r = hub.post("/attributes/restSearch", body, key=key)
    out = ok(r, "attributes/restSearch %r" % body)
    return out["response"]["Attribute"], r.body


def native_search(hub, key, what, body, max_pages=1000):
    """POST /api/v1/search/{what} following next_cursor; returns the list of items and all raw bodies joined."""
    items, raws = [], []
    req = dict(body)
    for _ in range(max_pages):
        r = hub.post("/api/v1/search/%s" % what, req, key=key)
        out = ok(r, "api/v1/search/%s %r" % (what, req))
        items.extend(out["data"])
        raws.append(r.body)
        if not out.get("next_cursor"):
            return items, b"\n".join(raws)
        req["cursor"] = out["next_cursor"]
    raise AssertionError("native search did not end after %d pages" % max_pages)


def tag_names(entity):
    """Names of the tags on an event or attribute (from "Tag": [{"name":...}]), sorted."""
    return sorted(t["name"] for t in entity.get("Tag") or [])


def summary(ev):
    """What a client sees of an event, in a comparable form:
    {"attributes": {uuid: value}, "objects": {uuid: {attribute uuid: value}}, "tags": [...],
     "attribute_tags": {uuid: [...]}}."""
    attrs = {a["uuid"]: a["value"] for a in ev.get("Attribute") or []}
    objs = {}
    attr_tags = {a["uuid"]: tag_names(a) for a in ev.get("Attribute") or []}
    for o in ev.get("Object") or []:
        objs[o["uuid"]] = {a["uuid"]: a["value"] for a in o.get("Attribute") or []}
        for a in o.get("Attribute") or []:
            attr_tags[a["uuid"]] = tag_names(a)
    return {"attributes": attrs, "objects": objs, "tags": tag_names(ev), "attribute_tags": attr_tags}


def all_values(ev):
    """Every attribute value of an event, object attributes included."""
    s = summary(ev)
    out = set(s["attributes"].values())
    for attrs in s["objects"].values():
        out.update(attrs.values())
    return out
