// The Zeek intel framework file as MISP's ZeekExport writes it (see export.h).
#include <string>

#include "common/ip.h"
#include "export/escape.h"
#include "export/writers.h"

namespace bulwark::exporter::internal {
namespace {

// How one MISP type maps to Zeek intel types: `first` for value1, `second` for value2 of composites (empty: the
// second half is not exported). kAddr switches to SUBNET for a value with '/'; kUrl strips http(s)://.
enum class Conv : uint8_t { kPlain, kAddr, kUrl };
struct Mapping {
  std::string_view type;
  std::string_view first;
  std::string_view second;
  Conv conv;
};

constexpr Mapping kMappings[] = {
    {"ip-dst", "ADDR", "", Conv::kAddr},
    {"ip-src", "ADDR", "", Conv::kAddr},
    {"ip-dst|port", "ADDR", "", Conv::kAddr},
    {"ip-src|port", "ADDR", "", Conv::kAddr},
    {"email-src", "EMAIL", "", Conv::kPlain},
    {"email-dst", "EMAIL", "", Conv::kPlain},
    {"target-email", "EMAIL", "", Conv::kPlain},
    {"email-attachment", "FILE_NAME", "", Conv::kPlain},
    {"filename", "FILE_NAME", "", Conv::kPlain},
    {"hostname", "DOMAIN", "", Conv::kPlain},
    {"domain", "DOMAIN", "", Conv::kPlain},
    {"domain|ip", "DOMAIN", "ADDR", Conv::kPlain},
    {"url", "URL", "", Conv::kUrl},
    {"user-agent", "SOFTWARE", "", Conv::kPlain},
    {"md5", "FILE_HASH", "", Conv::kPlain},
    {"malware-sample", "FILE_NAME", "FILE_HASH", Conv::kPlain},
    {"filename|md5", "FILE_NAME", "FILE_HASH", Conv::kPlain},
    {"sha1", "FILE_HASH", "", Conv::kPlain},
    {"filename|sha1", "FILE_NAME", "FILE_HASH", Conv::kPlain},
    {"sha256", "FILE_HASH", "", Conv::kPlain},
    {"filename|sha256", "FILE_NAME", "FILE_HASH", Conv::kPlain},
    {"x509-fingerprint-sha1", "CERT_HASH", "", Conv::kPlain},
    {"pdb", "FILE_NAME", "", Conv::kPlain},
    {"authentihash", "FILE_HASH", "", Conv::kPlain},
    {"ssdeep", "FILE_HASH", "", Conv::kPlain},
    {"imphash", "FILE_HASH", "", Conv::kPlain},
    {"pehash", "FILE_HASH", "", Conv::kPlain},
    {"impfuzzy", "FILE_HASH", "", Conv::kPlain},
    {"sha224", "FILE_HASH", "", Conv::kPlain},
    {"sha384", "FILE_HASH", "", Conv::kPlain},
    {"sha512", "FILE_HASH", "", Conv::kPlain},
    {"sha512/224", "FILE_HASH", "", Conv::kPlain},
    {"sha512/256", "FILE_HASH", "", Conv::kPlain},
    {"tlsh", "FILE_HASH", "", Conv::kPlain},
    {"cdhash", "FILE_HASH", "", Conv::kPlain},
    {"filename|authentihash", "FILE_NAME", "FILE_HASH", Conv::kPlain},
    {"filename|ssdeep", "FILE_NAME", "FILE_HASH", Conv::kPlain},
    {"filename|imphash", "FILE_NAME", "FILE_HASH", Conv::kPlain},
    {"filename|pehash", "FILE_NAME", "FILE_HASH", Conv::kPlain},
    {"filename|impfuzzy", "FILE_NAME", "FILE_HASH", Conv::kPlain},
    {"filename|sha224", "FILE_NAME", "FILE_HASH", Conv::kPlain},
    {"filename|sha384", "FILE_NAME", "FILE_HASH", Conv::kPlain},
    {"filename|sha512", "FILE_NAME", "FILE_HASH", Conv::kPlain},
    {"filename|sha512/224", "FILE_NAME", "FILE_HASH", Conv::kPlain},
    {"filename|sha512/256", "FILE_NAME", "FILE_HASH", Conv::kPlain},
    {"filename|tlsh", "FILE_NAME", "FILE_HASH", Conv::kPlain},
    // Beyond MISP's mapping: the ja3 Zeek package's Intel::JA3 and Zeek's SSH host key intel.
    {"ja3-fingerprint-md5", "JA3", "", Conv::kPlain},
    {"ssh-fingerprint", "PUBKEY_HASH", "", Conv::kPlain},
};

const Mapping* FindMapping(std::string_view type) {
  for (const auto& m : kMappings) {
    if (m.type == type) return &m;
  }
  return nullptr;
}

std::string_view StripHttpScheme(std::string_view v) {
  for (std::string_view prefix : {"http://", "https://"}) {
    if (v.size() >= prefix.size()) {
      bool match = true;
      for (size_t i = 0; i < prefix.size() && match; ++i) {
        char c = v[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        match = c == prefix[i];
      }
      if (match) return v.substr(prefix.size());
    }
  }
  return v;
}

class ZeekWriter final : public Writer {
 public:
  explicit ZeekWriter(const ExportOptions& options) : base_url_(options.base_url), source_(options.zeek.source_name) {}

  void Begin(Sink& sink) override {
    sink.Append("#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url\tmeta.do_notice\tmeta.if_in\n");
  }

  void Row(const ExportRow& row, Sink& sink) override {
    ++stats_.rows;
    const Mapping* m = FindMapping(row.attribute.type);
    if (m == nullptr) {
      ++stats_.skipped_type;
      return;
    }
    Line(row, row.attribute.value1, m->first, m->conv, sink);
    if (!m->second.empty()) Line(row, row.attribute.value2, m->second, Conv::kPlain, sink);
  }

  void End(Sink&) override {}

 private:
  void Line(const ExportRow& row, std::string_view value, std::string_view type, Conv conv, Sink& sink) {
    if (conv == Conv::kUrl) value = StripHttpScheme(value);
    if (type == "ADDR" || conv == Conv::kAddr) {
      // Zeek rejects a line whose address does not parse; skip it here and count it instead.
      const bool subnet = value.find('/') != std::string_view::npos;
      if (value.size() > 64 || !(subnet ? Cidr::ParseMasked(value).ok() : IpAddress::Parse(value).ok())) {
        ++stats_.skipped_value;
        return;
      }
      if (subnet) type = "SUBNET";
    }
    if (value.empty()) {
      ++stats_.skipped_value;
      return;
    }
    AppendZeekText(sink, value);
    sink.Append("\tIntel::");
    sink.Append(type);
    sink.Append('\t');
    // meta.source: "<source> (<event uuid>) - <creator org>"
    AppendZeekText(sink, source_);
    sink.Append(" (");
    AppendZeekText(sink, row.event.uuid);
    sink.Append(") - ");
    AppendZeekText(sink, row.orgc_name);
    sink.Append('\t');
    // meta.desc: "<event info>. <comment>"
    AppendZeekText(sink, row.event.info);
    sink.Append(". ");
    AppendZeekText(sink, row.attribute.comment);
    sink.Append('\t');
    if (base_url_.empty()) {
      sink.Append('-');
    } else {
      AppendZeekText(sink, base_url_);
      sink.Append("/events/view/");
      sink.AppendInt(row.event.id);
    }
    sink.Append("\tT\t-\n");
    ++stats_.records;
  }

  std::string base_url_;
  std::string source_;
};

}  // namespace

std::unique_ptr<Writer> MakeZeekWriter(const ExportOptions& options) { return std::make_unique<ZeekWriter>(options); }

}  // namespace bulwark::exporter::internal
