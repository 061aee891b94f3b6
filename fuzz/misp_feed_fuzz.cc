// libFuzzer target for the feed parsers of src/feeds: manifest.json, hashes.csv, the MISP document shapes,
// freetext and CSV value feeds (type detection, refanging, CSV quoting). The first byte picks the parser and
// the CSV options; the rest is the input. Must never crash, hang or allocate without bound.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "feeds/freetext.h"
#include "feeds/misp_feed.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  using namespace bulwark::feeds;
  switch (selector % 4) {
    case 0: {
      auto m = ParseManifest(text);
      if (m.ok()) {
        for (const auto& e : *m) (void)e.timestamp;
      }
      boost::system::error_code ec;
      boost::json::parse_options opts;
      opts.max_depth = 32;
      boost::json::value v = boost::json::parse(text, ec, {}, opts);
      if (!ec) {
        (void)ForEachMispEvent(v, [](const boost::json::value& ev) -> bulwark::Status {
          if (ev.is_object()) (void)EventValueHashes(ev.as_object());
          return bulwark::Ok();
        });
      }
      break;
    }
    case 1:
      (void)ParseHashesCsv(text);
      break;
    default: {
      ValueFeedOptions o;
      if (selector % 4 == 3) {
        o.format = ValueFeedFormat::kCsv;
        o.value_column = 1 + (selector >> 2) % 4;
        o.delimiter = (selector & 0x40) ? ';' : ',';
        o.skip_header = (selector & 0x80) != 0;
      }
      std::vector<ValueLine> values;
      (void)ParseValueFeed(text, o, values);
      for (const auto& v : values) (void)DetectType(Refang(v.value));
      break;
    }
  }
  return 0;
}
