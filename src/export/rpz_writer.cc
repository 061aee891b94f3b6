// A DNS response policy zone as MISP's RPZExport writes it, streamed in row order (see export.h).
#include <string>

#include "common/ip.h"
#include "export/escape.h"
#include "export/writers.h"

namespace bulwark::exporter::internal {
namespace {

enum Kind : uint8_t { kDomain = 1, kHostname = 2, kIp = 3 };

std::string_view Explanation(RpzPolicy p) {
  switch (p) {
    case RpzPolicy::kDrop:
      return "time out (DROP).";
    case RpzPolicy::kNxdomain:
      return "return NXDOMAIN (name does not exist) irrespective of actual result received.";
    case RpzPolicy::kNodata:
      return "return NODATA (name exists but no answers returned) irrespective of actual result received.";
    case RpzPolicy::kWalledGarden:
      return "return the defined alternate location (walled garden).";
    case RpzPolicy::kPassthru:
      return "be let through (PASSTHRU), exempt from other policies.";
    case RpzPolicy::kTcpOnly:
      return "be answered over TCP only (TCP-only).";
  }
  return "";
}

std::string_view StripTrailingDot(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return s;
}

// "3600", "2h", "1w2d" (BIND shorthand); at most 16 bytes.
bool IsDuration(std::string_view s) {
  if (s.empty() || s.size() > 16) return false;
  bool digits = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (std::string_view("smhdwSMHDW").find(c) != std::string_view::npos && digits) {
      digits = false;
    } else {
      return false;
    }
  }
  return true;
}

// The RPZ-IP owner label: "<prefix>.<address reversed>" (IPv4 octets; IPv6 words with "zz" for the longest
// run of two or more zero words).
void AppendRpzIp(Sink& sink, const Cidr& cidr) {
  sink.AppendInt(cidr.prefix_length());
  const IpAddress& a = cidr.network();
  if (a.is_v4()) {
    const uint32_t v = a.v4_value();
    for (int i = 0; i < 4; ++i) {
      sink.Append('.');
      sink.AppendInt((v >> (8 * i)) & 0xff);
    }
    return;
  }
  uint16_t w[8];
  for (int i = 0; i < 8; ++i) w[i] = static_cast<uint16_t>((a.bytes()[2 * i] << 8) | a.bytes()[2 * i + 1]);
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (w[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && w[j] == 0) ++j;
    if (j - i > best_len) best = i, best_len = j - i;
    i = j;
  }
  if (best_len < 2) best = -1;
  constexpr char kHex[] = "0123456789abcdef";
  for (int i = 7; i >= 0; --i) {
    if (best >= 0 && i >= best && i < best + best_len) {
      if (i == best + best_len - 1) sink.Append(".zz");
      continue;
    }
    sink.Append('.');
    char buf[4];
    int n = 0;
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const int nib = (w[i] >> shift) & 0xf;
      if (nib != 0 || started || shift == 0) {
        buf[n++] = kHex[nib];
        started = true;
      }
    }
    sink.Append(std::string_view(buf, static_cast<size_t>(n)));
  }
}

class RpzWriter final : public Writer {
 public:
  explicit RpzWriter(const RpzOptions& o) : options_(o) {
    switch (o.policy) {
      case RpzPolicy::kDrop:
        action_ = "CNAME rpz-drop.";
        break;
      case RpzPolicy::kNxdomain:
        action_ = "CNAME .";
        break;
      case RpzPolicy::kNodata:
        action_ = "CNAME *.";
        break;
      case RpzPolicy::kPassthru:
        action_ = "CNAME rpz-passthru.";
        break;
      case RpzPolicy::kTcpOnly:
        action_ = "CNAME rpz-tcp-only.";
        break;
      case RpzPolicy::kWalledGarden: {
        auto ip = IpAddress::Parse(o.walled_garden);
        if (ip.ok()) {
          action_ = (ip->is_v4() ? "A " : "AAAA ") + o.walled_garden;
        } else {
          action_ = "CNAME " + std::string(StripTrailingDot(o.walled_garden)) + ".";
        }
        break;
      }
    }
  }

  void Begin(Sink& sink) override {
    const RpzOptions& o = options_;
    sink.Append("$TTL ");
    sink.Append(o.ttl);
    sink.Append(";\n@               SOA ");
    sink.Append(o.ns);
    sink.Append(' ');
    sink.Append(o.email);
    sink.Append(" (");
    sink.AppendInt(o.serial);
    for (const std::string* d : {&o.refresh, &o.retry, &o.expiry, &o.minimum_ttl}) {
      sink.Append(' ');
      sink.Append(*d);
    }
    sink.Append(")\n                NS ");
    sink.Append(o.ns);
    sink.Append('\n');
    if (!o.ns_alt.empty()) {
      sink.Append("                NS ");
      sink.Append(o.ns_alt);
      sink.Append('\n');
    }
    sink.Append("\n; The following domain names and all of their sub-domains, hostnames and IP addresses will ");
    sink.Append(Explanation(o.policy));
    sink.Append("\n");
  }

  void Row(const ExportRow& row, Sink& sink) override {
    ++stats_.rows;
    const model::Attribute& a = row.attribute;
    const std::string_view t = a.type;
    if (t == "domain") {
      Name(a.value1, kDomain, sink);
    } else if (t == "hostname") {
      Name(a.value1, kHostname, sink);
    } else if (t == "ip-src" || t == "ip-dst") {
      Ip(a.value1, sink);
    } else if (t == "domain|ip") {
      Name(a.value1, kDomain, sink);
      Ip(a.value2, sink);
    } else {
      ++stats_.skipped_type;
    }
  }

  void End(Sink& sink) override { sink.Append('\n'); }

 private:
  void Name(std::string_view name, Kind kind, Sink& sink) {
    name = StripTrailingDot(name);
    if (!IsDnsName(name)) {
      ++stats_.skipped_value;
      return;
    }
    lower_.assign(name);
    for (char& c : lower_) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (!seen_.Insert(kind, lower_)) {
      ++stats_.duplicates;
      return;
    }
    Record(lower_, {}, sink);
    if (kind == kDomain) Record(lower_, "*.", sink);
  }

  void Record(std::string_view name, std::string_view prefix, Sink& sink) {
    sink.Append(prefix);
    sink.Append(name);
    sink.Append(' ');
    sink.Append(action_);
    sink.Append('\n');
    ++stats_.records;
  }

  void Ip(std::string_view value, Sink& sink) {
    auto cidr = value.size() <= 64 ? Cidr::ParseMasked(value) : Result<Cidr>(MakeError(ErrorCode::kInvalid, ""));
    if (!cidr.ok() || cidr->prefix_length() == 0) {
      ++stats_.skipped_value;
      return;
    }
    // Dedup on the canonical bytes + prefix, not the text ("10.0.0.1" and "10.0.0.1/32" are one record).
    char key[18];
    for (int i = 0; i < 16; ++i) key[i] = static_cast<char>(cidr->network().bytes()[static_cast<size_t>(i)]);
    key[16] = static_cast<char>(cidr->prefix_length());
    key[17] = static_cast<char>(cidr->network().is_v4() ? 4 : 6);
    if (!seen_.Insert(kIp, std::string_view(key, sizeof(key)))) {
      ++stats_.duplicates;
      return;
    }
    AppendRpzIp(sink, *cidr);
    sink.Append(".rpz-ip ");
    sink.Append(action_);
    sink.Append('\n');
    ++stats_.records;
  }

  RpzOptions options_;
  std::string action_;
  std::string lower_;
  SeenSet seen_;
};

Status CheckName(std::string_view name, std::string_view field, bool allow_empty) {
  if (allow_empty && name.empty()) return Ok();
  if (!IsDnsName(StripTrailingDot(name))) {
    return MakeError(ErrorCode::kInvalid, "RPZ " + std::string(field) + " must be a DNS name", std::string(field));
  }
  return Ok();
}

}  // namespace

Result<std::unique_ptr<Writer>> MakeRpzWriter(const RpzOptions& o) {
  BW_RETURN_IF_ERROR(CheckName(o.ns, "ns", false));
  BW_RETURN_IF_ERROR(CheckName(o.ns_alt, "ns_alt", true));
  BW_RETURN_IF_ERROR(CheckName(o.email, "email", false));
  if (o.policy == RpzPolicy::kWalledGarden && !IpAddress::Parse(o.walled_garden).ok()) {
    BW_RETURN_IF_ERROR(CheckName(o.walled_garden, "walled_garden", false));
  }
  const std::pair<const std::string*, std::string_view> durations[] = {{&o.refresh, "refresh"},
                                                                       {&o.retry, "retry"},
                                                                       {&o.expiry, "expiry"},
                                                                       {&o.minimum_ttl, "minimum_ttl"},
                                                                       {&o.ttl, "ttl"}};
  for (const auto& [value, name] : durations) {
    if (!IsDuration(*value)) {
      return MakeError(ErrorCode::kInvalid,
                       "RPZ " + std::string(name) + " must be a duration in seconds or like 1w2d3h4m5s",
                       std::string(name));
    }
  }
  return std::unique_ptr<Writer>(new RpzWriter(o));
}

}  // namespace bulwark::exporter::internal
