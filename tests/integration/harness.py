"""Test harness: runs the real `bulwark` binary on a loopback port and talks HTTP to it as a client would.

Each Hub() gets a fresh data directory, runs `bulwark init`, starts `bulwark serve --listen 127.0.0.1:0`, reads
the bound address from its first line of output, and offers small request helpers. Only the Python standard
library is used, so the tests run on a bare Debian machine.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

BIN = os.environ.get("BULWARK_BIN", os.path.join(os.path.dirname(__file__), "..", "..", "build", "default", "bulwark"))
SOURCE_DIR = os.environ.get("BULWARK_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
TESTDATA = os.environ.get("BULWARK_TESTDATA", os.path.join(SOURCE_DIR, "..", "shared", "data"))


def testdata(*parts):
    """Path of a file under the shared test data, or None if it is missing (callers skip with a message)."""
    p = os.path.join(TESTDATA, *parts)
    return p if os.path.exists(p) else None


def read_testdata(*parts):
    """The bytes of a file under the shared test data; skips the calling test when it is missing."""
    path = testdata(*parts)
    if path is None:
        raise unittest.SkipTest("missing test data %s" % os.path.join(*parts))
    with open(path, "rb") as f:
        return f.read()


def check_stix_schemas(test, bundle):
    """Validates a STIX bundle (a dict) against the OASIS JSON schemas in the shared test data, through
    stix_schema_check.py; fails `test` with the checker's output, or skips it when the schemas are missing."""
    if testdata("stix", "schemas") is None:
        raise unittest.SkipTest("stix/schemas missing from the shared test data")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(bundle, f)
    try:
        check = subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                             "stix_schema_check.py"), f.name],
                               capture_output=True, text=True, timeout=300)
    finally:
        os.unlink(f.name)
    test.assertEqual(check.returncode, 0, check.stdout + check.stderr)


def wait_for(predicate, timeout=20.0, step=0.1):
    """Polls `predicate` until it returns something true (returned) or `timeout` seconds pass (its last value)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


class SensorLog:
    """For tests of `bulwark match --follow`: publishes domain indicators on self.hub, appends lines to the
    followed log self.log and reads the match records the sensor writes to self.out."""

    def publish(self, info, value, threat_level=2):
        r = self.hub.post("/events/add", {"Event": {"info": info, "distribution": 1, "threat_level_id": threat_level,
                                                    "published": True, "Attribute": [
                                                        {"type": "domain", "value": value, "to_ids": True}]}})
        assert r.status == 200, r
        return r.json()["Event"]

    def append(self, line):
        with open(self.log, "a") as f:
            f.write(line + "\n")

    def matches(self):
        if not os.path.exists(self.out):
            return []
        with open(self.out) as f:
            return [json.loads(line) for line in f if line.strip()]


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return "<Response %d %s>" % (self.status, self.body[:300])


class Hub:
    """A running hub on a fresh data directory. Use as a context manager or call stop()."""

    def __init__(self, extra_args=(), data_dir=None, init=True):
        self.owns_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="bulwark-it-")
        self.extra_args = list(extra_args)
        self.proc = None
        self.admin_key = None
        if init:
            out = subprocess.run([BIN, "init", "--data-dir", self.data_dir, "--org", "Hub Operator", "--email",
                                  "admin@hub.test"], check=True, capture_output=True, text=True, timeout=60)
            self.admin_key = out.stdout.strip().splitlines()[-1]
        self.start()

    def start(self):
        self.proc = subprocess.Popen([BIN, "serve", "--data-dir", self.data_dir, "--listen", "127.0.0.1:0",
                                      "--log-level", "warn"] + self.extra_args,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if " on http" not in line:
            err = self.proc.stderr.read()
            raise RuntimeError("bulwark serve did not start: %r %r" % (line, err))
        self.base = line.strip().split(" on ", 1)[1].rstrip("/")

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = None
        if self.proc:
            rc = self.proc.returncode
            for stream in (self.proc.stdout, self.proc.stderr):
                if stream:
                    stream.close()
        self.proc = None
        return rc

    def restart(self):
        self.stop()
        self.start()

    def close(self):
        self.stop()
        if self.owns_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def cli(self, *args, check=True, timeout=120):
        return subprocess.run([BIN] + list(args) + ["--data-dir", self.data_dir], capture_output=True, text=True,
                              timeout=timeout, check=check)

    def request(self, method, path, body=None, key=None, headers=None, raw=None, timeout=60):
        url = self.base + path
        data = raw
        hdrs = {"Accept": "application/json"}
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            hdrs["Content-Type"] = "application/json"
        if key is None:
            key = self.admin_key
        if key:
            hdrs["Authorization"] = key
        hdrs.update(headers or {})
        req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return Response(r.status, dict(r.headers), r.read())
        except urllib.error.HTTPError as e:
            return Response(e.code, dict(e.headers), e.read())

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    # ---- Conveniences built on the API itself
    def add_org(self, name, **fields):
        r = self.post("/admin/organisations/add", dict({"name": name}, **fields))
        assert r.status == 200, r
        return r.json()["Organisation"]

    def add_user(self, email, org_id, role_id=3):
        r = self.post("/admin/users/add", {"email": email, "org_id": org_id, "role_id": role_id})
        assert r.status == 200, r
        user = r.json()["User"]
        k = self.post("/auth_keys/add/%s" % user["id"], {})
        assert k.status == 200, k
        return user, k.json()["AuthKey"]["authkey_raw"]

    def change_count(self):
        r = self.get("/api/v1/changes?limit=10000")
        assert r.status == 200, r
        n = len(r.json()["data"])
        cursor = r.json()["next_cursor"]
        while cursor:
            r = self.get("/api/v1/changes?limit=10000&cursor=" + cursor)
            n += len(r.json()["data"])
            cursor = r.json()["next_cursor"]
        return n
