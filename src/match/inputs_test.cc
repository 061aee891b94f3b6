#include "match/inputs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "match/match_test_util.h"

namespace bulwark::match {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using testing::Ind;
using testing::SetOf;

// The planted indicators every format test uses.
std::shared_ptr<const IndicatorSet> Planted() {
  return SetOf({
      Ind("domain", "evil.example"),
      Ind("ip-dst", "203.0.113.66"),
      Ind("ip-src", "2001:db8:bad::/48"),
      Ind("url", "http://phish.example/login.php"),
      Ind("md5", "44d88612fea8a8f36de82e1278abb02f"),
      Ind("sha256", "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"),
      Ind("ja3-fingerprint-md5", "e7d705a3286e19ea42f587b344ee6865"),
      Ind("user-agent", "EvilBot/2.1"),
      Ind("email-src", "ceo@spoofed.example"),
      Ind("filename", "payload.exe"),
  });
}

std::vector<std::string> ReadAll(Format format, std::string_view text) {
  auto set = Planted();
  testing::CollectingEmitter em;
  LineMatcher m(&em);
  m.set_indicators(set.get());
  LinePosition pos;
  m.set_position(&pos);
  auto reader = MakeReader(format);
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) reader->Line(line, m);
  EXPECT_EQ(reader->errors(), 0u);
  return em.Pairs();
}

TEST(InputsTest, DetectFormat) {
  EXPECT_EQ(DetectFormat("#separator \\x09"), Format::kZeek);
  EXPECT_EQ(DetectFormat("{\"ts\":1.0,\"uid\":\"C1\",\"id.orig_h\":\"10.0.0.1\"}"), Format::kZeekJson);
  EXPECT_EQ(DetectFormat("{\"timestamp\":\"x\",\"event_type\":\"dns\"}"), Format::kEve);
  EXPECT_EQ(DetectFormat("<34>Oct 11 22:14:15 mymachine su: 'su root' failed"), Format::kSyslog);
  EXPECT_EQ(DetectFormat("Sep 19 08:26:10 host CEF:0|Vendor|Product|1.0|100|x|5|src=1.2.3.4"), Format::kSyslog);
  EXPECT_EQ(DetectFormat("10.0.0.1 query evil.example"), Format::kText);
  EXPECT_FALSE(ParseFormat("xml").ok());
}

TEST(InputsTest, ZeekTsvDnsHttpSslFiles) {
  const char* log =
      "#separator \\x09\n"
      "#set_separator\t,\n"
      "#empty_field\t(empty)\n"
      "#unset_field\t-\n"
      "#path\tdns\n"
      "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tanswers\n"
      "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tvector[string]\n"
      "1700000000.1\tC1\t10.0.0.5\t5353\t10.0.0.1\t53\tudp\twww.evil.example\t203.0.113.66,198.51.100.1\n"
      "1700000000.2\tC2\t10.0.0.5\t5353\t10.0.0.1\t53\tudp\tgood.example\t-\n"
      "#fields\tts\tuid\tid.orig_h\tid.resp_h\thost\turi\tuser_agent\n"
      "1700000001.0\tC3\t2001:db8:bad::7\t10.0.0.9\tphish.example\t/login.php\tMozilla EvilBot/2.1\n"
      "1700000001.1\tC4\t10.0.0.5\t10.0.0.9\tphish.example\t/other.php\tcurl\n"
      "#fields\tts\tuid\tserver_name\tja3\tja3s\n"
      "1700000002.0\tC5\tgood.example\te7d705a3286e19ea42f587b344ee6865\t-\n"
      "#fields\tts\tfuid\ttx_hosts\trx_hosts\tfilename\tmd5\tsha256\n"
      "1700000003.0\tF1\t10.0.0.1\t10.0.0.2\tpayload.exe\t44d88612fea8a8f36de82e1278abb02f\t"
      "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f\n";
  EXPECT_THAT(ReadAll(Format::kZeek, log),
              ElementsAre("query:www.evil.example->evil.example", "answers:203.0.113.66->203.0.113.66",
                          "id.orig_h:2001:db8:bad::7->2001:db8:bad::/48", "user_agent:Mozilla EvilBot/2.1->EvilBot/2.1",
                          "uri:phish.example/login.php->http://phish.example/login.php",
                          "ja3:e7d705a3286e19ea42f587b344ee6865->e7d705a3286e19ea42f587b344ee6865",
                          "filename:payload.exe->payload.exe",
                          "md5:44d88612fea8a8f36de82e1278abb02f->44d88612fea8a8f36de82e1278abb02f",
                          "sha256:275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f->"
                          "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"));
}

TEST(InputsTest, ZeekJsonDnsAndSmtp) {
  const char* log =
      "{\"ts\":1700000000.1,\"uid\":\"C1\",\"id.orig_h\":\"10.0.0.5\",\"id.resp_h\":\"203.0.113.66\","
      "\"query\":\"a.EVIL.example\",\"answers\":[\"1.1.1.1\"],\"rejected\":false}\n"
      "{\"ts\":1700000000.2,\"uid\":\"C2\",\"id.orig_h\":\"10.0.0.5\",\"query\":\"benign.example\"}\n"
      "{\"ts\":1.0,\"mailfrom\":\"<CEO@spoofed.example>\",\"rcptto\":[\"x@corp.example\"],"
      "\"subject\":\"see http:\\/\\/phish.example\\/login.php now\"}\n";
  EXPECT_THAT(ReadAll(Format::kZeekJson, log),
              ElementsAre("id.resp_h:203.0.113.66->203.0.113.66", "query:a.EVIL.example->evil.example",
                          "mailfrom:CEO@spoofed.example->ceo@spoofed.example",
                          "subject:http://phish.example/login.php->http://phish.example/login.php"));
}

TEST(InputsTest, SuricataEve) {
  const char* log =
      "{\"timestamp\":\"2024-01-01T00:00:00.000000+0000\",\"event_type\":\"dns\",\"src_ip\":\"10.0.0.5\","
      "\"dest_ip\":\"10.0.0.1\",\"dns\":{\"type\":\"query\",\"rrname\":\"cdn.evil.example\",\"rrtype\":\"A\"}}\n"
      "{\"event_type\":\"dns\",\"src_ip\":\"10.0.0.1\",\"dest_ip\":\"10.0.0.5\",\"dns\":{\"type\":\"answer\","
      "\"rrname\":\"ok.example\",\"grouped\":{\"A\":[\"203.0.113.66\",\"198.51.100.3\"]}}}\n"
      "{\"event_type\":\"http\",\"src_ip\":\"2001:db8:bad::1\",\"dest_ip\":\"10.0.0.7\",\"http\":{\"hostname\":"
      "\"phish.example\",\"url\":\"/login.php\",\"http_user_agent\":\"EvilBot/2.1 (x)\",\"status\":200}}\n"
      "{\"event_type\":\"tls\",\"src_ip\":\"10.0.0.5\",\"dest_ip\":\"10.0.0.9\",\"tls\":{\"sni\":\"fine.example\","
      "\"ja3\":{\"hash\":\"e7d705a3286e19ea42f587b344ee6865\",\"string\":\"771,4865\"}}}\n"
      "{\"event_type\":\"fileinfo\",\"src_ip\":\"10.0.0.5\",\"dest_ip\":\"10.0.0.9\",\"fileinfo\":{\"filename\":"
      "\"/dl/payload.exe\",\"md5\":\"44D88612FEA8A8F36DE82E1278ABB02F\",\"size\":68}}\n";
  EXPECT_THAT(ReadAll(Format::kEve, log),
              ElementsAre("dns.rrname:cdn.evil.example->evil.example", "dns.grouped.A:203.0.113.66->203.0.113.66",
                          "src_ip:2001:db8:bad::1->2001:db8:bad::/48",
                          "http.http_user_agent:EvilBot/2.1 (x)->EvilBot/2.1",
                          "uri:phish.example/login.php->http://phish.example/login.php",
                          "tls.ja3.hash:e7d705a3286e19ea42f587b344ee6865->e7d705a3286e19ea42f587b344ee6865",
                          "fileinfo.filename:payload.exe->payload.exe",
                          "fileinfo.md5:44D88612FEA8A8F36DE82E1278ABB02F->44d88612fea8a8f36de82e1278abb02f"));
}

TEST(InputsTest, SyslogAndCef) {
  const char* log =
      "<34>Oct 11 22:14:15 evil.example sshd[1]: Failed password for root from 203.0.113.66 port 22\n"
      "<165>1 2003-10-11T22:14:15.003Z mymachine.example evntslog - ID47 [exampleSDID@32473 iut=\"3\" "
      "eventSource=\"evil.example\"] resolved www.evil.example\n"
      "Sep 19 08:26:10 host CEF:0|Security|threatmanager|1.0|100|worm stopped|10|src=10.0.0.1 "
      "dst=203.0.113.66 spt=1232 request=http://phish.example/login.php fname=payload.exe "
      "requestClientApplication=EvilBot/2.1 suser=ceo@spoofed.example msg=all good\\=fine\n";
  EXPECT_THAT(ReadAll(Format::kSyslog, log),
              ElementsAre("msg:203.0.113.66->203.0.113.66", "msg:www.evil.example->evil.example",
                          "dst:203.0.113.66->203.0.113.66",
                          "request:http://phish.example/login.php->http://phish.example/login.php",
                          "fname:payload.exe->payload.exe", "requestClientApplication:EvilBot/2.1->EvilBot/2.1",
                          "suser:ceo@spoofed.example->ceo@spoofed.example"));
}

TEST(InputsTest, PlainText) {
  EXPECT_THAT(ReadAll(Format::kText,
                  "q a.evil.example from 10.0.0.1\n"
                  "GET http://PHISH.example:80/login.php 200\n"
                  "nothing here 44d88612fea8a8f36de82e1278abb02e\n"),
              ElementsAre("text:a.evil.example->evil.example",
                          "text:http://PHISH.example:80/login.php->http://phish.example/login.php"));
}

TEST(InputsTest, MalformedLinesAreCountedNotFatal) {
  auto set = Planted();
  testing::CollectingEmitter em;
  LineMatcher m(&em);
  m.set_indicators(set.get());
  auto eve = MakeReader(Format::kEve);
  eve->Line("{\"src_ip\":\"203.0.113.66\",", m);
  eve->Line("{\"a\":\"\\q\"}", m);
  eve->Line(std::string(100, '[') , m);
  eve->Line("{\"src_ip\":\"203.0.113.66\"} trailing", m);
  EXPECT_EQ(eve->errors(), 4u);
  auto zeek = MakeReader(Format::kZeek);
  zeek->Line("data\tbefore\tfields", m);
  EXPECT_EQ(zeek->errors(), 1u);
  auto sys = MakeReader(Format::kSyslog);
  sys->Line("CEF:0|only|three", m);
  EXPECT_EQ(sys->errors(), 1u);
}

TEST(InputsTest, JsonEscapesAreDecoded) {
  EXPECT_THAT(ReadAll(Format::kZeekJson, "{\"query\":\"\\u0065vil.example\",\"x\":{\"y\":[1,2,{\"z\":null}]}}\n"),
              ElementsAre("query:evil.example->evil.example"));
}

}  // namespace
}  // namespace bulwark::match
