#!/usr/bin/env python3
"""STIX import throughput of `bulwark import stix` (docs/import.md).

For each bundle (MITRE ATT&CK ICS and Mobile, DISARM, the OASIS apt1 and poisonivy examples) and each of --runs
runs (default 3): a fresh data directory (`bulwark init`), then `bulwark import stix FILE` timed by wall clock
around the whole process (start-up, streaming parse, mapping, validation and normalisation in the hub, the
store's transaction with its change log, exit). Prints objects/s per run and the median, and the importer's own
accounting (objects seen / mapped / unmapped, attributes stored / rejected) so a fast run that dropped data is
visible.

Target (issue): 50,000 objects/s for parse, validate, store and change log. A missed target is reported, not
failed; the exit status is non-zero only when an import fails.

Only the Python 3 standard library. Usage: python3 bench/import_bench.py --bin build/release/bulwark [--runs 3]
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTDATA = os.environ.get("BULWARK_TESTDATA", os.path.join(HERE, "..", "..", "shared", "data"))
BUNDLES = [
    ("attack-ics", os.path.join("stix", "attack-ics.json")),
    ("attack-mobile", os.path.join("stix", "attack-mobile.json")),
    ("disarm", os.path.join("stix", "disarm.json")),
    ("oasis-apt1", os.path.join("stix", "oasis-examples", "apt1.json")),
    ("oasis-poisonivy", os.path.join("stix", "oasis-examples", "poisonivy.json")),
]
TARGET = 50_000


def run_once(binary, path):
    data_dir = tempfile.mkdtemp(prefix="bulwark-import-bench-")
    try:
        subprocess.run([binary, "init", "--data-dir", data_dir], check=True, capture_output=True, timeout=120)
        start = time.perf_counter()
        r = subprocess.run([binary, "import", "stix", path, "--data-dir", data_dir, "--log-level", "warn"],
                           capture_output=True, text=True, timeout=3600)
        wall = time.perf_counter() - start
        if r.returncode != 0:
            raise RuntimeError("import failed (%d): %s" % (r.returncode, r.stderr.strip()[-500:]))
        m = re.search(r"objects: (\d+) seen, (\d+) mapped, (\d+) unmapped; (\d+) events", r.stdout)
        a = re.search(r"attributes: (\d+) offered, (\d+) stored, (\d+) unchanged, (\d+) rejected", r.stdout)
        return wall, tuple(map(int, m.groups())), tuple(map(int, a.groups()))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=os.environ.get("BULWARK_BIN", os.path.join(HERE, "..", "build", "release", "bulwark")))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default="", help="comma-separated bundle names")
    args = ap.parse_args()
    only = set(filter(None, args.only.split(",")))
    print("bulwark import stix benchmark: %s, %d runs, load %.2f" % (args.bin, args.runs, os.getloadavg()[0]))
    print("%-16s %8s %8s %8s %7s %9s %9s  %s" % ("bundle", "objects", "mapped", "unmapped", "events", "attrs",
                                                  "rejected", "objects/s per run -> median"))
    failed = False
    total_objects = 0
    total_time = 0.0
    for name, rel in BUNDLES:
        if only and name not in only:
            continue
        path = os.path.join(TESTDATA, rel)
        if not os.path.exists(path):
            print("%-16s missing %s" % (name, path))
            continue
        rates = []
        counts = attrs = None
        walls = []
        try:
            for _ in range(args.runs):
                wall, counts, attrs = run_once(args.bin, path)
                walls.append(wall)
                rates.append(counts[0] / wall)
        except RuntimeError as e:
            print("%-16s FAILED: %s" % (name, e))
            failed = True
            continue
        median = statistics.median(rates)
        total_objects += counts[0]
        total_time += statistics.median(walls)
        print("%-16s %8d %8d %8d %7d %9d %9d  %s -> %.0f%s" % (
            name, counts[0], counts[1], counts[2], counts[3], attrs[1], attrs[3],
            " ".join("%.0f" % r for r in rates), median, "" if median >= TARGET else "  (below the %d target)" % TARGET))
    if total_time > 0:
        overall = total_objects / total_time
        print("all bundles: %d objects in %.2f s (sum of medians) = %.0f objects/s; target %d: %s" % (
            total_objects, total_time, overall, TARGET, "met" if overall >= TARGET else "NOT met"))
    print("load at end %.2f" % os.getloadavg()[0])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
