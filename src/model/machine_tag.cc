#include "model/machine_tag.h"

#include "model/value.h"

namespace bulwark::model {
namespace {

bool IsNamespaceChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

}  // namespace

std::string MachineTag::ToString() const {
  std::string out = ns + ":" + predicate;
  if (has_value()) out += "=\"" + value + "\"";
  return out;
}

std::optional<MachineTag> ParseMachineTag(std::string_view name) {
  size_t colon = name.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view ns = name.substr(0, colon);
  for (char c : ns) {
    if (!IsNamespaceChar(c)) return std::nullopt;
  }
  std::string_view rest = name.substr(colon + 1);
  size_t eq = rest.find('=');
  std::string_view predicate = rest.substr(0, eq);
  if (predicate.empty() || IsSpace(predicate.front()) || IsSpace(predicate.back()) ||
      predicate.find('"') != std::string_view::npos) {
    return std::nullopt;
  }
  MachineTag tag{std::string(ns), std::string(predicate), {}};
  if (eq == std::string_view::npos) return tag;
  std::string_view quoted = rest.substr(eq + 1);
  if (quoted.size() < 3 || quoted.front() != '"' || quoted.back() != '"') return std::nullopt;
  tag.value = std::string(quoted.substr(1, quoted.size() - 2));
  return tag;
}

Status ValidateTagName(std::string_view name) {
  if (name.empty()) return MakeError(ErrorCode::kInvalid, "tag name is empty", "name");
  if (name.size() > kMaxTagNameBytes) {
    return MakeError(ErrorCode::kInvalid,
                     "tag name is " + std::to_string(name.size()) + " bytes, more than the " +
                         std::to_string(kMaxTagNameBytes) + " allowed",
                     "name");
  }
  if (!IsValidUtf8(name)) return MakeError(ErrorCode::kInvalid, "tag name is not valid UTF-8", "name");
  for (size_t i = 0; i < name.size(); ++i) {
    auto c = static_cast<unsigned char>(name[i]);
    bool c0 = c < 0x20 || c == 0x7f;
    bool c1 = c == 0xc2 && i + 1 < name.size() && static_cast<unsigned char>(name[i + 1]) >= 0x80 &&
              static_cast<unsigned char>(name[i + 1]) <= 0x9f;  // U+0080-U+009F
    if (c0 || c1) return MakeError(ErrorCode::kInvalid, "tag name contains a control character", "name");
  }
  return Ok();
}

}  // namespace bulwark::model
