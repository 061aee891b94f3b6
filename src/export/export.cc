#include "export/export.h"

#include <array>
#include <string>

#include "export/writers.h"

namespace bulwark::exporter {
namespace {

constexpr std::array<std::string_view, 7> kFormats = {"csv", "text", "hashes", "suricata", "snort", "zeek", "rpz"};

std::string FormatList() {
  std::string out;
  for (auto f : kFormats) {
    if (!out.empty()) out += ", ";
    out += f;
  }
  return out;
}

// base_url goes into rule options and a TSV field: no whitespace, controls or rule metacharacters.
Status CheckBaseUrl(std::string_view url) {
  if (url.size() > 512) return MakeError(ErrorCode::kInvalid, "base_url is longer than 512 bytes", "base_url");
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || std::string_view(";\"()|\\").find(c) != std::string_view::npos) {
      return MakeError(ErrorCode::kInvalid, "base_url must not contain spaces, control characters or ;\"()|\\",
                       "base_url");
    }
  }
  return Ok();
}

}  // namespace

std::span<const std::string_view> Formats() { return kFormats; }

Result<std::unique_ptr<Writer>> MakeWriter(std::string_view format, const ExportOptions& options) {
  ExportOptions o = options;
  while (!o.base_url.empty() && o.base_url.back() == '/') o.base_url.pop_back();
  BW_RETURN_IF_ERROR(CheckBaseUrl(o.base_url));
  if (format == "csv") return internal::MakeCsvWriter(o.csv);
  if (format == "text") return internal::MakeTextWriter();
  if (format == "hashes") return internal::MakeHashesWriter();
  if (format == "suricata") return internal::MakeNidsWriter(internal::NidsFlavour::kSuricata, o);
  if (format == "snort") return internal::MakeNidsWriter(internal::NidsFlavour::kSnort, o);
  if (format == "zeek") return internal::MakeZeekWriter(o);
  if (format == "rpz") return internal::MakeRpzWriter(o.rpz);
  std::string shown(format.substr(0, 64));
  return MakeError(ErrorCode::kInvalid, "unknown export format '" + shown + "'; valid formats: " + FormatList(),
                   "returnFormat");
}

bool IsDetectionFormat(std::string_view format) {
  return format == "suricata" || format == "snort" || format == "zeek" || format == "rpz" || format == "text" ||
         format == "hashes";
}

FilterDefaults DefaultFilters(std::string_view format) {
  if (IsDetectionFormat(format)) return FilterDefaults{true, true};
  return FilterDefaults{};
}

Result<RpzPolicy> ParseRpzPolicy(std::string_view text) {
  struct Name {
    std::string_view name;
    RpzPolicy policy;
  };
  static constexpr Name kNames[] = {
      {"DROP", RpzPolicy::kDrop},
      {"0", RpzPolicy::kDrop},
      {"NXDOMAIN", RpzPolicy::kNxdomain},
      {"1", RpzPolicy::kNxdomain},
      {"NODATA", RpzPolicy::kNodata},
      {"2", RpzPolicy::kNodata},
      {"walled-garden", RpzPolicy::kWalledGarden},
      {"Local-Data", RpzPolicy::kWalledGarden},
      {"3", RpzPolicy::kWalledGarden},
      {"PASSTHRU", RpzPolicy::kPassthru},
      {"4", RpzPolicy::kPassthru},
      {"TCP-only", RpzPolicy::kTcpOnly},
      {"5", RpzPolicy::kTcpOnly},
  };
  for (const auto& n : kNames) {
    if (n.name == text) return n.policy;
  }
  return MakeError(ErrorCode::kInvalid,
                   "unknown RPZ policy; valid: NXDOMAIN, NODATA, DROP, walled-garden (Local-Data), PASSTHRU, TCP-only",
                   "policy");
}

}  // namespace bulwark::exporter
