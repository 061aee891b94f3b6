// End-to-end CSV export: `bulwark export --format csv` over a hub holding N attributes (issue 3: "CSV export of
// 10 million attributes: at least 1,000,000 rows per second, constant memory"). Not a Google Benchmark: the
// figure is the real binary's, measured from the outside.
//
//   csv_export_bench fill --data-dir D --attributes N [--per-event 10000]
//       Fills an initialised hub (`bulwark init --data-dir D` first) through the Store API directly (no HTTP, no
//       correlation), so 1M attributes take seconds: events of --per-event attributes with hub_core.py's type
//       mix, 5 % of attributes in 3-attribute objects, 5 % with one attribute tag, every event tagged tlp:green,
//       1 % soft-deleted (the export must leave them out).
//   csv_export_bench run --bin build/X/bulwark --data-dir D [--reps 3]
//       Runs `bulwark export --data-dir D --format csv` --reps times, reading its standard output through a pipe
//       and counting the lines (each answer is checked: header + one line per non-deleted attribute + the empty
//       last line). Prints per run the wall and CPU time, rows/s on each, peak RSS (ru_maxrss of the child, as
//       /usr/bin/time -v reports it; it counts the database pages SQLite reads through its memory map) and peak
//       RssAnon (the process's own memory, sampled every 10 ms), then the medians. A first run with a filter that
//       matches nothing measures the start-up cost alone (opening the store; the export builds no attribute
//       index), shown as "startup".
//
// Exits non-zero when the export fails or answers the wrong number of rows, never because a target was missed.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "store/sqlite/sqlite_store.h"

namespace {

using bulwark::Status;
using namespace bulwark;  // NOLINT: a bench's main file

struct Args {
  std::string mode;
  std::string data_dir;
  std::string bin;
  long long attributes = 1'000'000;
  long long per_event = 10'000;
  int reps = 3;
};

bool ParseNumber(const char* text, long long& out) {
  const char* end = text + std::strlen(text);
  auto [ptr, ec] = std::from_chars(text, end, out);
  return ec == std::errc() && ptr == end;
}

bool ParseArgs(int argc, char** argv, Args& a) {
  if (argc < 2) return false;
  a.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--data-dir") {
      a.data_dir = v;
    } else if (k == "--bin") {
      a.bin = v;
    } else if (k == "--attributes") {
      if (!ParseNumber(v, a.attributes)) return false;
    } else if (k == "--per-event") {
      if (!ParseNumber(v, a.per_event)) return false;
    } else if (k == "--reps") {
      long long reps = 0;
      if (!ParseNumber(v, reps) || reps > 100) return false;
      a.reps = static_cast<int>(reps);
    } else {
      return false;
    }
  }
  return !a.data_dir.empty() && a.attributes > 0 && a.per_event > 0 && a.reps > 0;
}

// Deterministic 64-bit mixer (splitmix64), so every run builds the same corpus.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

void FillValue(uint64_t n, model::Attribute& a) {
  char buf[128];
  const uint64_t h = Mix(n);
  const unsigned pick = static_cast<unsigned>(h % 100);
  a.category = "Network activity";
  if (pick < 20) {
    a.type = "ip-dst";
    std::snprintf(buf, sizeof(buf), "10.%u.%u.%u", unsigned(n >> 16 & 255), unsigned(n >> 8 & 255), unsigned(n & 255));
  } else if (pick < 30) {
    a.type = "ip-src";
    std::snprintf(buf, sizeof(buf), "172.%u.%u.%u", unsigned(16 + (n >> 16 & 15)), unsigned(n >> 8 & 255),
                  unsigned(n & 255));
  } else if (pick < 45) {
    a.type = "domain";
    std::snprintf(buf, sizeof(buf), "c2-%llu.evil.example", static_cast<unsigned long long>(n));
  } else if (pick < 55) {
    a.type = "hostname";
    std::snprintf(buf, sizeof(buf), "mail%llu.bad.example", static_cast<unsigned long long>(n));
  } else if (pick < 70) {
    a.type = "url";
    std::snprintf(buf, sizeof(buf), "https://evil%llu.example/gate.php?id=%llu", static_cast<unsigned long long>(n),
                  static_cast<unsigned long long>(h & 0xffff));
  } else if (pick < 80) {
    a.type = "md5";
    a.category = "Payload delivery";
    std::snprintf(buf, sizeof(buf), "%016llx%016llx", static_cast<unsigned long long>(h),
                  static_cast<unsigned long long>(Mix(h)));
  } else if (pick < 90) {
    a.type = "sha256";
    a.category = "Payload delivery";
    std::snprintf(buf, sizeof(buf), "%016llx%016llx%016llx%016llx", static_cast<unsigned long long>(h),
                  static_cast<unsigned long long>(Mix(h)), static_cast<unsigned long long>(Mix(h + 1)),
                  static_cast<unsigned long long>(Mix(h + 2)));
  } else if (pick < 95) {
    a.type = "email-src";
    a.category = "Payload delivery";
    std::snprintf(buf, sizeof(buf), "sender%llu@phish.example", static_cast<unsigned long long>(n));
  } else {
    a.type = "filename|sha256";
    a.category = "Payload delivery";
    std::snprintf(buf, sizeof(buf), "invoice_%llu.exe", static_cast<unsigned long long>(n));
    a.value1 = buf;
    std::snprintf(buf, sizeof(buf), "%016llx%016llx%016llx%016llx", static_cast<unsigned long long>(Mix(h + 3)),
                  static_cast<unsigned long long>(Mix(h + 4)), static_cast<unsigned long long>(Mix(h + 5)),
                  static_cast<unsigned long long>(Mix(h + 6)));
    a.value2 = buf;
    return;
  }
  a.value1 = buf;
}

model::Attribute MakeAttribute(uint64_t n, const std::vector<model::Tag>& tags) {
  model::Attribute a;
  FillValue(n, a);
  a.to_ids = true;
  a.timestamp = 1700000000 + static_cast<int64_t>(n % 1000000);
  if (n % 7 == 0) a.comment = "seen in the \"invoice\" wave, part 2";
  const uint64_t h = Mix(n ^ 0x5555);
  if (h % 100 < 5) a.tags.push_back(model::AppliedTag{tags[1 + h % (tags.size() - 1)], false});
  if (h % 1000 >= 990) a.deleted = true;
  return a;
}

Result<std::vector<model::Tag>> EnsureTags(store::Store& s) {
  std::vector<model::Tag> tags;
  Status written = s.Write([&](store::WriteTxn& txn) -> Status {
    for (const char* name : {"tlp:green", "tlp:amber", "pap:green", "admiralty-scale:source-reliability=\"b\""}) {
      BW_ASSIGN_OR_RETURN(auto found, txn.FindTagByName(name));
      if (found) {
        tags.push_back(*found);
        continue;
      }
      model::Tag t;
      t.name = name;
      t.colour = "#339900";
      BW_RETURN_IF_ERROR(txn.InsertTag(t));
      tags.push_back(t);
    }
    return Ok();
  });
  if (!written.ok()) return written.error();
  return tags;
}

int Fill(const Args& a) {
  SystemClock clock;
  store::SqliteOptions options;
  options.path = a.data_dir + "/bulwark.db";
  options.durability = store::Durability::kNormal;
  auto st = store::OpenSqliteStore(options, clock);
  if (!st.ok()) {
    std::fprintf(stderr, "fill: %s\n", st.error().message.c_str());
    return 1;
  }
  store::Store& s = **st;
  auto tags = EnsureTags(s);
  if (!tags.ok()) {
    std::fprintf(stderr, "fill: %s\n", tags.error().message.c_str());
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  long long deleted = 0;
  long long made = 0;
  for (long long e = 0; made < a.attributes; ++e) {
    model::Event ev;
    ev.info = "Synthetic export benchmark event " + std::to_string(e);
    ev.date = "2026-01-15";
    ev.org_id = 1;
    ev.orgc_id = 1;
    ev.user_id = 1;
    ev.published = e % 2 == 0;
    ev.timestamp = 1700000000 + e;
    ev.threat_level = model::ThreatLevel::kHigh;
    ev.analysis = model::Analysis::kOngoing;
    ev.distribution = model::Distribution::kCommunity;
    ev.tags.push_back(model::AppliedTag{(*tags)[0], false});
    const long long count = std::min(a.per_event, a.attributes - made);
    for (long long i = 0; i < count;) {
      const uint64_t n = static_cast<uint64_t>(made + i);
      if (Mix(n ^ 0xabc) % 100 < 5 && i + 3 <= count) {  // a 3-attribute domain-ip object
        model::Object o;
        o.name = "domain-ip";
        o.meta_category = "network";
        o.template_uuid = "43b3b146-77eb-4931-b4cc-b66c60f28734";
        o.template_version = "9";
        o.timestamp = 1700000000;
        for (int k = 0; k < 3; ++k) {
          model::Attribute attr = MakeAttribute(n + k, *tags);
          attr.object_relation = k == 0 ? "domain" : k == 1 ? "ip" : "text";
          deleted += attr.deleted;
          o.attributes.push_back(std::move(attr));
        }
        ev.objects.push_back(std::move(o));
        i += 3;
        continue;
      }
      model::Attribute attr = MakeAttribute(n, *tags);
      deleted += attr.deleted;
      ev.attributes.push_back(std::move(attr));
      ++i;
    }
    Status ws = s.Write([&](store::WriteTxn& txn) { return txn.InsertEvent(ev); });
    if (!ws.ok()) {
      std::fprintf(stderr, "fill: %s\n", ws.error().message.c_str());
      return 1;
    }
    made += count;
    if (e % 20 == 19) std::fprintf(stderr, "fill: %lld attributes\n", made);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("filled %lld attributes (%lld soft-deleted) in %.1f s; expected CSV rows %lld\n", made, deleted, secs,
              made - deleted);
  return 0;
}

struct RunResult {
  bool ok = false;
  double seconds = 0;
  double cpu_seconds = 0;  // user + system time of the child
  long long lines = 0;
  long max_rss_kib = 0;    // ru_maxrss: counts the database pages read through SQLite's memory map too
  long max_anon_kib = 0;   // the largest RssAnon sampled every 10 ms: the process's own (heap) memory
};

// RssAnon of `pid` in KiB from /proc/<pid>/status, or -1.
long RssAnonKib(pid_t pid) {
  char path[64];
  std::snprintf(path, sizeof(path), "/proc/%d/status", static_cast<int>(pid));
  std::FILE* f = std::fopen(path, "r");
  if (f == nullptr) return -1;
  char line[256];
  long kib = -1;
  while (std::fgets(line, sizeof(line), f) != nullptr) {
    if (std::strncmp(line, "RssAnon:", 8) != 0) continue;
    long long v = 0;
    const char* p = line + 8;
    while (*p == ' ' || *p == '\t') ++p;
    const char* end = p;
    while (*end >= '0' && *end <= '9') ++end;
    if (std::from_chars(p, end, v).ec == std::errc()) kib = static_cast<long>(v);
    break;
  }
  std::fclose(f);
  return kib;
}

// Runs bin with argv, counting the lines of its standard output.
RunResult RunExport(const std::string& bin, const std::vector<std::string>& args) {
  RunResult r;
  int fds[2];
  if (pipe(fds) != 0) return r;
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid < 0) return r;
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(bin.c_str()));
    for (const auto& x : args) argv.push_back(const_cast<char*>(x.c_str()));
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  std::atomic<bool> running{true};
  std::atomic<long> max_anon{0};
  std::thread sampler([&] {
    while (running.load()) {
      long kib = RssAnonKib(pid);
      if (kib > max_anon.load()) max_anon.store(kib);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  std::vector<char> buf(1 << 20);
  while (true) {
    ssize_t n = read(fds[0], buf.data(), buf.size());
    if (n <= 0) break;
    for (const char* p = buf.data(); (p = static_cast<const char*>(std::memchr(p, '\n', buf.data() + n - p)));
         ++p) {
      ++r.lines;
    }
  }
  close(fds[0]);
  int status = 0;
  struct rusage ru {};
  running.store(false);  // the child closed its output: it is about to exit
  sampler.join();
  wait4(pid, &status, 0, &ru);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.cpu_seconds = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                  static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  r.max_rss_kib = ru.ru_maxrss;
  r.max_anon_kib = max_anon.load();
  r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  return r;
}

int Run(const Args& a) {
  if (a.bin.empty()) return 2;
  const std::vector<std::string> base = {"export", "--data-dir", a.data_dir, "--format", "csv"};
  std::vector<std::string> none = base;
  none.insert(none.end(), {"--filter", R"({"type":"no-such-type"})"});
  RunResult startup = RunExport(a.bin, none);
  if (!startup.ok) {
    std::fprintf(stderr, "run: the export failed\n");
    return 1;
  }
  std::printf("startup (empty export): %.2f s wall, %.2f s CPU, peak RSS %.1f MiB, peak RssAnon %.1f MiB\n",
              startup.seconds, startup.cpu_seconds, startup.max_rss_kib / 1024.0, startup.max_anon_kib / 1024.0);
  std::vector<double> rates, cpu_rates, net_rates;
  std::vector<long> rss, anon;
  long long rows = -1;
  for (int i = 0; i < a.reps; ++i) {
    RunResult r = RunExport(a.bin, base);
    if (!r.ok || r.lines < 2) {
      std::fprintf(stderr, "run: the export failed\n");
      return 1;
    }
    const long long got = r.lines - 2;  // header, rows, empty last line
    if (rows >= 0 && got != rows) {
      std::fprintf(stderr, "run: row count changed between runs (%lld, %lld)\n", rows, got);
      return 1;
    }
    rows = got;
    const double n = static_cast<double>(got);
    rates.push_back(n / r.seconds);
    cpu_rates.push_back(n / r.cpu_seconds);
    net_rates.push_back(n / std::max(1e-9, r.seconds - startup.seconds));
    rss.push_back(r.max_rss_kib);
    anon.push_back(r.max_anon_kib);
    std::printf("run %d: %lld rows in %.2f s wall (%.2f s CPU) = %.0f rows/s, %.0f rows/s per CPU second, %.0f rows/s "
                "after startup; peak RSS %.1f MiB, peak RssAnon %.1f MiB\n",
                i + 1, got, r.seconds, r.cpu_seconds, rates.back(), cpu_rates.back(), net_rates.back(),
                r.max_rss_kib / 1024.0, r.max_anon_kib / 1024.0);
  }
  auto median = [](auto v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::printf("median of %d: %lld rows, %.0f rows/s end to end, %.0f rows/s per CPU second, %.0f rows/s after "
              "startup; peak RSS %.1f MiB, peak RssAnon %.1f MiB (startup alone: %.1f / %.1f MiB)\n",
              a.reps, rows, median(rates), median(cpu_rates), median(net_rates), median(rss) / 1024.0,
              median(anon) / 1024.0, startup.max_rss_kib / 1024.0, startup.max_anon_kib / 1024.0);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (!ParseArgs(argc, argv, a) || (a.mode != "fill" && a.mode != "run")) {
    std::fprintf(stderr,
                 "usage: csv_export_bench fill --data-dir D --attributes N [--per-event 10000]\n"
                 "       csv_export_bench run --bin BULWARK --data-dir D [--reps 3]\n");
    return 2;
  }
  return a.mode == "fill" ? Fill(a) : Run(a);
}
