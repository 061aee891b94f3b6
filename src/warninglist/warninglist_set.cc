#include "warninglist/warninglist_set.h"

#include <boost/json.hpp>

#include <algorithm>
#include <array>

#include "common/ip.h"
#include "store/store.h"

namespace bulwark::warninglist {
namespace {

constexpr uint32_t KindBit(ListType t) { return 1u << static_cast<uint32_t>(t); }

// Set in a names_ posting's entry index when the list entry differs from its key (a string entry with capitals):
// the hit then reports the entry itself rather than the key.
constexpr uint32_t kEntryNotKey = 1u << 31;

// names_ keeps one filter for string entries and one for hostname entries: the parent-domain probes of a host
// read only the (smaller) hostname filter.
constexpr uint32_t kStringFilter = 0;
constexpr uint32_t kHostnameFilter = 1;
constexpr uint32_t FiltersFor(uint32_t kinds) {
  return ((kinds & KindBit(ListType::kString)) ? 1u << kStringFilter : 0u) |
         ((kinds & KindBit(ListType::kHostname)) ? 1u << kHostnameFilter : 0u);
}

bool IsCompositeType(std::string_view type) {
  return type == "malware-sample" || type.find('|') != std::string_view::npos;
}

// ASCII lower-case copy of `s` in `buf` (or `heap` when it is long); returns `s` itself when it has no capitals.
std::string_view Lowered(std::string_view s, std::array<char, 512>& buf, std::string& heap) {
  size_t i = 0;
  while (i < s.size() && !(s[i] >= 'A' && s[i] <= 'Z')) ++i;
  if (i == s.size()) return s;
  char* out = buf.data();
  if (s.size() > buf.size()) {
    heap.assign(s);
    out = heap.data();
  } else {
    std::copy(s.begin(), s.end(), out);
  }
  for (; i < s.size(); ++i) {
    if (s[i] >= 'A' && s[i] <= 'Z') out[i] = static_cast<char>(s[i] - 'A' + 'a');
  }
  return {out, s.size()};
}

// The host of a hostname, URL or e-mail address: the authority of a URL (after the first "//"), without
// userinfo, port, brackets or trailing dots. Plain loops: these strings are short, and memchr's call per
// character class costs more than the scan.
std::string_view HostOf(std::string_view v) {
  for (size_t i = 0; i + 1 < v.size(); ++i) {
    if (v[i] == '/' && v[i + 1] == '/') {
      v.remove_prefix(i + 2);
      break;
    }
  }
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '/' || v[i] == '?' || v[i] == '#') {
      v = v.substr(0, i);
      break;
    }
  }
  for (size_t i = v.size(); i-- > 0;) {
    if (v[i] == '@') {
      v.remove_prefix(i + 1);
      break;
    }
  }
  if (!v.empty() && v.front() == '[') {
    const size_t close = v.find(']');
    v = v.substr(1, close == std::string_view::npos ? v.size() - 1 : close - 1);
  } else {
    size_t colons = 0;
    size_t first_colon = 0;
    for (size_t i = 0; i < v.size() && colons < 2; ++i) {
      if (v[i] == ':' && colons++ == 0) first_colon = i;
    }
    if (colons == 1) v = v.substr(0, first_colon);
  }
  while (!v.empty() && v.back() == '.') v.remove_suffix(1);
  return v;
}

bool MaybeIp(std::string_view v) {
  if (v.empty() || v.size() > 64) return false;
  const char c = v.front();
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':';
}

// Only characters of an IPv6 address or prefix (hex digits, ':', '.', '/'): anything else is no address, and is
// rejected here without building the parser's error message.
bool OnlyIpCharacters(std::string_view v) {
  for (char c : v) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
                    c == '.' || c == '/';
    if (!ok) return false;
  }
  return true;
}

// A dotted-quad IPv4 address exactly as IpAddress::Parse accepts it (four decimal parts 0-255, 1-3 digits, no
// leading zeros), into its value in host order. False for anything else.
bool ParseV4(std::string_view v, uint32_t& out) {
  uint32_t value = 0;
  size_t pos = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (pos >= v.size() || v[pos] != '.') return false;
      ++pos;
    }
    const size_t start = pos;
    uint32_t octet = 0;
    while (pos < v.size() && pos - start < 3 && v[pos] >= '0' && v[pos] <= '9') {
      octet = octet * 10 + static_cast<uint32_t>(v[pos] - '0');
      ++pos;
    }
    const size_t digits = pos - start;
    if (digits == 0 || octet > 255 || (digits > 1 && v[start] == '0')) return false;
    value = (value << 8) | octet;
  }
  if (pos != v.size()) return false;
  out = value;
  return true;
}

uint32_t PatternFlagsOf(const DelimitedRegex& re) {
  return (re.caseless ? kCaseless : 0u) | (re.multiline ? kMultiline : 0u) | (re.dotall ? kDotAll : 0u) |
         (re.utf8 ? kUtf8 : 0u);
}

std::vector<Warninglist> LatestByName(std::vector<Warninglist> lists) {
  std::sort(lists.begin(), lists.end(), [](const Warninglist& a, const Warninglist& b) {
    if (a.name != b.name) return a.name < b.name;
    return a.version > b.version;
  });
  lists.erase(std::unique(lists.begin(), lists.end(),
                          [](const Warninglist& a, const Warninglist& b) { return a.name == b.name; }),
              lists.end());
  return lists;
}

}  // namespace

Result<std::shared_ptr<const WarninglistSet>> WarninglistSet::Build(std::vector<Warninglist> input) {
  std::vector<Warninglist> lists = LatestByName(std::move(input));
  std::shared_ptr<WarninglistSet> set(new WarninglistSet());
  const size_t words = (lists.size() + 63) / 64;
  set->all_scope_.lists.assign(words, 0);
  set->untyped_scope_.lists.assign(words, 0);

  StringTableBuilder names;
  IpRangeTableBuilder ranges;
  std::vector<Pattern> substring_patterns;
  std::vector<Pattern> regex_patterns;
  for (uint32_t li = 0; li < lists.size(); ++li) {
    Warninglist& wl = lists[li];
    const uint64_t bit = uint64_t{1} << (li & 63);
    const uint32_t kind = KindBit(wl.type);
    set->list_types_.push_back(wl.type);
    set->all_scope_.lists[li >> 6] |= bit;
    set->all_scope_.kinds |= kind;
    if (wl.matching_attributes.empty()) {
      set->untyped_scope_.lists[li >> 6] |= bit;
      set->untyped_scope_.kinds |= kind;
    }
    for (const std::string& t : wl.matching_attributes) {
      auto [it, inserted] = set->scopes_.try_emplace(t);
      if (inserted) it->second.lists.assign(words, 0);
      it->second.lists[li >> 6] |= bit;
      it->second.kinds |= kind;
    }
    for (uint32_t ei = 0; ei < wl.entries.size(); ++ei) {
      const std::string& e = wl.entries[ei];
      const Posting posting{li, ei};
      switch (wl.type) {
        case ListType::kString: {
          std::array<char, 512> buf;
          std::string heap;
          const std::string_view key = Lowered(e, buf, heap);
          names.Add(key, key.data() == e.data() ? posting : Posting{li, ei | kEntryNotKey}, kStringFilter);
          break;
        }
        case ListType::kHostname:
          names.Add(e, posting, kHostnameFilter);
          break;
        case ListType::kCidr: {
          auto cidr = Cidr::ParseMasked(e);
          if (!cidr.ok()) {
            return MakeError(ErrorCode::kInvalid, "warninglist `" + wl.name + "`: `" + e + "` is not a CIDR");
          }
          ranges.Add(*cidr, posting, e);
          break;
        }
        case ListType::kSubstring:
          substring_patterns.push_back({e, kCaseless, static_cast<uint32_t>(set->substring_refs_.size())});
          set->substring_refs_.push_back({li, ei});
          break;
        case ListType::kRegex: {
          auto re = SplitDelimitedRegex(e);
          if (!re.ok()) return MakeError(ErrorCode::kInvalid, "warninglist `" + wl.name + "`: " + re.error().message);
          std::string expr = re->extended ? "(?x)" + re->expression : re->expression;
          regex_patterns.push_back({std::move(expr), PatternFlagsOf(*re), static_cast<uint32_t>(set->regex_refs_.size())});
          set->regex_refs_.push_back({li, ei});
          break;
        }
      }
    }
    ListInfo info;
    info.id = li + 1;
    info.name = wl.name;
    info.description = std::move(wl.description);
    info.version = wl.version;
    info.type = wl.type;
    info.category = wl.category;
    info.matching_attributes = std::move(wl.matching_attributes);
    info.entry_count = wl.entries.size();
    set->entry_count_ += wl.entries.size();
    set->lists_.push_back(std::move(info));
    set->entries_.push_back(std::move(wl.entries));
  }
  // A type some lists name also gets the lists that apply to every type.
  for (auto& [type, scope] : set->scopes_) {
    for (size_t w = 0; w < words; ++w) scope.lists[w] |= set->untyped_scope_.lists[w];
    scope.kinds |= set->untyped_scope_.kinds;
  }
  set->names_ = std::move(names).Build();
  set->BuildSubstringFilters(substring_patterns);
  set->ranges_ = std::move(ranges).Build();
  BW_ASSIGN_OR_RETURN(set->substrings_, PatternDb::Compile(PatternKind::kLiteral, substring_patterns));
  BW_ASSIGN_OR_RETURN(set->regexes_, PatternDb::Compile(PatternKind::kRegex, regex_patterns));
  return std::shared_ptr<const WarninglistSet>(std::move(set));
}

const WarninglistSet::TypeScope& WarninglistSet::ScopeFor(std::string_view type) const {
  if (type.empty()) return all_scope_;
  auto it = scopes_.find(type);
  return it == scopes_.end() ? untyped_scope_ : it->second;
}

void WarninglistSet::BuildSubstringFilters(const std::vector<Pattern>& patterns) {
  // One filter per distinct set of applicable substring lists (few: most scopes share one), built from the
  // literals of those lists only, so that a type's filter is not diluted by lists that do not apply to it.
  std::vector<std::pair<std::vector<uint64_t>, uint32_t>> built;  // substring-list bitset -> filter index
  auto filter_for = [&](TypeScope& scope) {
    std::vector<uint64_t> key(scope.lists.size(), 0);
    for (size_t id = 0; id < substring_refs_.size(); ++id) {
      const uint32_t list = substring_refs_[id].list;
      if (scope.Has(list)) key[list >> 6] |= uint64_t{1} << (list & 63);
    }
    for (const auto& [lists, index] : built) {
      if (lists == key) {
        scope.substring_filter = index;
        return;
      }
    }
    std::vector<std::string_view> literals;
    for (size_t id = 0; id < substring_refs_.size(); ++id) {
      if (scope.Has(substring_refs_[id].list)) literals.push_back(patterns[id].expression);
    }
    scope.substring_filter = static_cast<uint32_t>(substring_filters_.size());
    substring_filters_.push_back(LiteralFilter::Build(literals));
    built.emplace_back(std::move(key), scope.substring_filter);
  };
  filter_for(all_scope_);
  filter_for(untyped_scope_);
  for (auto& [type, scope] : scopes_) filter_for(scope);
}

void WarninglistSet::AddHit(const TypeScope& scope, uint32_t list, std::string_view matched, std::string_view part,
                            std::vector<Hit>& hits) const {
  if (!scope.Has(list)) return;
  const ListInfo& info = lists_[list];
  for (const Hit& h : hits) {
    if (h.list_id == info.id) return;
  }
  hits.push_back({info.id, info.name, info.category, matched, part});
}

void WarninglistSet::AddNameHits(const TypeScope& scope, std::string_view key, uint64_t hash, uint32_t wanted_kinds,
                                 std::string_view part, std::vector<Hit>& hits) const {
  const StringTable::Found found = names_.Lookup(key, hash, FiltersFor(wanted_kinds));
  for (const Posting& p : found.postings) {
    if (!(wanted_kinds & KindBit(list_types_[p.list]))) continue;
    // The stored key is the entry (a view into the set) unless the entry had capitals.
    const std::string_view matched =
        (p.entry & kEntryNotKey) ? std::string_view(entries_[p.list][p.entry & ~kEntryNotKey]) : found.key;
    AddHit(scope, p.list, matched, part, hits);
  }
}

// String lists match the whole value, hostname lists its host and every parent domain of it; both live in
// names_, so when the host is the whole value (a plain domain) one probe serves both. The keys' hashes are
// computed and their filter words prefetched first, so that the probes' cache misses overlap.
void WarninglistSet::CheckNames(const TypeScope& scope, std::string_view part, std::vector<Hit>& hits) const {
  const size_t longest = names_.max_key_length();
  const bool strings = (scope.kinds & KindBit(ListType::kString)) != 0 && part.size() <= longest;
  const bool hostnames = (scope.kinds & KindBit(ListType::kHostname)) != 0;
  std::array<char, 512> value_buf;
  std::string value_heap;  // only for a value over 512 bytes that is no longer than the longest entry
  const std::string_view value = strings ? Lowered(part, value_buf, value_heap) : std::string_view();
  const uint64_t value_hash = strings ? HashBytes(value) : 0;
  if (strings) names_.Prefetch(value_hash, FiltersFor(KindBit(ListType::kString)));
  bool value_probed = !strings;
  if (hostnames) {
    const std::string_view raw_host = HostOf(part);
    if (!raw_host.empty()) {  // even a host longer than every entry can have a listed parent domain
      std::array<char, 512> host_buf;
      std::string host_heap;
      const bool host_is_value = strings && raw_host.size() == part.size();  // HostOf only cuts: same bytes
      const std::string_view host = host_is_value ? value : Lowered(raw_host, host_buf, host_heap);
      // Parent domains from the shortest ("com") up, each ending at a label boundary, then the host itself.
      constexpr size_t kBatch = 8;
      std::array<size_t, kBatch> starts;  // of the parent domains in host (left uninitialised: no fill per check)
      std::array<uint64_t, kBatch> hashes;
      size_t n = 0;
      auto flush = [&] {
        for (size_t k = 0; k < n; ++k) {
          AddNameHits(scope, host.substr(starts[k]), hashes[k], KindBit(ListType::kHostname), part, hits);
        }
        n = 0;
      };
      for (size_t i = host.size(); i-- > 0;) {
        if (host[i] != '.') continue;
        if (n == kBatch) flush();
        starts[n] = i + 1;
        hashes[n] = HashBytes(host.substr(i + 1));
        names_.Prefetch(hashes[n], FiltersFor(KindBit(ListType::kHostname)));
        ++n;
      }
      flush();
      const bool same = host_is_value || (strings && host == value);
      const uint64_t host_hash = same ? value_hash : HashBytes(host);
      AddNameHits(scope, host, host_hash,
                  KindBit(ListType::kHostname) | (same ? KindBit(ListType::kString) : 0u), part, hits);
      value_probed = value_probed || same;
    }
  }
  if (!value_probed) AddNameHits(scope, value, value_hash, KindBit(ListType::kString), part, hits);
}

void WarninglistSet::CheckCidr(const TypeScope& scope, std::string_view part, std::vector<Hit>& hits) const {
  if (!MaybeIp(part)) return;
  if (uint32_t v4 = 0; ParseV4(part, v4)) {
    for (const auto& m : ranges_.FindV4(v4)) AddHit(scope, m.posting.list, ranges_.text(m), part, hits);
    return;
  }
  // Without ':' or '/' only the dotted quad above is an address; otherwise parse only what could be one.
  if (part.find_first_of(":/") == std::string_view::npos || !OnlyIpCharacters(part)) return;
  if (part.find('/') == std::string_view::npos) {
    Result<IpAddress> address = IpAddress::Parse(part);
    if (!address.ok()) return;
    for (const auto& m : ranges_.FindAddress(*address)) AddHit(scope, m.posting.list, ranges_.text(m), part, hits);
    return;
  }
  Result<Cidr> prefix = Cidr::ParseMasked(part);
  if (!prefix.ok()) return;
  std::vector<IpRangeTable::Match> matches;
  ranges_.FindContaining(*prefix, matches);
  for (const auto& m : matches) AddHit(scope, m.posting.list, ranges_.text(m), part, hits);
}

struct WarninglistSet::ScanState {
  const WarninglistSet* set;
  const TypeScope* scope;
  const std::vector<PatternRef>* refs;
  std::string_view part;
  std::vector<Hit>* hits;
};

void WarninglistSet::OnPatternMatch(uint32_t id, void* context) {
  auto* st = static_cast<ScanState*>(context);
  if (id >= st->refs->size()) return;
  const PatternRef& r = (*st->refs)[id];
  st->set->AddHit(*st->scope, r.list, st->set->entries_[r.list][r.entry], st->part, *st->hits);
}

void WarninglistSet::CheckPatterns(const TypeScope& scope, const PatternDb& db, const std::vector<PatternRef>& refs,
                                   std::string_view part, std::vector<Hit>& hits) const {
  ScanState st{this, &scope, &refs, part, &hits};
  (void)db.Scan(part, &WarninglistSet::OnPatternMatch, &st);
}

void WarninglistSet::CheckOne(const TypeScope& scope, std::string_view part, std::vector<Hit>& hits) const {
  if (part.empty()) return;
  if (scope.kinds & (KindBit(ListType::kString) | KindBit(ListType::kHostname))) CheckNames(scope, part, hits);
  if (scope.kinds & KindBit(ListType::kCidr)) CheckCidr(scope, part, hits);
  if ((scope.kinds & KindBit(ListType::kSubstring)) && substring_filters_[scope.substring_filter].MayMatch(part)) {
    CheckPatterns(scope, substrings_, substring_refs_, part, hits);
  }
  if (scope.kinds & KindBit(ListType::kRegex)) CheckPatterns(scope, regexes_, regex_refs_, part, hits);
}

size_t WarninglistSet::CheckPartsInto(std::string_view type, std::string_view value1, std::string_view value2,
                                      std::vector<Hit>& hits) const {
  hits.clear();
  const TypeScope& scope = ScopeFor(type);
  if (scope.kinds == 0) return 0;
  CheckOne(scope, value1, hits);
  CheckOne(scope, value2, hits);
  if (hits.size() > 1) {
    std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.list_id < b.list_id; });
  }
  return hits.size();
}

size_t WarninglistSet::CheckInto(std::string_view type, std::string_view value, std::vector<Hit>& hits) const {
  if (IsCompositeType(type)) {
    if (size_t bar = value.find('|'); bar != std::string_view::npos) {
      return CheckPartsInto(type, value.substr(0, bar), value.substr(bar + 1), hits);
    }
  }
  return CheckPartsInto(type, value, {}, hits);
}

std::vector<Hit> WarninglistSet::CheckParts(std::string_view type, std::string_view value1,
                                            std::string_view value2) const {
  std::vector<Hit> hits;
  CheckPartsInto(type, value1, value2, hits);
  return hits;
}

std::vector<Hit> WarninglistSet::Check(std::string_view type, std::string_view value) const {
  std::vector<Hit> hits;
  CheckInto(type, value, hits);
  return hits;
}

std::vector<Hit> CheckAttribute(const WarninglistSet& set, const model::Attribute& attribute) {
  return set.CheckParts(attribute.type, attribute.value1, attribute.value2);
}

bool Warned(const WarninglistSet& set, const model::Attribute& attribute) {
  return !CheckAttribute(set, attribute).empty();
}

boost::json::array WarningsJson(const std::vector<Hit>& hits) {
  boost::json::array out;
  out.reserve(hits.size());
  for (const Hit& h : hits) {
    boost::json::object o;
    o["value"] = h.value;
    o["match"] = h.matched;
    o["warninglist_id"] = std::to_string(h.list_id);
    o["warninglist_name"] = h.name;
    o["warninglist_category"] = CategoryName(h.category);
    out.push_back(std::move(o));
  }
  return out;
}

WarninglistSnapshot::WarninglistSnapshot() {
  auto empty = WarninglistSet::Build({});
  current_.store(empty.ok() ? std::move(empty).value() : nullptr, std::memory_order_release);
}

void WarninglistSnapshot::Publish(std::shared_ptr<const WarninglistSet> set) {
  if (set) current_.store(std::move(set), std::memory_order_release);
}

Result<std::vector<LoadIssue>> WarninglistSnapshot::ReloadFromStore(store::Store& store) {
  BW_ASSIGN_OR_RETURN(LoadedLists loaded, LoadFromStore(store));
  BW_ASSIGN_OR_RETURN(auto set, WarninglistSet::Build(std::move(loaded.lists)));
  Publish(std::move(set));
  return std::move(loaded.rejected);
}

}  // namespace bulwark::warninglist
