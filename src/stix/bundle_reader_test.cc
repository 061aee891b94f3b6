#include "stix/bundle_reader.h"

#include <fstream>
#include <string>
#include <vector>

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

namespace bulwark::stix {
namespace {

struct Collected {
  Status status;
  std::vector<std::string> objects;  // serialised, to compare runs
  InputShape shape = InputShape::kUnknown;
  std::string bundle_id;
  size_t peak = 0;
};

// Feeds `text` in pieces of `chunk` bytes.
Collected Read(std::string_view text, size_t chunk, BundleReaderOptions options = {}) {
  Collected c;
  BundleReader reader(
      [&](Object&& o) -> Status {
        c.objects.push_back(boost::json::serialize(o.json));
        return Ok();
      },
      options);
  for (size_t pos = 0; pos < text.size(); pos += chunk) {
    c.status = reader.Feed(text.substr(pos, chunk));
    if (!c.status.ok()) return c;
  }
  c.status = reader.Finish();
  c.shape = reader.shape();
  c.bundle_id = reader.bundle_id();
  c.peak = reader.peak_value_bytes();
  return c;
}

const std::string kBundle = R"( {"objects": [
  {"type":"identity","id":"identity--f431f809-377b-45e0-aa1c-6a4751cae5ff","name":"ACME \u00e9\ud83d\ude00"},
  {"type":"ipv4-addr","id":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","value":"198.51.100.3",
   "x_n":[1,2.5,-3e10,true,null,{"deep":{"er":[]}}]}
 ], "x_custom": {"a": [1, 2]}, "count": 12345,
 "id": "bundle--5330e3e3-8f58-4d21-9f4b-793a054c0d33", "type": "bundle"}
)";

TEST(BundleReaderTest, AnyKeyOrderAndExtraMembers) {
  const Collected c = Read(kBundle, 1 << 20);
  ASSERT_TRUE(c.status.ok()) << c.status.error().message;
  EXPECT_EQ(c.shape, InputShape::kBundle);
  EXPECT_EQ(c.bundle_id, "bundle--5330e3e3-8f58-4d21-9f4b-793a054c0d33");
  ASSERT_EQ(c.objects.size(), 2u);
  EXPECT_NE(c.objects[1].find("\"x_n\":[1,2.5E0,-3E10,true,null,{\"deep\":{\"er\":[]}}]"), std::string::npos)
      << c.objects[1];
}

TEST(BundleReaderTest, OneByteAtATimeGivesTheSameObjects) {
  const Collected whole = Read(kBundle, 1 << 20);
  for (size_t chunk : {1, 2, 3, 7, 64}) {
    const Collected c = Read(kBundle, chunk);
    ASSERT_TRUE(c.status.ok()) << chunk << ": " << c.status.error().message;
    EXPECT_EQ(c.objects, whole.objects) << chunk;
    EXPECT_EQ(c.bundle_id, whole.bundle_id);
  }
}

// With a caller's arena every object lives on it (kept, not copied to the heap), and the objects are the same.
TEST(BundleReaderTest, CallersArenaHoldsEveryObject) {
  boost::json::monotonic_resource arena;
  BundleReaderOptions options;
  options.arena = &arena;
  std::vector<Object> objects;
  BundleReader reader(
      [&](Object&& o) -> Status {
        objects.push_back(std::move(o));
        return Ok();
      },
      options);
  ASSERT_TRUE(reader.Feed(kBundle).ok());
  ASSERT_TRUE(reader.Finish().ok());
  const Collected heap = Read(kBundle, 7);
  ASSERT_EQ(objects.size(), heap.objects.size());
  for (size_t i = 0; i < objects.size(); ++i) {
    EXPECT_EQ(objects[i].json.storage().get(), &arena) << i;
    EXPECT_FALSE(objects[i].json.storage().is_shared()) << i;
    EXPECT_EQ(boost::json::serialize(objects[i].json), heap.objects[i]) << i;
  }
  EXPECT_EQ(objects[1].type, "ipv4-addr");
  EXPECT_EQ(objects[1].id, "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4");
  // Without the option, a value on a borrowed resource is still copied to the default heap.
  boost::json::monotonic_resource other;
  boost::json::object borrowed{boost::json::storage_ptr(&other)};
  borrowed["type"] = "identity";
  EXPECT_EQ(MakeObject(std::move(borrowed)).json.storage().get(), boost::json::storage_ptr().get());
}

TEST(BundleReaderTest, ListAndSingleObjectAndEmptyBundle) {
  Collected c = Read(R"([{"type":"x-a","id":"x-a--f431f809-377b-45e0-aa1c-6a4751cae5ff"}, {"type":"x-b"}])", 5);
  ASSERT_TRUE(c.status.ok());
  EXPECT_EQ(c.shape, InputShape::kList);
  EXPECT_EQ(c.objects.size(), 2u);
  c = Read(R"({"type":"campaign","name":"x","objects_seen":1})", 3);
  ASSERT_TRUE(c.status.ok());
  EXPECT_EQ(c.shape, InputShape::kSingleObject);
  ASSERT_EQ(c.objects.size(), 1u);
  EXPECT_EQ(c.objects[0], R"({"type":"campaign","name":"x","objects_seen":1})");
  c = Read(R"({"type":"bundle","id":"bundle--5330e3e3-8f58-4d21-9f4b-793a054c0d33"})", 4);
  ASSERT_TRUE(c.status.ok());
  EXPECT_EQ(c.shape, InputShape::kBundle);
  EXPECT_TRUE(c.objects.empty());
  c = Read("[]", 1);
  ASSERT_TRUE(c.status.ok());
  EXPECT_TRUE(c.objects.empty());
}

std::string ErrorOf(std::string_view text, size_t chunk = 1 << 20, BundleReaderOptions options = {}) {
  const Collected c = Read(text, chunk, options);
  return c.status.ok() ? "" : c.status.error().message;
}

TEST(BundleReaderTest, PreciseErrors) {
  EXPECT_EQ(ErrorOf(R"({"type":"bundle","objects":[{"a":1},{"a":tru}]})"),
            "objects[1]: invalid JSON (syntax error) at byte 41");
  EXPECT_EQ(ErrorOf(R"({"type":"bundle","objects":[{"a":1}, 5]})"),
            "objects[1] must be a JSON object, found '5' at byte 37");
  EXPECT_EQ(ErrorOf(R"([{"a":1}] x)"), "unexpected 'x' after the end of the document at byte 10");
  EXPECT_EQ(ErrorOf(R"({"type":"bundle","objects":[{"a":1})"), "unexpected end of input at byte 35");
  EXPECT_EQ(ErrorOf(R"({"type":"report","objects":[]})"),
            "a top-level object with \"objects\" must have type \"bundle\" at byte 30");
  EXPECT_EQ(ErrorOf(R"({"type":"bundle","id":"bundle--x","objects":[]})"),
            "the bundle id must be bundle--<UUID> at byte 47");
  EXPECT_EQ(ErrorOf(R"({"type":"bundle","type":"bundle"})"), "duplicate member \"type\" at byte 32");
  EXPECT_EQ(ErrorOf(""), "empty input at byte 0");
  EXPECT_EQ(ErrorOf("\"bundle\""), "expected a STIX bundle, a list of objects or an object, found '\"' at byte 0");
  EXPECT_NE(ErrorOf("[{\"a\":\"\xff\"}]").find("invalid JSON"), std::string::npos);  // invalid UTF-8
  EXPECT_NE(ErrorOf("[{\"a\":1,}]").find("invalid JSON"), std::string::npos);         // trailing comma
}

TEST(BundleReaderTest, Limits) {
  BundleReaderOptions small{.max_object_bytes = 20, .max_depth = 3};
  EXPECT_EQ(ErrorOf(R"([{"a":"0123456789abcdef"}])", 1, small), "objects[0] is larger than 20 bytes at byte 22");
  EXPECT_TRUE(Read(R"([{"a":"0123456789ab"}])", 1, small).status.ok());
  EXPECT_NE(ErrorOf(R"([{"a":[[[1]]]}])", 2, small).find("invalid JSON"), std::string::npos);
  const Collected c = Read(R"([{"a":[[[1]]]}])", 2, {.max_object_bytes = 20, .max_depth = 8});
  EXPECT_TRUE(c.status.ok());
  // The envelope is bounded too.
  EXPECT_NE(ErrorOf(R"({"x_pad":"0123456789abcdefghij","type":"bundle"})", 3, small).find("larger than"),
            std::string::npos);
}

TEST(BundleReaderTest, CallbackErrorStopsReading) {
  size_t seen = 0;
  BundleReader reader([&](Object&&) -> Status {
    ++seen;
    return MakeError(ErrorCode::kConflict, "stop");
  });
  const Status st = reader.Feed(R"([{"a":1},{"b":2}])");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "stop");
  EXPECT_EQ(seen, 1u);
  EXPECT_FALSE(reader.Finish().ok());
}

long RssKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// A 200 MB bundle generated on the fly, fed in 1 MiB chunks that split objects anywhere: the reader holds
// one object at a time (peak_value_bytes is one object's size) and resident memory stays flat.
TEST(BundleReaderTest, MemoryIndependentOfInputSize) {
  const std::string head = R"({"type":"bundle","id":"bundle--5330e3e3-8f58-4d21-9f4b-793a054c0d33","objects":[)";
  std::string proto = R"({"type":"indicator","spec_version":"2.1","id":"indicator--00000000-0000-4000-8000-NNNNNNNNNNNN",)"
                      R"("created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z",)"
                      R"("pattern":"[ipv4-addr:value = '198.51.100.3']","pattern_type":"stix",)"
                      R"("valid_from":"2016-01-01T00:00:00Z","description":")";
  proto.append(300, 'x');
  proto += "\"}";
  const size_t target = 200u << 20;
  const size_t count = target / (proto.size() + 1);
  size_t seen = 0;
  long rss_base = RssKib();
  long rss_max = rss_base;
  BundleReader reader([&](Object&& o) -> Status {
    if (o.type != "indicator") return MakeError(ErrorCode::kInvalid, "bad object");
    if (++seen % 50000 == 0) rss_max = std::max(rss_max, RssKib());
    return Ok();
  });
  std::string buf = head;
  size_t produced = 0;
  for (size_t i = 0; i < count; ++i) {
    std::string obj = proto;
    const std::string num = std::to_string(i);
    obj.replace(obj.find("NNNNNNNNNNNN") + 12 - num.size(), num.size(), num);
    if (i > 0) buf += ',';
    buf += obj;
    if (buf.size() >= (1u << 20)) {
      ASSERT_TRUE(reader.Feed(buf).ok());
      produced += buf.size();
      buf.clear();
    }
  }
  buf += "]}";
  produced += buf.size();
  ASSERT_TRUE(reader.Feed(buf).ok());
  ASSERT_TRUE(reader.Finish().ok());
  EXPECT_GE(produced, 199u << 20);
  EXPECT_EQ(seen, count);
  EXPECT_EQ(reader.peak_value_bytes(), proto.size());
  EXPECT_EQ(reader.bytes_consumed(), produced);
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer keeps freed memory in quarantine, so RSS says nothing there; peak_value_bytes above does.
  (void)rss_max;
  (void)rss_base;
#else
  EXPECT_LT(rss_max - rss_base, 16 * 1024) << "RSS grew by " << (rss_max - rss_base) << " KiB";
#endif
}

}  // namespace
}  // namespace bulwark::stix
