#include "stix/object.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "stix/bundle_reader.h"

namespace bulwark::stix {
namespace {

constexpr std::string_view kIndicator = R"({
  "type": "indicator", "spec_version": "2.1", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
  "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.123456Z", "revoked": true,
  "created_by_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
  "object_marking_refs": ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", 7],
  "pattern": "[ipv4-addr:value = '198.51.100.1']", "pattern_type": "stix", "valid_from": "2016-01-01T00:00:00Z"
})";

TEST(ObjectTest, MakeObjectFillsEveryHeaderField) {
  const Object o = MakeObject(boost::json::parse(kIndicator).as_object());
  EXPECT_EQ(o.type, "indicator");
  EXPECT_EQ(o.id, "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
  EXPECT_EQ(o.spec_version, "2.1");
  EXPECT_EQ(o.created, "2016-04-06T20:03:48.000Z");
  EXPECT_EQ(o.modified, "2016-04-06T20:03:48.123456Z");
  EXPECT_TRUE(o.revoked);
  EXPECT_EQ(o.created_by_ref, "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff");
  // The non-string element is skipped.
  EXPECT_EQ(o.object_marking_refs, std::vector<std::string>{"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"});
  EXPECT_EQ(o.category, ObjectCategory::kSdo);
  EXPECT_EQ(o.Version(), std::optional<std::string_view>("2016-04-06T20:03:48.123456Z"));
  EXPECT_EQ(o.json.at("pattern").as_string(), "[ipv4-addr:value = '198.51.100.1']");
}

TEST(ObjectTest, MistypedHeaderMembersLeaveFieldsEmpty) {
  const Object o = MakeObject(
      boost::json::parse(R"({"type": 5, "id": ["x"], "revoked": "yes", "object_marking_refs": "m"})").as_object());
  EXPECT_EQ(o.type, "");
  EXPECT_EQ(o.id, "");
  EXPECT_FALSE(o.revoked);
  EXPECT_TRUE(o.object_marking_refs.empty());
  EXPECT_EQ(o.category, ObjectCategory::kInvalid);
}

// A value on a resource the caller owns (here one on the stack) is copied to the default heap: the Object must
// stay valid after that resource is gone (an ASan build would report the use after free otherwise).
TEST(ObjectTest, ValuesOnABorrowedResourceAreCopiedOut) {
  std::unique_ptr<Object> o;
  {
    boost::json::monotonic_resource arena;
    boost::json::value v = boost::json::parse(kIndicator, &arena);
    o = std::make_unique<Object>(MakeObject(std::move(v.as_object())));
  }
  EXPECT_EQ(o->json.storage().get(), boost::json::storage_ptr().get());
  EXPECT_EQ(o->json.at("id").as_string(), "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
  EXPECT_EQ(o->json.at("object_marking_refs").as_array().size(), 2u);
}

// BundleReader parses each object into an arena of its own; the Object keeps that arena (no deep copy per
// object: that copy was ~15% of the CPU of `bulwark import stix`) and owns it, so objects outlive the reader.
TEST(ObjectTest, BundleObjectsKeepTheirOwnArenaAndOutliveTheReader) {
  std::vector<Object> kept;
  {
    BundleReader reader([&](Object&& o) -> Status {
      kept.push_back(std::move(o));
      return Ok();
    });
    const std::string bundle = R"({"type":"bundle","id":"bundle--5330e3e3-8f58-4d21-9f4b-793a054c0d33","objects":[)" +
                               std::string(kIndicator) +
                               R"(,{"type":"ipv4-addr","id":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4",
                                   "value":"198.51.100.3"}]})";
    ASSERT_TRUE(reader.Feed(bundle).ok());
    ASSERT_TRUE(reader.Finish().ok());
  }
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_TRUE(kept[0].json.storage().is_shared());
  EXPECT_NE(kept[0].json.storage().get(), kept[1].json.storage().get());
  EXPECT_EQ(kept[0].modified, "2016-04-06T20:03:48.123456Z");
  EXPECT_EQ(kept[0].json.at("valid_from").as_string(), "2016-01-01T00:00:00Z");
  EXPECT_EQ(kept[1].category, ObjectCategory::kSco);
  EXPECT_EQ(kept[1].json.at("value").as_string(), "198.51.100.3");
}

}  // namespace
}  // namespace bulwark::stix
