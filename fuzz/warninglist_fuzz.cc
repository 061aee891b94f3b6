// Fuzzes the warninglist parser (misp-warninglists list.json) and the compiled matcher: the input is split
// at the first NUL byte into a list document and a value; a document that parses is compiled alone and the
// value checked against it with every list-relevant attribute type, then against a fixed set of one list of
// each type; CheckInto (hits into a reused vector) must give the same hits as Check.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "warninglist/warninglist.h"
#include "warninglist/warninglist_set.h"

namespace {

using bulwark::warninglist::ParseWarninglist;
using bulwark::warninglist::WarninglistSet;

std::shared_ptr<const WarninglistSet> FixedSet() {
  std::vector<bulwark::warninglist::Warninglist> lists;
  for (const char* doc : {
           R"({"name":"s","type":"string","list":["8.8.8.8","d41d8cd98f00b204e9800998ecf8427e"]})",
           R"({"name":"h","type":"hostname","list":["example.com",".co.uk"]})",
           R"({"name":"c","type":"cidr","list":["10.0.0.0/8","2001:db8::/32","0.0.0.0/0"]})",
           R"({"name":"sub","type":"substring","list":["any.run","@"]})",
           R"({"name":"re","type":"regex","list":["/^(abuse|noc)\\@.*$/i","/[0-9]{3}-[0-9]{4}/g"]})",
       }) {
    auto wl = ParseWarninglist(std::string_view(doc));
    if (wl.ok()) lists.push_back(std::move(wl).value());
  }
  auto set = WarninglistSet::Build(std::move(lists));
  return set.ok() ? std::move(set).value() : nullptr;
}

void CheckAll(const WarninglistSet& set, std::string_view value) {
  std::vector<bulwark::warninglist::Hit> reused;  // CheckInto into one vector must agree with Check
  for (std::string_view type : {"", "ip-dst", "domain", "url", "domain|ip", "md5", "email-src", "comment"}) {
    const auto hits = set.Check(type, value);
    if (set.CheckInto(type, value, reused) != hits.size()) __builtin_trap();
    for (size_t i = 0; i < hits.size(); ++i) {
      if (reused[i].list_id != hits[i].list_id || reused[i].matched != hits[i].matched) __builtin_trap();
    }
    for (const auto& hit : hits) {
      // Views must point into the set or the value: touching them lets ASan catch dangling ones.
      volatile char sink = hit.name.empty() ? 0 : hit.name[0];
      sink = hit.matched.empty() ? 0 : hit.matched[0];
      sink = hit.value.empty() ? 0 : hit.value[0];
      (void)sink;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::shared_ptr<const WarninglistSet> fixed = FixedSet();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string_view doc = input.substr(0, nul);
  const std::string_view value = nul == std::string_view::npos ? input : input.substr(nul + 1);

  auto wl = ParseWarninglist(doc);
  if (wl.ok()) {
    std::vector<bulwark::warninglist::Warninglist> lists;
    lists.push_back(std::move(wl).value());
    auto set = WarninglistSet::Build(std::move(lists));
    if (set.ok()) CheckAll(**set, value);
  }
  if (fixed) CheckAll(*fixed, value);
  return 0;
}
