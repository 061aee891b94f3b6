#!/usr/bin/env python3
"""STIX import throughput of `bulwark import stix` (docs/import.md).

For each bundle (MITRE ATT&CK ICS and Mobile, DISARM, the OASIS apt1 and poisonivy examples) and each of --runs
runs (default 3): a fresh data directory (`bulwark init`), then `bulwark import stix FILE` timed by wall clock
around the whole process (start-up, streaming parse, mapping, validation and normalisation in the hub, the
store's transaction with its change log, exit). Prints objects/s per run and the median, and the importer's own
accounting (objects seen / mapped / unmapped, attributes stored / rejected) so a fast run that dropped data is
visible.

Every run also records the import process's CPU time (user + sys, from wait4), because on a machine shared with
builds the wall clock mostly measures fsync and scheduling waits. Two more rows separate the per-process fixed cost
from the per-object cost: `(empty bundle)` imports a bundle without objects (start-up, opening the hub, exit), and
`(all, one process)` imports the five bundles with one `bulwark import stix F1 ... F5`, so start-up, opening and
closing the store are paid once.

Target (issue): 50,000 objects/s for parse, validate, store and change log. A missed target is reported, not
failed; the exit status is non-zero only when an import fails.

With --baseline OTHER_BIN every run of a row is made with both binaries one after the other (alternating, so a
change in the machine's load hits both), and each row also prints the baseline's medians and the ratio
(this binary / baseline) of the wall and CPU rates.

Only the Python 3 standard library. Usage: python3 bench/import_bench.py --bin build/release/bulwark [--runs 3]
[--baseline build-before/bulwark]
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


def run_import(binary, paths):
    """One `bulwark import stix PATHS...` on a fresh data directory: (wall s, CPU s, per-file counts, attrs)."""
    data_dir = tempfile.mkdtemp(prefix="bulwark-import-bench-")
    try:
        subprocess.run([binary, "init", "--data-dir", data_dir], check=True, capture_output=True, timeout=120)
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            start = time.perf_counter()
            p = subprocess.Popen([binary, "import", "stix", *paths, "--data-dir", data_dir, "--log-level", "warn"],
                                 stdout=out, stderr=err, text=True)
            _, status, usage = os.wait4(p.pid, 0)
            wall = time.perf_counter() - start
            p.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read(), err.read()
        if p.returncode != 0:
            raise RuntimeError("import failed (%d): %s" % (p.returncode, stderr.strip()[-500:]))
        counts = [tuple(map(int, m.groups())) for m in
                  re.finditer(r"objects: (\d+) seen, (\d+) mapped, (\d+) unmapped; (\d+) events", stdout)]
        attrs = [tuple(map(int, a.groups())) for a in
                 re.finditer(r"attributes: (\d+) offered, (\d+) stored, (\d+) unchanged, (\d+) rejected", stdout)]
        return wall, usage.ru_utime + usage.ru_stime, counts, attrs
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def run_once(binary, path):
    wall, cpu, counts, attrs = run_import(binary, [path])
    return wall, cpu, counts[0], attrs[0]


def fixed_cost(binary, runs):
    """Median wall and CPU seconds of importing a bundle without objects."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        f.write('{"type": "bundle", "id": "bundle--6f1b1b9e-3c57-4c5e-9a57-3c7b5d7f1e2a", "objects": []}')
        path = f.name
    try:
        samples = [run_import(binary, [path])[:2] for _ in range(runs)]
    finally:
        os.unlink(path)
    return statistics.median(w for w, _ in samples), statistics.median(c for _, c in samples)


def compare_row(name, baseline, paths, objects, runs):
    """--baseline: `runs` alternating runs of both binaries over `paths`; prints medians and ratios."""
    mine, base = [], []
    for _ in range(runs):
        base.append(run_import(baseline, paths)[:2])
        mine.append(run_import(BIN, paths)[:2])
    def med(samples):
        return statistics.median(w for w, _ in samples), statistics.median(c for _, c in samples)
    (mw, mc), (bw, bc) = med(mine), med(base)
    print("%-18s %8d  this: %.0f/s wall (%.1f ms), %.0f/s CPU (%.1f ms) | baseline: %.0f/s wall (%.1f ms), %.0f/s "
          "CPU (%.1f ms) | ratio wall %.2fx, CPU %.2fx" % (name, objects, objects / mw, mw * 1000, objects / mc, mc * 1000,
                                                          objects / bw, bw * 1000, objects / bc, bc * 1000, bw / mw, bc / mc))


BIN = None


def verdict(rate):
    return "" if rate >= TARGET else "  (below the %d target)" % TARGET


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=os.environ.get("BULWARK_BIN", os.path.join(HERE, "..", "build", "release", "bulwark")))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default="", help="comma-separated bundle names")
    ap.add_argument("--baseline", default="", help="another bulwark binary, run alternately with --bin")
    args = ap.parse_args()
    global BIN
    BIN = args.bin
    if args.baseline:
        return compare(args)
    only = set(filter(None, args.only.split(",")))
    print("bulwark import stix benchmark: %s, %d runs, load %.2f" % (args.bin, args.runs, os.getloadavg()[0]))
    print("%-18s %8s %8s %8s %7s %9s %9s  %s" % ("bundle", "objects", "mapped", "unmapped", "events", "attrs",
                                                  "rejected", "objects/s per run -> median (wall); median by CPU time"))
    failed = False
    total_objects = 0
    total_time = 0.0
    total_cpu = 0.0
    paths = []
    try:
        fixed_wall, fixed_cpu = fixed_cost(args.bin, args.runs)
        print("%-18s %8d %8s %8s %7s %9s %9s  %.1f ms wall, %.1f ms CPU per process" % (
            "(empty bundle)", 0, "", "", "", "", "", fixed_wall * 1000, fixed_cpu * 1000))
    except RuntimeError as e:
        print("%-18s FAILED: %s" % ("(empty bundle)", e))
        failed = True
    for name, rel in BUNDLES:
        if only and name not in only:
            continue
        path = os.path.join(TESTDATA, rel)
        if not os.path.exists(path):
            print("%-18s missing %s" % (name, path))
            continue
        rates = []
        counts = attrs = None
        walls = []
        cpus = []
        try:
            for _ in range(args.runs):
                wall, cpu, counts, attrs = run_once(args.bin, path)
                walls.append(wall)
                cpus.append(cpu)
                rates.append(counts[0] / wall)
        except RuntimeError as e:
            print("%-18s FAILED: %s" % (name, e))
            failed = True
            continue
        median = statistics.median(rates)
        total_objects += counts[0]
        total_time += statistics.median(walls)
        total_cpu += statistics.median(cpus)
        paths.append(path)
        print("%-18s %8d %8d %8d %7d %9d %9d  %s -> %.0f%s; CPU %.1f ms = %.0f/s" % (
            name, counts[0], counts[1], counts[2], counts[3], attrs[1], attrs[3],
            " ".join("%.0f" % r for r in rates), median, verdict(median), statistics.median(cpus) * 1000,
            counts[0] / statistics.median(cpus)))
    if total_time > 0:
        overall = total_objects / total_time
        print("all bundles: %d objects in %.2f s (sum of medians) = %.0f objects/s; target %d: %s; by CPU time "
              "(%.3f s) %.0f objects/s" % (total_objects, total_time, overall, TARGET,
                                           "met" if overall >= TARGET else "NOT met", total_cpu, total_objects / total_cpu))
    if len(paths) > 1:
        try:
            samples = [run_import(args.bin, paths)[:2] for _ in range(args.runs)]
            rates = [total_objects / w for w, _ in samples]
            cpu = statistics.median(c for _, c in samples)
            median = statistics.median(rates)
            print("%-18s %8d %8s %8s %7s %9s %9s  %s -> %.0f%s; CPU %.1f ms = %.0f/s" % (
                "(all, one process)", total_objects, "", "", "", "", "", " ".join("%.0f" % r for r in rates), median,
                verdict(median), cpu * 1000, total_objects / cpu))
        except RuntimeError as e:
            print("%-18s FAILED: %s" % ("(all, one process)", e))
            failed = True
    print("load at end %.2f" % os.getloadavg()[0])
    return 1 if failed else 0


def compare(args):
    only = set(filter(None, args.only.split(",")))
    print("bulwark import stix, %s vs baseline %s: %d alternating runs each, medians; load %.2f" % (
        args.bin, args.baseline, args.runs, os.getloadavg()[0]))
    paths, total = [], 0
    for name, rel in BUNDLES:
        path = os.path.join(TESTDATA, rel)
        if (only and name not in only) or not os.path.exists(path):
            continue
        objects = run_once(args.bin, path)[2][0]
        compare_row(name, args.baseline, [path], objects, args.runs)
        paths.append(path)
        total += objects
    if len(paths) > 1:
        compare_row("(all, one process)", args.baseline, paths, total, args.runs)
    print("load at end %.2f" % os.getloadavg()[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
