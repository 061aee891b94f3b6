#!/usr/bin/env python3
"""TAXII 2.1 paging benchmark (docs/taxii.md).

Starts its own hub (`bulwark init`, `bulwark taxii collection add`, `bulwark serve`) on a fresh data directory,
loads N STIX indicators (default 100,000) into a collection by POSTing envelopes of 1,000, then pages through the
collection with limit=1000 following `next`, on one keep-alive connection, --runs times (default 3). For each run
it prints objects/s served (objects over the sum of page latencies: the time from sending each request to reading
the last byte of its answer, i.e. the time the hub spent serving), objects/s end to end (wall clock of the whole
walk, this Python client's JSON parsing and checks of every page included: about half of it), and p50/p99 page
latency; then the median run and the server's peak memory (VmHWM of the serve process, reset before paging by
writing 5 to /proc/<pid>/clear_refs).

Targets (issue): >= 100,000 objects/s served, p99 page latency <= 50 ms. A missed target is reported, not failed;
the exit status is non-zero only when the hub misbehaves (a failed request, a skipped or repeated object).

Only the Python 3 standard library is used. Usage: BULWARK_BIN=build/taxii-rel/bulwark python3 bench/taxii_bench.py
"""
import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

TAXII = "application/taxii+json;version=2.1"


def indicator(i):
    return {"type": "indicator", "spec_version": "2.1",
            "id": "indicator--%08x-%04x-4000-8000-%012x" % (i, i % 65536, i),
            "created": "2024-05-01T12:00:00.000Z", "modified": "2024-05-01T12:00:00.000Z",
            "name": "bench indicator %d" % i, "indicator_types": ["malicious-activity"],
            "pattern": "[ipv4-addr:value = '10.%d.%d.%d']" % (i >> 16 & 255, i >> 8 & 255, i & 255),
            "pattern_type": "stix", "valid_from": "2024-05-01T12:00:00Z"}


def vm(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    return 0


class Client:
    def __init__(self, host, port, key):
        self.conn = http.client.HTTPConnection(host, port, timeout=120)
        self.headers = {"Accept": TAXII, "Authorization": key}

    def call(self, method, path, body=None):
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = TAXII
        self.conn.request(method, path, body=body, headers=headers)
        r = self.conn.getresponse()
        data = r.read()
        if r.status >= 300:
            raise RuntimeError("%s %s -> %d %s" % (method, path, r.status, data[:300]))
        return data


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--objects", type=int, default=100_000)
    ap.add_argument("--page", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--bin", default=os.environ.get("BULWARK_BIN", "build/taxii-rel/bulwark"))
    args = ap.parse_args()

    data_dir = tempfile.mkdtemp(prefix="bulwark-taxii-bench-")
    proc = None
    try:
        out = subprocess.run([args.bin, "init", "--data-dir", data_dir], check=True, capture_output=True, text=True)
        key = out.stdout.strip().splitlines()[-1]
        out = subprocess.run([args.bin, "taxii", "collection", "add", "--title", "bench", "--read-orgs", "all",
                              "--data-dir", data_dir], check=True, capture_output=True, text=True)
        coll = out.stdout.split("\t")[0]
        proc = subprocess.Popen([args.bin, "serve", "--data-dir", data_dir, "--listen", "127.0.0.1:0",
                                 "--log-level", "warn"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = proc.stdout.readline()
        url = urllib.parse.urlparse(line.strip().split(" on ", 1)[1])
        client = Client(url.hostname, url.port, key)
        base = "/taxii2/root/collections/%s/objects/" % coll

        envelopes = []
        for start in range(0, args.objects, 1000):
            batch = [indicator(i) for i in range(start, min(args.objects, start + 1000))]
            envelopes.append(json.dumps({"objects": batch}).encode())
        t0 = time.perf_counter()
        for env in envelopes:
            status = json.loads(client.call("POST", base, env))
            if status["failure_count"] != 0:
                raise RuntimeError("POST failures: %s" % status.get("failures", [])[:3])
        load_s = time.perf_counter() - t0
        print("load: %d objects by POST in %.1f s (%.0f objects/s)" % (args.objects, load_s, args.objects / load_s))

        try:
            with open("/proc/%d/clear_refs" % proc.pid, "w") as f:
                f.write("5")
        except OSError:
            pass
        runs = []
        for run in range(args.runs):
            latencies = []
            seen = 0
            ids = set()
            query = "?limit=%d" % args.page
            t0 = time.perf_counter()
            while True:
                p0 = time.perf_counter()
                raw = client.call("GET", base + query)
                latencies.append(time.perf_counter() - p0)
                body = json.loads(raw)
                objs = body.get("objects", [])
                seen += len(objs)
                ids.update(o["id"] for o in objs)
                if not body.get("more"):
                    break
                query = "?limit=%d&next=%s" % (args.page, body["next"])
            elapsed = time.perf_counter() - t0
            if seen != args.objects or len(ids) != args.objects:
                raise RuntimeError("paging returned %d objects (%d distinct), expected %d" %
                                   (seen, len(ids), args.objects))
            latencies.sort()
            r = {"objects_per_s": seen / sum(latencies), "end_to_end_per_s": seen / elapsed,
                 "p50_ms": statistics.median(latencies) * 1000,
                 "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
                 "pages": len(latencies)}
            runs.append(r)
            print("run %d: %d pages, %.0f objects/s served (%.0f/s end to end with this client's parsing), "
                  "p50 %.1f ms, p99 %.1f ms" %
                  (run + 1, r["pages"], r["objects_per_s"], r["end_to_end_per_s"], r["p50_ms"], r["p99_ms"]))
        med = sorted(runs, key=lambda r: r["objects_per_s"])[len(runs) // 2]
        peak = vm(proc.pid, "VmHWM")
        print("median run: %.0f objects/s served (target >= 100000: %s; %.0f/s end to end), p50 %.1f ms, "
              "p99 %.1f ms (target <= 50: %s), server peak RSS %.0f MiB" %
              (med["objects_per_s"], "met" if med["objects_per_s"] >= 100000 else "MISSED", med["end_to_end_per_s"],
                                           med["p50_ms"], med["p99_ms"],
                                           "met" if med["p99_ms"] <= 50 else "MISSED", peak / 2**20))
        return 0
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
