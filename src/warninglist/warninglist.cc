#include "warninglist/warninglist.h"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <system_error>

#include "common/ip.h"
#include "store/store.h"
#include "warninglist/pattern_db.h"

namespace bulwark::warninglist {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

std::string_view TrimAscii(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::string Quote(std::string_view s) {
  constexpr size_t kMax = 120;
  std::string out = "`";
  out += s.substr(0, kMax);
  if (s.size() > kMax) out += "...";
  out += "`";
  return out;
}

Error ListError(std::string_view list_name, std::string message) {
  std::string prefix = list_name.empty() ? std::string("warninglist: ") : "warninglist " + Quote(list_name) + ": ";
  return MakeError(ErrorCode::kInvalid, prefix + std::move(message));
}

// Normalises and validates one entry for its list type; returns an empty string for an entry to drop.
Result<std::string> NormaliseEntry(ListType type, std::string_view raw) {
  std::string_view v = TrimAscii(raw);
  if (v.empty()) return std::string();
  switch (type) {
    case ListType::kHostname: {
      while (!v.empty() && v.front() == '.') v.remove_prefix(1);
      while (!v.empty() && v.back() == '.') v.remove_suffix(1);
      std::string out(v);
      for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      return out;
    }
    case ListType::kCidr: {
      auto cidr = Cidr::ParseMasked(v);
      if (!cidr.ok()) return MakeError(ErrorCode::kInvalid, Quote(v) + " is not a valid IP address or CIDR");
      return std::string(v);
    }
    case ListType::kRegex: {
      BW_ASSIGN_OR_RETURN(DelimitedRegex re, SplitDelimitedRegex(v));
      uint32_t flags = (re.caseless ? kCaseless : 0u) | (re.multiline ? kMultiline : 0u) |
                       (re.dotall ? kDotAll : 0u) | (re.utf8 ? kUtf8 : 0u);
      std::string expr = re.extended ? "(?x)" + re.expression : re.expression;
      Status st = ValidateRegex(expr, flags);
      if (!st.ok()) return MakeError(ErrorCode::kInvalid, Quote(v) + ": " + st.error().message);
      return std::string(v);
    }
    case ListType::kString:
    case ListType::kSubstring:
      return std::string(v);
  }
  return std::string(v);
}

Result<std::string> OptionalString(const json::object& o, std::string_view key, std::string_view list_name) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::string();
  if (!it->value().is_string()) return ListError(list_name, "\"" + std::string(key) + "\" must be a string");
  return std::string(it->value().get_string());
}

Status ParseType(const json::object& o, Warninglist& wl) {
  auto it = o.find("type");
  if (it == o.end() || it->value().is_null()) return Ok();
  const json::value* t = &it->value();
  if (t->is_array()) {
    if (t->get_array().empty()) return Ok();
    t = &t->get_array()[0];
  }
  if (!t->is_string()) return ListError(wl.name, "\"type\" must be a string");
  auto type = ParseListType(std::string_view(t->get_string()));
  if (!type.ok()) return ListError(wl.name, type.error().message);
  wl.type = *type;
  return Ok();
}

Status ParseVersion(const json::object& o, Warninglist& wl) {
  auto it = o.find("version");
  if (it == o.end() || it->value().is_null()) return Ok();
  const json::value& v = it->value();
  if (v.is_int64()) {
    wl.version = v.get_int64();
  } else if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    wl.version = static_cast<int64_t>(v.get_uint64());
  } else if (v.is_string()) {
    std::string_view s = v.get_string();
    int64_t n = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || p != s.data() + s.size()) return ListError(wl.name, "\"version\" must be an integer");
    wl.version = n;
  } else {
    return ListError(wl.name, "\"version\" must be an integer");
  }
  return Ok();
}

Status ParseMatchingAttributes(const json::object& o, Warninglist& wl) {
  auto it = o.find("matching_attributes");
  if (it == o.end() || it->value().is_null()) return Ok();
  if (!it->value().is_array()) return ListError(wl.name, "\"matching_attributes\" must be an array of strings");
  for (const json::value& t : it->value().get_array()) {
    if (!t.is_string()) return ListError(wl.name, "\"matching_attributes\" must be an array of strings");
    std::string_view s = TrimAscii(t.get_string());
    if (s == "ALL") {  // MISP's own marker for "every type"
      wl.matching_attributes.clear();
      return Ok();
    }
    if (!s.empty()) wl.matching_attributes.emplace_back(s);
  }
  std::sort(wl.matching_attributes.begin(), wl.matching_attributes.end());
  wl.matching_attributes.erase(std::unique(wl.matching_attributes.begin(), wl.matching_attributes.end()),
                               wl.matching_attributes.end());
  return Ok();
}

Status AddEntry(Warninglist& wl, size_t index, std::string_view raw) {
  if (raw.size() > kMaxEntryBytes) {
    return ListError(wl.name, "entry " + std::to_string(index) + " is longer than " +
                                  std::to_string(kMaxEntryBytes) + " bytes");
  }
  auto e = NormaliseEntry(wl.type, raw);
  if (!e.ok()) return ListError(wl.name, "entry " + std::to_string(index) + ": " + e.error().message);
  if (!e->empty()) wl.entries.push_back(std::move(*e));
  return Ok();
}

Status ParseEntries(const json::object& o, Warninglist& wl) {
  auto it = o.find("list");
  if (it == o.end()) return ListError(wl.name, "\"list\" is missing");
  const json::value& list = it->value();
  if (list.is_array()) {
    const json::array& a = list.get_array();
    if (a.size() > kMaxEntries) return ListError(wl.name, "more than " + std::to_string(kMaxEntries) + " entries");
    wl.entries.reserve(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
      if (!a[i].is_string()) return ListError(wl.name, "entry " + std::to_string(i) + " is not a string");
      BW_RETURN_IF_ERROR(AddEntry(wl, i, a[i].get_string()));
    }
  } else if (list.is_object()) {  // {"entry": "comment", ...}
    const json::object& m = list.get_object();
    if (m.size() > kMaxEntries) return ListError(wl.name, "more than " + std::to_string(kMaxEntries) + " entries");
    wl.entries.reserve(m.size());
    size_t i = 0;
    for (const auto& kv : m) BW_RETURN_IF_ERROR(AddEntry(wl, i++, kv.key()));
  } else {
    return ListError(wl.name, "\"list\" must be an array of strings or an object");
  }
  return Ok();
}

Result<std::string> ReadFileBounded(const fs::path& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) return MakeError(ErrorCode::kNotFound, "cannot read " + path.string() + ": " + ec.message());
  if (size > kMaxDocumentBytes) {
    return MakeError(ErrorCode::kTooLarge, path.string() + " is larger than " +
                                               std::to_string(kMaxDocumentBytes >> 20) + " MiB");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kNotFound, "cannot open " + path.string());
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace

std::string_view ListTypeName(ListType t) {
  switch (t) {
    case ListType::kString: return "string";
    case ListType::kSubstring: return "substring";
    case ListType::kHostname: return "hostname";
    case ListType::kCidr: return "cidr";
    case ListType::kRegex: return "regex";
  }
  return "string";
}

Result<ListType> ParseListType(std::string_view name) {
  for (ListType t : {ListType::kString, ListType::kSubstring, ListType::kHostname, ListType::kCidr,
                     ListType::kRegex}) {
    if (name == ListTypeName(t)) return t;
  }
  return MakeError(ErrorCode::kInvalid,
                   "unknown type " + Quote(name) + " (expected string, substring, hostname, cidr or regex)");
}

std::string_view CategoryName(Category c) { return c == Category::kKnown ? "known" : "false_positive"; }

Result<DelimitedRegex> SplitDelimitedRegex(std::string_view text) {
  if (text.size() < 2) return MakeError(ErrorCode::kInvalid, "regex " + Quote(text) + " has no delimiters");
  const char open = text.front();
  if ((open >= 'a' && open <= 'z') || (open >= 'A' && open <= 'Z') || (open >= '0' && open <= '9') ||
      open == '\\' || open == ' ') {
    return MakeError(ErrorCode::kInvalid, "regex " + Quote(text) + " does not start with a delimiter");
  }
  char close = open;
  if (open == '(') close = ')';
  if (open == '[') close = ']';
  if (open == '{') close = '}';
  if (open == '<') close = '>';
  const size_t end = text.rfind(close);
  if (end == std::string_view::npos || end == 0) {
    return MakeError(ErrorCode::kInvalid, "regex " + Quote(text) + " has no closing delimiter");
  }
  DelimitedRegex re;
  re.expression = std::string(text.substr(1, end - 1));
  for (char f : text.substr(end + 1)) {
    switch (f) {
      case 'i': re.caseless = true; break;
      case 'm': re.multiline = true; break;
      case 's': re.dotall = true; break;
      case 'x': re.extended = true; break;
      case 'u': re.utf8 = true; break;
      case 'g': break;
      default:
        return MakeError(ErrorCode::kInvalid, "regex " + Quote(text) + " has an unsupported flag '" +
                                                  std::string(1, f) + "'");
    }
  }
  if (re.expression.empty()) return MakeError(ErrorCode::kInvalid, "regex " + Quote(text) + " is empty");
  return re;
}

Result<Warninglist> ParseWarninglist(const json::value& doc) {
  if (!doc.is_object()) return ListError("", "the document is not a JSON object");
  const json::object& o = doc.get_object();
  Warninglist wl;
  auto name = OptionalString(o, "name", "");
  if (!name.ok()) return std::move(name).error();
  wl.name = std::string(TrimAscii(*name));
  if (wl.name.empty()) return ListError("", "\"name\" is missing or empty");
  BW_ASSIGN_OR_RETURN(wl.description, OptionalString(o, "description", wl.name));
  BW_RETURN_IF_ERROR(ParseType(o, wl));
  BW_RETURN_IF_ERROR(ParseVersion(o, wl));
  BW_ASSIGN_OR_RETURN(std::string category, OptionalString(o, "category", wl.name));
  if (category == "known") {
    wl.category = Category::kKnown;
  } else if (!category.empty() && category != "false_positive") {
    return ListError(wl.name, "unknown category " + Quote(category) + " (expected false_positive or known)");
  }
  BW_RETURN_IF_ERROR(ParseMatchingAttributes(o, wl));
  BW_RETURN_IF_ERROR(ParseEntries(o, wl));
  return wl;
}

Result<Warninglist> ParseWarninglist(std::string_view json_text) {
  if (json_text.size() > kMaxDocumentBytes) {
    return MakeError(ErrorCode::kTooLarge, "warninglist: the document is larger than " +
                                               std::to_string(kMaxDocumentBytes >> 20) + " MiB");
  }
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 32;
  json::value v = json::parse(json_text, ec, {}, opts);
  if (ec) return MakeError(ErrorCode::kBadRequest, "warninglist: not JSON: " + ec.message());
  return ParseWarninglist(v);
}

Result<LoadedLists> LoadDirectory(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return MakeError(ErrorCode::kNotFound, dir.string() + " is not a directory");
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".json") files.push_back(it->path());
  }
  if (ec) return MakeError(ErrorCode::kInternal, "cannot list " + dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  LoadedLists out;
  for (const fs::path& f : files) {
    auto text = ReadFileBounded(f);
    if (!text.ok()) {
      out.rejected.push_back({f.string(), text.error().message});
      continue;
    }
    auto wl = ParseWarninglist(*text);
    if (!wl.ok()) {
      out.rejected.push_back({f.string(), wl.error().message});
      continue;
    }
    out.lists.push_back(std::move(*wl));
  }
  return out;
}

Result<LoadedLists> LoadFromStore(store::Store& store) {
  LoadedLists out;
  Status st = store.Read([&](store::ReadTxn& txn) -> Status {
    return txn.ScanLibrary("warninglist", [&](const store::LibraryDocument& doc) {
      auto wl = ParseWarninglist(doc.json);
      if (wl.ok()) {
        out.lists.push_back(std::move(*wl));
      } else {
        out.rejected.push_back({doc.name, wl.error().message});
      }
      return true;
    });
  });
  if (!st.ok()) return std::move(st).error();
  return out;
}

}  // namespace bulwark::warninglist
