// LineMatcher: looks up what a log shows (free text or typed fields) in an IndicatorSet and hands every hit to
// a MatchEmitter with where it was found. One per reading thread: it keeps a scratch buffer for URL normal
// forms so the hot path does not allocate. Not thread-safe; the IndicatorSet it reads is (set() per batch).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "match/indicator_set.h"

namespace bulwark::match {

// What a log field holds, which decides how it is looked up.
enum class FieldKind : uint8_t {
  kText,       // free text: the scanner extracts every IP, domain, URL, e-mail and hash
  kIp,         // one address (falls back to kText when it does not parse)
  kDomain,     // a host name (DNS query, TLS SNI, HTTP Host)
  kUrl,        // a full URL, or host+path
  kUserAgent,  // HTTP User-Agent: substring indicators, then kText
  kJa3,        // JA3/JA3S md5
  kHash,       // md5/sha1/sha256/sha512
  kFilename,
  kEmail,      // an address, possibly "Name <a@b>" or a list: scanned as text
};

// Where the current line came from; set by the reader before each line.
struct LinePosition {
  std::string_view input;   // file name, "-" for stdin, "udp:HOST:PORT"
  std::string_view format;  // "text", "zeek", "zeek-json", "eve", "syslog", "cef"
  uint64_t line = 0;        // 1-based
  uint64_t offset = 0;      // byte offset of the line's first byte in the input
};

struct MatchRecord {
  const LinePosition* position = nullptr;
  std::string_view field;     // "text" for free text
  std::string_view observed;  // the value seen in the log
  uint64_t offset = 0;        // byte offset of the observed value in the input (line start when unknown)
  IndicatorHit hit;
};

class MatchEmitter {
 public:
  virtual ~MatchEmitter() = default;
  virtual void OnMatch(const MatchRecord& record) = 0;
};

class LineMatcher {
 public:
  explicit LineMatcher(MatchEmitter* emitter) : emitter_(emitter) {}

  // The set to use from now on (the caller keeps it alive) and the position of the current line.
  void set_indicators(const IndicatorSet* set) { set_ = set; }
  void set_position(const LinePosition* position) { position_ = position; }

  // `value` sits at `offset_in_line` bytes into the current line (for the reported offset).
  void Match(FieldKind kind, std::string_view field, std::string_view value, size_t offset_in_line);
  // HTTP host plus URI (Zeek http.log host/uri, eve http.hostname/url): looked up as a URL key too.
  void MatchHostUri(std::string_view host, std::string_view uri, size_t offset_in_line);

  uint64_t matches() const { return matches_; }

  // Scanner visitor (public for ScanText).
  void OnIpv4(uint32_t a, std::string_view text, size_t off);
  void OnIp(const IpAddress& a, std::string_view text, size_t off);
  void OnDomain(std::string_view name, size_t off);
  void OnUrl(std::string_view url, size_t off);
  void OnEmail(std::string_view address, size_t off);
  void OnHash(std::string_view hex, size_t off);

 private:
  void Emit(const IndicatorHit& hit, std::string_view observed, size_t off);
  // Keys are queued with their hashes (their Bloom lines prefetched) and probed together at the end of each
  // field, so one field's cache misses overlap.
  struct Pending {
    uint64_t hash;
    const char* key;      // into the line, ip_keys_ or url_keys_ (by offset: url_keys_ may grow)
    uint32_t key_length;
    uint32_t url_offset;  // kUrl: offset into url_keys_
    uint32_t group;       // IP lookups of one address: only the longest matching prefix is reported
    KeyKind kind;
    bool lpm;
    std::string_view observed;
    size_t offset;
  };
  void Queue(uint64_t hash, KeyKind kind, std::string_view key, std::string_view observed, size_t off, uint32_t group,
             bool lpm);
  void QueueIpKeys(const char* family_and_bytes, size_t addr_bytes, const std::vector<uint8_t>& lengths,
                   const uint8_t* full, std::string_view observed, size_t off);
  void FlushPending();

  static constexpr size_t kMaxPending = 64;
  Pending pending_[kMaxPending];
  size_t n_pending_ = 0;
  uint32_t group_ = 0;
  char ip_keys_[kMaxPending][18];
  std::string url_keys_;

  MatchEmitter* emitter_;
  const IndicatorSet* set_ = nullptr;
  const LinePosition* position_ = nullptr;
  std::string_view field_;
  size_t base_ = 0;  // offset of the scanned text within the line
  std::string scratch_;
  uint64_t matches_ = 0;
};

}  // namespace bulwark::match
