#!/usr/bin/env python3
"""Streaming matcher benchmark (issue 4): `bulwark match` against `grep -F -f` on the same input.

Generates, deterministically from --seed, into --dir (default /tmp/bulwark-match-bench, reused when present):
  - indicators.txt: 1,000,000 indicators, one per line (domains 50%, IPv4 25%, URLs 15%, hashes 10%);
  - dns-proxy-<size>.log: a plain-text DNS/proxy log of --size bytes (default 1 GiB) with --planted indicators
    planted in it (domains as subdomains, IPs as destinations, URLs in proxy requests, hashes in file lines);
  - zeek-dns-<n>.json: a Zeek JSON dns.log of --zeek-lines lines (default 5,000,000) with planted queries.
Runs `LC_ALL=C grep -F -f indicators.txt LOG` and `bulwark match --indicators indicators.txt --stats LOG`
--reps times (default 3) and prints medians: wall throughput of both, the ratio, bulwark's matching-only
throughput (from --stats: the load of the indicators excluded; wall and CPU time of the matching thread, CPU
being the honest per-core figure on a shared machine), and Zeek JSON lines/s. Checks that bulwark
reported every planted indicator; exits non-zero only when it did not (targets are reported, never enforced).
The matcher is single-threaded: its figures are per core.
"""
import argparse
import hashlib
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time

TLDS = ["com", "net", "org", "info", "ru", "cn", "io", "biz", "xyz", "top", "de", "uk", "fr", "nl"]
ALPHA = "abcdefghijklmnopqrstuvwxyz"
ALNUM = ALPHA + "0123456789"


def rand_label(rng, lo=5, hi=12):
    return "".join(rng.choice(ALNUM) for _ in range(rng.randint(lo, hi)))


def gen_indicators(rng, n):
    """Returns (list of indicator lines, dict kind -> list)."""
    kinds = {"domain": [], "ip": [], "url": [], "hash": []}
    seen = set()
    out = []
    while len(out) < n:
        r = rng.random()
        if r < 0.50:
            v = rand_label(rng, 6, 14) + "." + rng.choice(TLDS)
            k = "domain"
        elif r < 0.75:
            v = "%d.%d.%d.%d" % (rng.randint(11, 99), rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254))
            k = "ip"
        elif r < 0.90:
            v = "http://%s.%s/%s/%s.php" % (rand_label(rng, 6, 12), rng.choice(TLDS), rand_label(rng, 3, 8),
                                             rand_label(rng, 3, 8))
            k = "url"
        else:
            v = "%032x" % rng.getrandbits(128) if rng.random() < 0.5 else "%064x" % rng.getrandbits(256)
            k = "hash"
        if v in seen:
            continue
        seen.add(v)
        out.append(v)
        kinds[k].append(v)
    return out, kinds


def benign_pools(rng):
    # Benign names use a label alphabet that indicators never produce in that position ("-" inside), so a
    # plain-text log never matches an indicator by accident; grep -F may still find substrings, which only
    # costs it time.
    domains = ["%s-%s.%s" % (rand_label(rng, 3, 8), rand_label(rng, 3, 8), rng.choice(TLDS)) for _ in range(50000)]
    clients = ["10.%d.%d.%d" % (rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254)) for _ in range(5000)]
    servers = ["%d.%d.%d.%d" % (rng.randint(100, 223), rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254))
               for _ in range(20000)]
    paths = ["/%s/%s" % (rand_label(rng, 3, 10), rand_label(rng, 3, 10)) for _ in range(20000)]
    return domains, clients, servers, paths


def gen_log(rng, path, size, kinds, planted_n):
    domains, clients, servers, paths = benign_pools(rng)
    # Plant: choose indicators of each kind and line numbers to put them at.
    plant = []
    for k, share in (("domain", 0.4), ("ip", 0.25), ("url", 0.2), ("hash", 0.15)):
        plant += [(k, v) for v in rng.sample(kinds[k], int(planted_n * share))]
    est_lines = size // 120
    slots = sorted(rng.sample(range(10, max(est_lines - 10, planted_n + 20)), len(plant)))
    plant_at = dict(zip(slots, plant))
    planted = []
    written = 0
    line_no = 0
    ts = 1714564801.0
    buf = []
    buf_bytes = 0
    choice, rint = rng.choice, rng.randint
    with open(path + ".tmp", "w") as f:
        while written < size:
            line_no += 1
            ts += 0.001
            p = plant_at.get(line_no)
            if p is not None:
                k, v = p
                planted.append(v)
                if k == "domain":
                    line = "%.3f dns client %s#%d query: www.%s IN A +" % (ts, choice(clients), rint(1024, 65535), v)
                elif k == "ip":
                    line = "%.3f 17 %s TCP_MISS/200 812 CONNECT %s:443 - DIRECT/%s -" % (ts, choice(clients), v, v)
                elif k == "url":
                    line = "%.3f 35 %s TCP_MISS/200 2048 GET %s - DIRECT/%s text/html" % (
                        ts, choice(clients), v, choice(servers))
                else:
                    line = "%.3f file download client %s sha=%s size=%d" % (ts, choice(clients), v, rint(100, 99999))
            elif line_no & 1:
                line = "%.3f dns client %s#%d query: %s IN A + (%s)" % (
                    ts, choice(clients), rint(1024, 65535), choice(domains), choice(servers))
            else:
                d = choice(domains)
                line = "%.3f %d %s TCP_MISS/200 %d GET http://www.%s%s.html - DIRECT/%s text/html" % (
                    ts, rint(1, 999), choice(clients), rint(200, 99999), d, choice(paths), choice(servers))
            buf.append(line)
            buf_bytes += len(line) + 1
            if buf_bytes > (1 << 20):
                f.write("\n".join(buf) + "\n")
                written += buf_bytes
                buf, buf_bytes = [], 0
        if buf:
            f.write("\n".join(buf) + "\n")
    os.rename(path + ".tmp", path)
    return planted


def gen_zeek(rng, path, n, kinds, planted_n):
    domains, clients, servers, _ = benign_pools(rng)
    plant = rng.sample(kinds["domain"], planted_n)
    plant_at = dict(zip(sorted(rng.sample(range(n), planted_n)), plant))
    planted = []
    choice, rint = rng.choice, rng.randint
    uid_chars = ALPHA + ALPHA.upper() + "0123456789"
    with open(path + ".tmp", "w") as f:
        buf = []
        for i in range(n):
            q = plant_at.get(i)
            if q is not None:
                planted.append(q)
                q = "cdn." + q
            else:
                q = choice(domains)
            uid = "C" + "".join(choice(uid_chars) for _ in range(17))
            buf.append('{"ts":%.6f,"uid":"%s","id.orig_h":"%s","id.orig_p":%d,"id.resp_h":"10.0.0.1","id.resp_p":53,'
                       '"proto":"udp","trans_id":%d,"rtt":0.0012,"query":"%s","qclass":1,"qclass_name":"C_INTERNET",'
                       '"qtype":1,"qtype_name":"A","rcode":0,"rcode_name":"NOERROR","AA":false,"TC":false,"RD":true,'
                       '"RA":true,"Z":0,"answers":["%s"],"TTLs":[300.0],"rejected":false}'
                       % (1714564801 + i * 0.001, uid, choice(clients), rint(1024, 65535), rint(0, 65535), q,
                          choice(servers)))
            if len(buf) >= 20000:
                f.write("\n".join(buf) + "\n")
                buf = []
        if buf:
            f.write("\n".join(buf) + "\n")
    os.rename(path + ".tmp", path)
    return planted


def cached(path, planted_path, make):
    if os.path.exists(path) and os.path.exists(planted_path):
        with open(planted_path) as f:
            return json.load(f)
    planted = make()
    with open(planted_path, "w") as f:
        json.dump(planted, f)
    return planted


STATS_RE = re.compile(r"bulwark match: (\d+) lines, (\d+) bytes, (\d+) matches in ([\d.]+) s .*cpu ([\d.]+) s")


def run_bulwark(binary, indicators, log, out, fmt):
    t0 = time.monotonic()
    p = subprocess.run([binary, "match", "--indicators", indicators, "--format", fmt, "--stats", "--output", out, log],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit("bulwark match failed (%d): %s" % (p.returncode, p.stderr))
    m = STATS_RE.search(p.stderr)
    if not m:
        sys.exit("no --stats line in: " + p.stderr)
    return wall, int(m.group(1)), int(m.group(3)), float(m.group(4)), float(m.group(5)), p.stderr


def check_planted(out, planted):
    found = set()
    with open(out) as f:
        for line in f:
            found.add(json.loads(line)["indicator"])
    missing = [v for v in planted if v not in found]
    return missing, len(found)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.environ.get("BULWARK_BIN", "build/release/bulwark"))
    ap.add_argument("--dir", default="/tmp/bulwark-match-bench")
    ap.add_argument("--size", type=int, default=1 << 30, help="bytes of plain-text log (default 1 GiB)")
    ap.add_argument("--indicators", type=int, default=1_000_000)
    ap.add_argument("--planted", type=int, default=400)
    ap.add_argument("--zeek-lines", type=int, default=5_000_000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--skip-grep", action="store_true", help="do not run grep (its time dominates)")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    rng = random.Random(a.seed)
    ind_path = os.path.join(a.dir, "indicators-%d-s%d.txt" % (a.indicators, a.seed))
    kinds_path = ind_path + ".kinds.json"
    if os.path.exists(ind_path) and os.path.exists(kinds_path):
        with open(kinds_path) as f:
            kinds = json.load(f)
    else:
        print("generating %d indicators ..." % a.indicators, flush=True)
        lines, kinds = gen_indicators(rng, a.indicators)
        with open(ind_path, "w") as f:
            f.write("\n".join(lines) + "\n")
        with open(kinds_path, "w") as f:
            json.dump(kinds, f)
    log_path = os.path.join(a.dir, "dns-proxy-%d-s%d-p%d.log" % (a.size, a.seed, a.planted))
    planted = cached(log_path, log_path + ".planted.json",
                     lambda: (print("generating %d-byte log ..." % a.size, flush=True),
                              gen_log(random.Random(a.seed + 1), log_path, a.size, kinds, a.planted))[1])
    zeek_path = os.path.join(a.dir, "zeek-dns-%d-s%d.json" % (a.zeek_lines, a.seed))
    zeek_planted = cached(zeek_path, zeek_path + ".planted.json",
                          lambda: (print("generating %d Zeek JSON lines ..." % a.zeek_lines, flush=True),
                                   gen_zeek(random.Random(a.seed + 2), zeek_path, a.zeek_lines, kinds,
                                            min(a.planted, a.zeek_lines // 10)))[1])
    size = os.path.getsize(log_path)
    mb = size / 1e6
    print("input: %s (%.1f MB, %d planted), %d indicators, %d reps, load average %s" %
          (log_path, mb, len(planted), a.indicators, a.reps, os.getloadavg()), flush=True)
    out = os.path.join(a.dir, "matches.jsonl")

    grep_times = []
    if not a.skip_grep:
        for _ in range(a.reps):
            t0 = time.monotonic()
            p = subprocess.run(["grep", "-F", "-c", "-f", ind_path, log_path], stdout=subprocess.PIPE,
                               env=dict(os.environ, LC_ALL="C"))
            grep_times.append(time.monotonic() - t0)
            grep_lines = p.stdout.strip().decode()
        print("grep -F -f: %.2f s median (%s) -> %.1f MB/s; %s matching lines" %
              (statistics.median(grep_times), ", ".join("%.2f" % t for t in grep_times),
               mb / statistics.median(grep_times), grep_lines), flush=True)

    walls, scans, cpus, matches = [], [], [], 0
    stderr = ""
    for _ in range(a.reps):
        if os.path.exists(out):
            os.remove(out)
        wall, lines, matches, scan_s, cpu_s, stderr = run_bulwark(a.bin, ind_path, log_path, out, "text")
        walls.append(wall)
        scans.append(scan_s)
        cpus.append(cpu_s)
    missing, distinct = check_planted(out, planted)
    w, s, c = statistics.median(walls), statistics.median(scans), statistics.median(cpus)
    print("bulwark match (1 thread): wall %.2f s median (%s) -> %.1f MB/s end to end (indicator load included); "
          "matching wall %.2f s -> %.1f MB/s; matching CPU %.2f s -> %.1f MB/s per core; %d matches, "
          "%d distinct indicators" %
          (w, ", ".join("%.2f" % t for t in walls), mb / w, s, mb / s, c, mb / c, matches, distinct))
    print("  " + stderr.strip().replace("\n", "\n  "))
    if grep_times:
        g = statistics.median(grep_times)
        print("ratio grep/bulwark time: %.1fx end to end, %.1fx matching only (target 30x)" % (g / w, g / s))
    print("planted found: %d of %d%s" % (len(planted) - len(missing), len(planted),
                                          "" if not missing else " MISSING e.g. " + ", ".join(missing[:5])))

    zwalls, zscans, zcpus = [], [], []
    zlines = 0
    for _ in range(a.reps):
        if os.path.exists(out):
            os.remove(out)
        wall, zlines, zm, scan_s, cpu_s, _ = run_bulwark(a.bin, ind_path, zeek_path, out, "auto")
        zwalls.append(wall)
        zscans.append(scan_s)
        zcpus.append(cpu_s)
    zmissing, _ = check_planted(out, zeek_planted)
    zs, zc = statistics.median(zscans), statistics.median(zcpus)
    print("zeek json dns.log (1 thread): %d lines, matching wall %.2f s -> %.0f lines/s; matching CPU %.2f s -> "
          "%.0f lines/s per core (target 1,000,000); end-to-end wall %.2f s; %d matches; planted found %d of %d" %
          (zlines, zs, zlines / zs, zc, zlines / zc, statistics.median(zwalls), zm,
           len(zeek_planted) - len(zmissing), len(zeek_planted)))
    if missing or zmissing:
        sys.exit(1)


if __name__ == "__main__":
    main()
