"""Durability promises, checked on the real binary and its data directory:

(a) a clean restart (SIGTERM, start again on the same data dir) keeps everything: every events/view reply is
    byte-identical before and after, and so are index, searches and the change log;
(b) SIGKILL in the middle of a bulk ingest loses nothing that was acknowledged: after a restart every event
    that got a 200 is there whole, and every event that is there is whole (no partial event);
(c) a rejected request writes nothing (the change log does not move, nothing becomes visible).

Sizes: BULWARK_DURABILITY_EVENTS (default 300), BULWARK_DURABILITY_ATTRS (default 200 per event),
BULWARK_DURABILITY_THREADS (default 2 client threads). Seed for the kill moment: BULWARK_RANDOM_SEED (printed).
"""
import http.client
import json
import random
import signal
import sys
import threading
import time
import unittest
import uuid as uuidlib

import scenario as S
from harness import Hub

SEED = S.env_int("BULWARK_RANDOM_SEED", 20261128)
N_EVENTS = S.env_int("BULWARK_DURABILITY_EVENTS", 300)
N_ATTRS = S.env_int("BULWARK_DURABILITY_ATTRS", 200)
N_THREADS = S.env_int("BULWARK_DURABILITY_THREADS", 2)


def bulk_event(i, n_attrs):
    """Event i with n_attrs attributes whose values encode (i, j), so a partial event is recognisable."""
    attrs = [{"type": "ip-dst", "category": "Network activity", "value": "10.%d.%d.%d" % (i // 256, i % 256, j),
              "to_ids": j % 2 == 0, "comment": "e%d a%d" % (i, j)} if j < 256 else
             {"type": "domain", "value": "e%d-a%d.bulk.test" % (i, j)} for j in range(n_attrs)]
    return {"Event": {"info": "bulk %d" % i, "uuid": str(uuidlib.uuid4()), "distribution": "1",
                      "threat_level_id": "3", "analysis": "0", "Attribute": attrs,
                      "Tag": [{"name": "bulk:ingest"}]}}


class RestartTest(unittest.TestCase):
    def test_clean_restart_keeps_everything_byte_identical(self):
        with Hub() as hub:
            org = hub.add_org("Durable org")
            _, key = S.add_user(hub, "durable@dur.test", org["id"], 3)
            sg = S.add_sharing_group(hub, hub.admin_key, "durable sg", [org["id"]])
            refs = []
            for i in range(12):
                body = S.event("durable %d" % i, i % 5, sg=sg, tags=["tlp:green", {"name": "dur:local", "local": 1}],
                               attributes=[S.attribute("d%d-%d.dur.test" % (i, d), d, sg=sg,
                                                       tags=["dur:attr"] if d == 1 else ())
                                           for d in range(6)],
                               objects=[S.misp_object("domain-ip", i % 6, [
                                   S.attribute("o%d.dur.test" % i, 5, sg=sg, relation="domain"),
                                   S.attribute("192.0.2.%d" % i, 3, type_="ip-dst", relation="ip")], sg=sg)])
                ev = S.add_event(hub, key if i % 2 else hub.admin_key, body)
                refs.append(ev["uuid"])
            # Some edits, deletions and a publication, so the store holds more than inserts.
            first = S.view(hub, hub.admin_key, refs[0])[1]
            S.ok(hub.post("/attributes/delete/%s" % first["Attribute"][0]["id"], {}), "soft delete")
            S.ok(hub.post("/events/publish/%s" % refs[1], {}), "publish")
            S.ok(hub.post("/events/delete/%s" % refs[2], {}), "delete event")

            def snapshot():
                snap = {}
                for who, k in (("admin", hub.admin_key), ("user", key)):
                    for ref in refs:
                        r = hub.get("/events/view/%s" % ref, key=k)
                        snap[(who, "view", ref)] = (r.status, r.body)
                        r = hub.get("/events/view/%s?deleted=1" % ref, key=k)
                        snap[(who, "view deleted", ref)] = (r.status, r.body)
                    snap[(who, "index")] = hub.get("/events/index", key=k).body
                    snap[(who, "attributes")] = hub.post("/attributes/restSearch", {}, key=k).body
                    snap[(who, "events")] = hub.post("/events/restSearch", {}, key=k).body
                snap["changes"] = hub.get("/api/v1/changes?limit=10000").body
                snap["change_count"] = hub.change_count()
                return snap

            before = snapshot()
            self.assertEqual(before[("admin", "view", refs[3])][0], 200)
            self.assertEqual(before[("admin", "view", refs[2])][0], 404, "a deleted event is gone")
            self.assertEqual(hub.stop(signal.SIGTERM), 0, "SIGTERM must end the server cleanly")
            hub.start()
            after = snapshot()
            for k in before:
                with self.subTest(what=k):
                    self.assertEqual(after[k], before[k])
            # And the restarted hub still takes writes.
            S.add_event(hub, key, S.event("after restart", 1, attributes=[S.attribute("after.dur.test", 5)]))


class KillDuringIngestTest(unittest.TestCase):
    def test_sigkill_mid_ingest_loses_no_acknowledged_event_and_leaves_no_partial_one(self):
        self.ingest_and_stop(signal.SIGKILL, SEED, N_EVENTS)

    def test_sigterm_mid_ingest_loses_no_acknowledged_event(self):
        # A graceful stop while requests are in flight: the same promises, and the server exits with 0.
        self.ingest_and_stop(signal.SIGTERM, SEED + 1, max(10, N_EVENTS // 3))

    def ingest_and_stop(self, sig, seed, n_events):
        rng = random.Random(seed)
        kill_after = rng.randint(max(1, n_events // 5), max(1, n_events * 3 // 5))
        print("\nBULWARK_RANDOM_SEED=%d: %s after %d of %d acknowledged events of %d attributes"
              % (seed, signal.Signals(sig).name, kill_after, n_events, N_ATTRS), file=sys.stderr)
        hub = Hub()
        try:
            self.run_ingest_and_kill(hub, kill_after, sig, seed, n_events)
        finally:
            hub.close()

    def run_ingest_and_kill(self, hub, kill_after, sig, seed, n_events):
        bodies = {}           # uuid -> body sent
        acked = set()          # uuids that got a 200
        failed = []            # unexpected non-200 statuses before the kill
        lock = threading.Lock()
        enough = threading.Event()
        killed = threading.Event()
        host, port = hub.base.replace("http://", "").split(":")
        next_index = [0]

        def client():
            conn = http.client.HTTPConnection(host, int(port), timeout=60)
            try:
                client_loop(conn)
            finally:
                conn.close()

        def client_loop(conn):
            while not killed.is_set():
                with lock:
                    i = next_index[0]
                    next_index[0] += 1
                if i >= n_events:
                    return
                body = bulk_event(i, N_ATTRS)
                u = body["Event"]["uuid"]
                with lock:
                    bodies[u] = body
                try:
                    conn.request("POST", "/events/add", body=json.dumps(body).encode(),
                                 headers={"Authorization": hub.admin_key, "Content-Type": "application/json",
                                          "Accept": "application/json"})
                    r = conn.getresponse()
                    r.read()
                except (OSError, http.client.HTTPException):
                    return  # the server died under us: this request is not acknowledged
                with lock:
                    if r.status == 200:
                        acked.add(u)
                        if len(acked) >= kill_after:
                            enough.set()
                    elif not killed.is_set():
                        failed.append(r.status)

        threads = [threading.Thread(target=client, daemon=True) for _ in range(N_THREADS)]
        for t in threads:
            t.start()
        self.assertTrue(enough.wait(timeout=600), "ingest too slow: %d acknowledged" % len(acked))
        # A random extra moment, so the kill lands anywhere inside the following request.
        time.sleep(random.Random(seed + 7).uniform(0, 0.2))
        killed.set()
        rc = hub.stop(sig)
        if sig == signal.SIGTERM:
            self.assertEqual(rc, 0, "SIGTERM during requests must still end the server cleanly")
        for t in threads:
            t.join(timeout=120)
        with lock:
            acked_now, sent = set(acked), dict(bodies)
        self.assertEqual(failed, [], "requests failed before the kill")
        self.assertGreaterEqual(len(acked_now), kill_after)

        hub.start()
        # Every acknowledged event is there, whole.
        for u in sorted(acked_now):
            with self.subTest(acknowledged=u):
                status, ev, _ = S.view(hub, hub.admin_key, u)
                self.assertEqual(status, 200, "acknowledged event %s (%s) lost" % (u, sent[u]["Event"]["info"]))
                self.assert_whole(ev, sent[u])
        # Every event there is whole, and is one we sent.
        present = [S.view(hub, hub.admin_key, i)[1] for i in S.index_ids(hub, hub.admin_key)[0]]
        for ev in present:
            with self.subTest(present=ev["uuid"]):
                self.assertIn(ev["uuid"], sent)
                self.assert_whole(ev, sent[ev["uuid"]])
        present_uuids = {ev["uuid"] for ev in present}
        self.assertTrue(acked_now <= present_uuids)
        self.assertLessEqual(len(present_uuids - acked_now), N_THREADS, "more unacknowledged events than in flight")
        # The searches agree with the views: no orphan attributes of a rolled-back event.
        attrs, _ = S.rest_attributes(hub, hub.admin_key, {})
        self.assertEqual(len(attrs), N_ATTRS * len(present))
        self.assertEqual({a["Event"]["uuid"] for a in attrs}, present_uuids)
        # The restarted store takes writes again.
        S.add_event(hub, hub.admin_key, bulk_event(n_events + 1, 3))

    def test_sigkill_mid_edits_leaves_each_event_old_or_new(self):
        # Edits are all-or-nothing too: an event edit adding attributes and renaming the event is either fully
        # there (and must be, when acknowledged) or not at all.
        n_events = max(4, N_EVENTS // 10)
        seed = SEED + 3
        hub = Hub()
        try:
            originals = {}
            for i in range(n_events):
                body = bulk_event(i, N_ATTRS)
                originals[S.add_event(hub, hub.admin_key, body)["uuid"]] = body
            order = sorted(originals)
            random.Random(seed).shuffle(order)
            kill_after = random.Random(seed).randint(1, max(1, n_events // 2))
            print("\nBULWARK_RANDOM_SEED=%d: SIGKILL after %d of %d acknowledged edits" % (seed, kill_after, n_events),
                  file=sys.stderr)
            edits, acked = {}, set()
            enough, killed = threading.Event(), threading.Event()
            host, port = hub.base.replace("http://", "").split(":")

            def client():
                conn = http.client.HTTPConnection(host, int(port), timeout=60)
                try:
                    edit_loop(conn)
                finally:
                    conn.close()

            def edit_loop(conn):
                for n, u in enumerate(order):
                    if killed.is_set():
                        return
                    extra = [{"type": "domain", "value": "edit%d-%d.bulk.test" % (n, j), "comment": "added"}
                             for j in range(N_ATTRS // 2)]
                    edits[u] = extra
                    body = {"Event": {"info": "edited %s" % u, "Attribute": extra}}
                    try:
                        conn.request("POST", "/events/edit/%s" % u, body=json.dumps(body).encode(),
                                     headers={"Authorization": hub.admin_key, "Content-Type": "application/json"})
                        r = conn.getresponse()
                        r.read()
                    except (OSError, http.client.HTTPException):
                        return
                    if r.status == 200:
                        acked.add(u)
                        if len(acked) >= kill_after:
                            enough.set()

            t = threading.Thread(target=client, daemon=True)
            t.start()
            self.assertTrue(enough.wait(timeout=600))
            killed.set()
            hub.stop(signal.SIGKILL)
            t.join(timeout=120)
            hub.start()
            for u, body in originals.items():
                with self.subTest(event=u):
                    status, ev, _ = S.view(hub, hub.admin_key, u)
                    self.assertEqual(status, 200)
                    old = {(a["value"], a.get("comment", "")) for a in body["Event"]["Attribute"]}
                    new = old | {(a["value"], a["comment"]) for a in edits.get(u, [])}
                    got = {(a["value"], a.get("comment", "")) for a in ev["Attribute"]}
                    if ev["info"] == body["Event"]["info"]:
                        self.assertNotIn(u, acked, "an acknowledged edit was lost")
                        self.assertEqual(got, old, "the header is old but the attributes are not")
                    else:
                        self.assertEqual(ev["info"], "edited %s" % u)
                        self.assertEqual(got, new, "the header is new but the attributes are not all there")
        finally:
            hub.close()

    def assert_whole(self, ev, body):
        want = {(a["value"], a.get("comment", "")) for a in body["Event"]["Attribute"]}
        got = {(a["value"], a.get("comment", "")) for a in ev.get("Attribute") or []}
        self.assertEqual(len(ev.get("Attribute") or []), len(want), "event %s is partial" % ev["info"])
        self.assertEqual(got, want)
        self.assertEqual(ev["info"], body["Event"]["info"])
        self.assertEqual(S.tag_names(ev), ["bulk:ingest"])


class RejectedWritesNothingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hub = Hub()
        org = cls.hub.add_org("Reject org")
        other = cls.hub.add_org("Other org")
        _, cls.user_key = S.add_user(cls.hub, "rej@rej.test", org["id"], 3)
        _, cls.ro_key = S.add_user(cls.hub, "ro@rej.test", org["id"], 6)
        _, cls.other_key = S.add_user(cls.hub, "other@rej.test", other["id"], 3)
        cls.other_sg = S.add_sharing_group(cls.hub, cls.hub.admin_key, "not for reject org", [other["id"]])
        cls.ev = S.add_event(cls.hub, cls.user_key, S.event("existing", 1, attributes=[
            S.attribute("existing.rej.test", 5)]))

    @classmethod
    def tearDownClass(cls):
        cls.hub.close()

    def assert_rejected_writes_nothing(self, method, path, body=None, key=None, raw=None, statuses=None,
                                       probe_value=None):
        hub = self.hub
        before = hub.change_count()
        index_before = S.index_ids(hub, hub.admin_key)[0]
        headers = {"Content-Type": "application/json"} if raw is not None else None
        r = hub.request(method, path, body=body, key=key, raw=raw, headers=headers)
        if statuses:
            self.assertIn(r.status, statuses, r)
        else:
            self.assertTrue(400 <= r.status < 500, r)
        self.assertIn("error", r.json())
        self.assertEqual(hub.change_count(), before, "a rejected request wrote change-log entries")
        self.assertEqual(S.index_ids(hub, hub.admin_key)[0], index_before)
        if probe_value:
            attrs, _ = S.rest_attributes(hub, hub.admin_key, {"value": probe_value})
            self.assertEqual(attrs, [], "a rejected request left attribute %s behind" % probe_value)
        status, ev, _ = S.view(hub, hub.admin_key, self.ev["uuid"])
        self.assertEqual([a["value"] for a in ev["Attribute"]], ["existing.rej.test"])
        self.assertEqual(ev["info"], "existing")

    def test_invalid_last_attribute_rejects_the_whole_event(self):
        attrs = [S.attribute("ok%d.rej.test" % i, 5) for i in range(50)] + [S.attribute("not an ip", 5, type_="ip-dst")]
        self.assert_rejected_writes_nothing("POST", "/events/add", S.event("half good", 1, attributes=attrs),
                                            statuses=(400, 422), probe_value="ok0.rej.test")

    def test_invalid_object_attribute_rejects_the_whole_event(self):
        body = S.event("bad object", 1, attributes=[S.attribute("ok-obj.rej.test", 5)], objects=[
            S.misp_object("domain-ip", 5, [S.attribute("fine.rej.test", 5, relation="domain"),
                                           S.attribute("999.1.1.1", 5, type_="ip-dst", relation="ip")])])
        self.assert_rejected_writes_nothing("POST", "/events/add", body, statuses=(400, 422),
                                            probe_value="ok-obj.rej.test")

    def test_duplicate_uuid(self):
        body = S.event("duplicate", 1, attributes=[S.attribute("dup.rej.test", 5)])
        body["Event"]["uuid"] = self.ev["uuid"]
        self.assert_rejected_writes_nothing("POST", "/events/add", body, statuses=(409,), probe_value="dup.rej.test")

    def test_read_only_user(self):
        self.assert_rejected_writes_nothing("POST", "/events/add", S.event("ro", 1, attributes=[
            S.attribute("ro.rej.test", 5)]), key=self.ro_key, statuses=(403,), probe_value="ro.rej.test")
        self.assert_rejected_writes_nothing("POST", "/attributes/add/%s" % self.ev["id"],
                                            S.attribute("ro2.rej.test", 5), key=self.ro_key, statuses=(403,),
                                            probe_value="ro2.rej.test")

    def test_foreign_sharing_group(self):
        self.assert_rejected_writes_nothing("POST", "/events/add", S.event("sg", 4, sg=self.other_sg, attributes=[
            S.attribute("sg.rej.test", 5)]), key=self.user_key, probe_value="sg.rej.test")
        self.assert_rejected_writes_nothing("POST", "/events/add", S.event("sg attr", 1, attributes=[
            S.attribute("sg-ok.rej.test", 5), S.attribute("sg2.rej.test", 4, sg=self.other_sg)]),
            key=self.user_key, probe_value="sg-ok.rej.test")

    def test_malformed_json_and_wrong_shapes(self):
        self.assert_rejected_writes_nothing("POST", "/events/add", raw=b'{"Event": {"info": "x", "Attribute": [',
                                            statuses=(400,))
        self.assert_rejected_writes_nothing("POST", "/events/add", raw=b'[1, 2, 3]', statuses=(400, 422))
        self.assert_rejected_writes_nothing("POST", "/events/add", {"Event": {"info": "x", "distribution": "9"}},
                                            statuses=(400, 422))
        self.assert_rejected_writes_nothing("POST", "/events/add", {"Event": {"info": ""}}, statuses=(400, 422))

    def test_other_org_edits_and_bad_edits(self):
        self.assert_rejected_writes_nothing("POST", "/events/edit/%s" % self.ev["id"], {"Event": {"info": "mine now"}},
                                            key=self.other_key, statuses=(403, 404))
        self.assert_rejected_writes_nothing("POST", "/attributes/add/%s" % self.ev["id"],
                                            [S.attribute("good.rej.test", 5), S.attribute("bad value", 5, type_="md5")],
                                            key=self.user_key, statuses=(400, 422), probe_value="good.rej.test")
        attr_id = self.ev["Attribute"][0]["id"]
        self.assert_rejected_writes_nothing("POST", "/attributes/edit/%s" % attr_id, {"value": "not a domain!"},
                                            key=self.user_key, statuses=(400, 422))
        self.assert_rejected_writes_nothing("POST", "/attributes/add/999999", S.attribute("nowhere.rej.test", 5),
                                            statuses=(404,), probe_value="nowhere.rej.test")

    def test_unauthenticated(self):
        self.assert_rejected_writes_nothing("POST", "/events/add", S.event("anon", 1), key="", statuses=(401,))
        self.assert_rejected_writes_nothing("POST", "/events/add", S.event("bad key", 1), key="B" * 40,
                                            statuses=(401,))


if __name__ == "__main__":
    unittest.main()
