#include "warninglist/warninglist_set.h"

#include <boost/json.hpp>

#include <algorithm>
#include <array>

#include "common/ip.h"
#include "store/store.h"

namespace bulwark::warninglist {
namespace {

constexpr uint32_t KindBit(ListType t) { return 1u << static_cast<uint32_t>(t); }

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

// The host of a hostname, URL or e-mail address (already lower-cased): the authority of a URL, without
// userinfo, port, brackets or trailing dots.
std::string_view HostOf(std::string_view v) {
  if (size_t p = v.find("//"); p != std::string_view::npos) v.remove_prefix(p + 2);
  v = v.substr(0, v.find_first_of("/?#"));
  if (size_t at = v.rfind('@'); at != std::string_view::npos) v.remove_prefix(at + 1);
  if (!v.empty() && v.front() == '[') {
    v = v.substr(1, v.find(']') == std::string_view::npos ? v.size() - 1 : v.find(']') - 1);
  } else if (size_t colon = v.find(':'); colon != std::string_view::npos && v.find(':', colon + 1) == v.npos) {
    v = v.substr(0, colon);
  }
  while (!v.empty() && v.back() == '.') v.remove_suffix(1);
  return v;
}

bool MaybeIp(std::string_view v) {
  if (v.empty() || v.size() > 64) return false;
  const char c = v.front();
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':';
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

  StringTableBuilder strings;
  StringTableBuilder hostnames;
  IpRangeTableBuilder ranges;
  std::vector<Pattern> substring_patterns;
  std::vector<Pattern> regex_patterns;
  for (uint32_t li = 0; li < lists.size(); ++li) {
    Warninglist& wl = lists[li];
    const uint64_t bit = uint64_t{1} << (li & 63);
    const uint32_t kind = KindBit(wl.type);
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
          strings.Add(Lowered(e, buf, heap), posting);
          break;
        }
        case ListType::kHostname:
          hostnames.Add(e, posting);
          break;
        case ListType::kCidr: {
          auto cidr = Cidr::ParseMasked(e);
          if (!cidr.ok()) {
            return MakeError(ErrorCode::kInvalid, "warninglist `" + wl.name + "`: `" + e + "` is not a CIDR");
          }
          ranges.Add(*cidr, posting);
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
  set->strings_ = std::move(strings).Build();
  set->hostnames_ = std::move(hostnames).Build();
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

void WarninglistSet::AddHit(const TypeScope& scope, uint32_t list, uint32_t entry, std::string_view part,
                            std::vector<Hit>& hits) const {
  if (!scope.Has(list)) return;
  const ListInfo& info = lists_[list];
  for (const Hit& h : hits) {
    if (h.list_id == info.id) return;
  }
  hits.push_back({info.id, info.name, info.category, entries_[list][entry], part});
}

void WarninglistSet::CheckString(const TypeScope& scope, std::string_view lowered, std::string_view part,
                                 std::vector<Hit>& hits) const {
  for (const Posting& p : strings_.Find(lowered)) AddHit(scope, p.list, p.entry, part, hits);
}

void WarninglistSet::CheckHostname(const TypeScope& scope, std::string_view lowered, std::string_view part,
                                   std::vector<Hit>& hits) const {
  const std::string_view host = HostOf(lowered);
  if (host.empty()) return;
  // Suffixes from the shortest ("com") to the whole host, each ending at a label boundary.
  for (size_t i = host.size(); i-- > 0;) {
    if (host[i] != '.') continue;
    for (const Posting& p : hostnames_.Find(host.substr(i + 1))) AddHit(scope, p.list, p.entry, part, hits);
  }
  for (const Posting& p : hostnames_.Find(host)) AddHit(scope, p.list, p.entry, part, hits);
}

void WarninglistSet::CheckCidr(const TypeScope& scope, std::string_view part, std::vector<Hit>& hits) const {
  if (!MaybeIp(part)) return;
  Result<Cidr> prefix = part.find('/') == std::string_view::npos ? Cidr::Parse(part) : Cidr::ParseMasked(part);
  if (!prefix.ok()) return;
  std::vector<IpRangeTable::Match> matches;
  ranges_.FindContaining(*prefix, matches);
  for (const auto& m : matches) AddHit(scope, m.posting.list, m.posting.entry, part, hits);
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
  st->set->AddHit(*st->scope, r.list, r.entry, st->part, *st->hits);
}

void WarninglistSet::CheckPatterns(const TypeScope& scope, const PatternDb& db, const std::vector<PatternRef>& refs,
                                   std::string_view part, std::vector<Hit>& hits) const {
  ScanState st{this, &scope, &refs, part, &hits};
  (void)db.Scan(part, &WarninglistSet::OnPatternMatch, &st);
}

void WarninglistSet::CheckOne(const TypeScope& scope, std::string_view part, std::vector<Hit>& hits) const {
  if (part.empty()) return;
  if (scope.kinds & (KindBit(ListType::kString) | KindBit(ListType::kHostname))) {
    std::array<char, 512> buf;
    std::string heap;
    const std::string_view lowered = Lowered(part, buf, heap);
    if (scope.kinds & KindBit(ListType::kString)) CheckString(scope, lowered, part, hits);
    if (scope.kinds & KindBit(ListType::kHostname)) CheckHostname(scope, lowered, part, hits);
  }
  if (scope.kinds & KindBit(ListType::kCidr)) CheckCidr(scope, part, hits);
  if (scope.kinds & KindBit(ListType::kSubstring)) CheckPatterns(scope, substrings_, substring_refs_, part, hits);
  if (scope.kinds & KindBit(ListType::kRegex)) CheckPatterns(scope, regexes_, regex_refs_, part, hits);
}

std::vector<Hit> WarninglistSet::CheckParts(std::string_view type, std::string_view value1,
                                            std::string_view value2) const {
  std::vector<Hit> hits;
  const TypeScope& scope = ScopeFor(type);
  if (scope.kinds == 0) return hits;
  CheckOne(scope, value1, hits);
  CheckOne(scope, value2, hits);
  if (hits.size() > 1) {
    std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.list_id < b.list_id; });
  }
  return hits;
}

std::vector<Hit> WarninglistSet::Check(std::string_view type, std::string_view value) const {
  if (IsCompositeType(type)) {
    if (size_t bar = value.find('|'); bar != std::string_view::npos) {
      return CheckParts(type, value.substr(0, bar), value.substr(bar + 1));
    }
  }
  return CheckParts(type, value, {});
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
