#include "stix/sco_id.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace bulwark::stix {
namespace {

std::string Id(const char* json) { return DeterministicScoId(boost::json::parse(json).as_object()); }

// Expected ids computed independently: Python's uuid.uuid5(namespace, json.dumps(props, sort_keys=True,
// separators=(",", ":"), ensure_ascii=False)).
TEST(ScoIdTest, MatchesIndependentComputation) {
  EXPECT_EQ(Id(R"({"type":"ipv4-addr","spec_version":"2.1","value":"198.51.100.3"})"),
            "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4");
  EXPECT_EQ(Id(R"({"type":"domain-name","value":"example.com","resolves_to_refs":[
                 "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"]})"),
            "domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7");
  EXPECT_EQ(Id(R"({"type":"email-addr","value":"jdoe@example.com","display_name":"J. Doe"})"),
            "email-addr--6deb37bd-12b7-54ae-805f-5f7146f3d171");
  EXPECT_EQ(Id(R"({"type":"url","value":"https://example.com/\u00e9"})"),
            "url--681cc340-7cd2-5db4-8c40-34f240adaced");
  EXPECT_EQ(Id(R"({"type":"user-account","account_login":"jdoe","user_id":"1001","account_type":"unix",
                 "display_name":"not contributing"})"),
            "user-account--f94d689e-707d-58c3-b803-c720bb6ed096");
  EXPECT_EQ(Id(R"({"type":"network-traffic","protocols":["ipv4","tcp"],"dst_port":443,
                 "src_ref":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","src_byte_count":10})"),
            "network-traffic--21fb682d-8acd-5691-b4d4-101141ec8c81");
}

TEST(ScoIdTest, OneHashChosenMd5First) {
  // Only MD5 contributes when present, whatever else the dictionary holds.
  const std::string expected = "file--51d0535d-dfbb-5909-b066-8ee329783353";
  EXPECT_EQ(Id(R"({"type":"file","name":"foo.exe","hashes":{"MD5":"d41d8cd98f00b204e9800998ecf8427e"}})"), expected);
  EXPECT_EQ(Id(R"({"type":"file","name":"foo.exe","hashes":{
                 "SHA-256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                 "MD5":"d41d8cd98f00b204e9800998ecf8427e"},"size":0})"),
            expected);
}

TEST(ScoIdTest, NoContributingPropertiesMeansNoDeterministicId) {
  EXPECT_EQ(Id(R"({"type":"process","pid":4})"), "");
  EXPECT_EQ(Id(R"({"type":"file","size":10})"), "");
  EXPECT_EQ(Id(R"({"type":"indicator","name":"x"})"), "");
  EXPECT_EQ(Id(R"({"value":"1.2.3.4"})"), "");
}

TEST(ScoIdTest, ContributingPropertyLists) {
  EXPECT_EQ(IdContributingProperties("file").size(), 4u);
  EXPECT_EQ(IdContributingProperties("network-traffic").size(), 8u);
  EXPECT_TRUE(IdContributingProperties("process").empty());
}

}  // namespace
}  // namespace bulwark::stix
