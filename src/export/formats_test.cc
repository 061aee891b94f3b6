// Golden outputs for the small sample event (test_util.h), written from MISP's export templates.
#include <string>

#include "export/rule_syntax.h"
#include "export/test_util.h"

namespace bulwark::exporter::testing {
namespace {

constexpr std::string_view kRef = " reference:url,https://hub.example.org/events/view/7;)";

TEST(TextWriter, OneDistinctValuePerLine) {
  model::Event e = SampleEvent();
  e.attributes.push_back(Attr(200, "domain", "evil.example"));            // duplicate value
  e.attributes.push_back(Attr(201, "comment", "two\nlines", {}, false));  // cannot be one line
  ExportStats st;
  EXPECT_EQ(RunExport("text", SampleOptions(), e, &st),
            "203.0.113.5\n198.51.100.7|8080\nevil.example\nmail.evil.example\nhttp://evil.example/login.php?x=1\n"
            "Mozilla/5.0 (evil; bot)\nceo@evil.example\nUrgent: invoice\nd41d8cd98f00b204e9800998ecf8427e\n"
            "inv.exe|e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nc2.example|2001:db8::1\n"
            "alert tcp any any -> any 80 (msg:\"old\"; content:\"x\"; sid:5;)\nPOST\n10.0.0.0/8\n");
  EXPECT_EQ(st.duplicates, 1u);
  EXPECT_EQ(st.skipped_value, 1u);
  EXPECT_EQ(RunExport("text", SampleOptions(), model::Event{}), "\n");  // MISP's empty export
}

TEST(HashesWriter, HashesAndHashHalves) {
  model::Event e = SampleEvent();
  e.attributes.push_back(Attr(300, "malware-sample", "a.exe", "0123456789abcdef0123456789abcdef"));
  e.attributes.push_back(Attr(301, "filename|sha384", "b.exe", "ff"));  // not in MISP's list
  EXPECT_EQ(RunExport("hashes", SampleOptions(), e),
            "d41d8cd98f00b204e9800998ecf8427e\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
            "0123456789abcdef0123456789abcdef\n");
  EXPECT_EQ(RunExport("hashes", SampleOptions(), model::Event{}), "\n");
}

std::vector<std::string> Rules(std::string_view out) {
  std::vector<std::string> rules;
  for (auto line : Lines(out)) {
    if (!line.empty() && line[0] != '#') rules.emplace_back(line);
  }
  return rules;
}

TEST(SuricataWriter, GoldenRules) {
  const std::string out = RunExport("suricata", SampleOptions(), SampleEvent());
  EXPECT_EQ(out.rfind("# MISP export of IDS rules - optimized for suricata\n#\n", 0), 0u);
  const auto rules = Rules(out);
  ASSERT_EQ(rules.size(), 16u);
  for (const auto& r : rules) EXPECT_TRUE(CheckRuleSyntax(r).ok()) << r << ": " << CheckRuleSyntax(r).error().message;
  const std::string tail = "classtype:trojan-activity; sid:";
  EXPECT_EQ(rules[0],
            "alert ip $HOME_NET any -> 203.0.113.5 any (msg:\"MISP e7 [kill-chain:c2,tlp:amber] Outgoing To "
            "IP: 203.0.113.5\"; " +
                tail + "4001011; rev:1; priority:1;" + std::string(kRef));
  EXPECT_EQ(rules[1],
            "alert ip 198.51.100.7 8080 -> $HOME_NET any (msg:\"MISP e7 [tlp:amber] Incoming From IP: "
            "198.51.100.7|8080\"; " +
                tail + "4001021; rev:1; priority:1;" + std::string(kRef));
  EXPECT_EQ(rules[2],
            "alert dns any any -> any 53 (msg:\"MISP e7 [tlp:amber] Domain: evil.example\"; dns_query; "
            "content:\"evil.example\"; nocase; pcre:\"/(^|[^A-Za-z0-9-])evil\\.example$/i\"; " +
                tail + "4001031; rev:1; priority:1;" + std::string(kRef));
  EXPECT_EQ(rules[6],
            "alert http $HOME_NET any -> $EXTERNAL_NET $HTTP_PORTS (msg:\"MISP e7 [tlp:amber] Outgoing URL: "
            "http://evil.example/login.php?x=1\"; flow:to_server,established; content:\"evil.example\"; "
            "fast_pattern; nocase; http_header; content:\"/login.php\"; nocase; http_uri; "
            "tag:session,600,seconds; " +
                tail + "4001051; rev:1; priority:1;" + std::string(kRef));
  // ';' is backslash-escaped in msg and hex-escaped in content.
  EXPECT_EQ(rules[7],
            "alert http $HOME_NET any -> $EXTERNAL_NET any (msg:\"MISP e7 [tlp:amber] Outgoing User-Agent: "
            "Mozilla/5.0 (evil\\; bot)\"; flow:to_server,established; content:\"Mozilla/5.0 (evil|3b| bot)\"; "
            "fast_pattern; http_user_agent; tag:session,600,seconds; " +
                tail + "4001061; rev:1; priority:1;" + std::string(kRef));
  EXPECT_EQ(rules[9],
            "alert tcp $EXTERNAL_NET any -> $SMTP_SERVERS 25 (msg:\"MISP e7 [tlp:amber] Bad Email Subject\"; "
            "flow:established,to_server; content:\"Subject|3a|\"; nocase; content:\"Urgent|3a| invoice\"; "
            "fast_pattern; nocase; content:\"|0D 0A 0D 0A|\"; within:8192; tag:session,600,seconds; " +
                tail + "4001081; rev:1; priority:1;" + std::string(kRef));
  // domain|ip: the domain's two rules, then the address both ways; sids 4001111..4001114.
  EXPECT_NE(rules[10].find("Domain: c2.example\"; dns_query;"), std::string::npos);
  EXPECT_EQ(rules[12],
            "alert ip $HOME_NET any -> 2001:db8::1 any (msg:\"MISP e7 [tlp:amber] Outgoing To IP: "
            "2001:db8::1\"; " +
                tail + "4001113; rev:1; priority:1;" + std::string(kRef));
  // The user's snort rule keeps its match options; msg, sid, rev, classtype and reference become ours.
  EXPECT_EQ(rules[14], "alert tcp any any -> any 80 (msg:\"MISP e7 [tlp:amber] snort-rule | old\"; content:\"x\"; " +
                           tail + "4001121; rev:1; priority:1;" + std::string(kRef));
  EXPECT_EQ(rules[15].substr(0, 43), "alert ip $HOME_NET any -> 10.0.0.0/8 any (m");
}

TEST(SnortWriter, GoldenRules) {
  const auto rules = Rules(RunExport("snort", SampleOptions(), SampleEvent()));
  ASSERT_EQ(rules.size(), 19u);
  for (const auto& r : rules) EXPECT_TRUE(CheckRuleSyntax(r).ok()) << r;
  // DNS wire form: |len|label... |00|; a hostname is anchored on the preceding 0x01.
  EXPECT_EQ(rules[2],
            "alert udp any any -> any 53 (msg:\"MISP e7 [tlp:amber] Domain: evil.example\"; "
            "content:\"|01 00 00 01 00 00 00 00 00 01|\"; depth:10; offset:2; "
            "content:\"|04|evil|07|example|00|\"; fast_pattern; nocase; classtype:trojan-activity; "
            "sid:4001031; rev:1; priority:1;" +
                std::string(kRef));
  EXPECT_NE(rules[3].find("fast_pattern; nocase; flow:established; classtype"), std::string::npos);
  EXPECT_NE(rules[5].find("content:\"|01 04|mail|04|evil|07|example|00|\""), std::string::npos);
  EXPECT_EQ(rules[8],
            "alert tcp $HOME_NET any -> $EXTERNAL_NET $HTTP_PORTS (msg:\"MISP e7 [tlp:amber] Outgoing HTTP "
            "URL: http://evil.example/login.php?x=1\"; flow:to_server,established; "
            "content:\"http|3a|//evil.example/login.php?x=1\"; nocase; http_uri; tag:session,600,seconds; "
            "classtype:trojan-activity; sid:4001051; rev:1; priority:1;" +
                std::string(kRef));
}

TEST(SuricataWriter, UrlSchemesJa3AndSidBase) {
  ExportOptions o = SampleOptions();
  o.base_url.clear();  // no reference option
  o.nids.sid_base = 1000000;
  model::Event e;
  e.id = 3;
  e.threat_level = model::ThreatLevel::kLow;
  e.attributes = {Attr(1, "url", "https://bad.example:8443/x"),
                  Attr(2, "url", "https://192.0.2.9/"),
                  Attr(3, "url", "ssh://192.0.2.10"),
                  Attr(4, "url", "ftp://files.example/a"),
                  Attr(5, "url", "bad.example/gate.php"),
                  Attr(6, "ja3-fingerprint-md5", "e7d705a3286e19ea42f587b344ee6865"),
                  Attr(7, "http-method", "POST")};
  ExportStats st;
  const auto rules = Rules(RunExport("suricata", o, e, &st));
  ASSERT_EQ(rules.size(), 5u);
  for (const auto& r : rules) EXPECT_TRUE(CheckRuleSyntax(r).ok()) << r;
  EXPECT_EQ(rules[0],
            "alert tls $EXTERNAL_NET 8443 -> $HOME_NET any (msg:\"MISP e3 [] Outgoing URL: "
            "https://bad.example:8443/x\"; tls_cert_subject; content:\"bad.example\"; nocase; "
            "pcre:\"/bad\\.example$/\"; tag:session,600,seconds; classtype:trojan-activity; sid:1000011; "
            "rev:1; priority:3;)");
  EXPECT_EQ(rules[1],
            "alert tcp $HOME_NET any -> 192.0.2.9 443 (msg:\"MISP e3 [] Outgoing URL: https://192.0.2.9/\"; "
            "flow:to_server; app-layer-protocol:tls; tag:session,600,seconds; classtype:trojan-activity; "
            "sid:1000021; rev:1; priority:3;)");
  EXPECT_EQ(rules[2],
            "alert tcp $HOME_NET any -> 192.0.2.10 $SSH_PORTS (msg:\"MISP e3 [] Outgoing URL: "
            "ssh://192.0.2.10\"; flow:to_server; app-layer-protocol:ssh; classtype:trojan-activity; "
            "sid:1000031; rev:1; priority:3;)");
  // ftp:// to a name: no rule (as MISP). No scheme: the URI content rule.
  EXPECT_EQ(rules[3],
            "alert http $HOME_NET any -> $EXTERNAL_NET any (msg:\"MISP e3 [] Outgoing URL: "
            "bad.example/gate.php\"; flow:to_server,established; content:\"bad.example/gate.php\"; "
            "fast_pattern; nocase; http_uri; tag:session,600,seconds; classtype:trojan-activity; "
            "sid:1000051; rev:1; priority:3;)");
  EXPECT_EQ(rules[4],
            "alert tls $HOME_NET any -> $EXTERNAL_NET any (msg:\"MISP e3 [] JA3 Hash: "
            "e7d705a3286e19ea42f587b344ee6865\"; ja3.hash; content:\"e7d705a3286e19ea42f587b344ee6865\"; "
            "classtype:trojan-activity; sid:1000061; rev:1; priority:3;)");
  EXPECT_EQ(st.skipped_type, 1u);   // http-method
  EXPECT_EQ(st.skipped_value, 1u);  // ftp:// to a name
}

TEST(ZeekWriter, GoldenIntelFile) {
  const std::string src = "\tBulwark (5f1e2d3c-0000-4000-8000-000000000007) - CERT-X\tPhishing wave. ";
  const std::string end = "\thttps://hub.example.org/events/view/7\tT\t-\n";
  const std::string expected =
      "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url\tmeta.do_notice\tmeta.if_in\n"
      "203.0.113.5\tIntel::ADDR" +
      src + end + "198.51.100.7\tIntel::ADDR" + src + end + "evil.example\tIntel::DOMAIN" + src + end +
      "mail.evil.example\tIntel::DOMAIN" + src + "seen in headers" + end +  // the tab became a space
      "evil.example/login.php?x=1\tIntel::URL" + src + end +                // scheme removed
      "Mozilla/5.0 (evil; bot)\tIntel::SOFTWARE" + src + end + "ceo@evil.example\tIntel::EMAIL" + src + end +
      "d41d8cd98f00b204e9800998ecf8427e\tIntel::FILE_HASH" + src + end + "inv.exe\tIntel::FILE_NAME" + src + end +
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\tIntel::FILE_HASH" + src + end +
      "c2.example\tIntel::DOMAIN" + src + end + "2001:db8::1\tIntel::ADDR" + src + end + "10.0.0.0/8\tIntel::SUBNET" +
      src + end;
  EXPECT_EQ(RunExport("zeek", SampleOptions(), SampleEvent()), expected);
  ExportOptions o;  // no base_url: meta.url is "-"
  model::Event e;
  e.attributes = {Attr(1, "ssh-fingerprint", "SHA256:abc")};
  EXPECT_EQ(Lines(RunExport("zeek", o, e))[1], "SHA256:abc\tIntel::PUBKEY_HASH\tBulwark () - CERT-X\t. \t-\tT\t-");
}

TEST(RpzWriter, GoldenZone) {
  model::Event e = SampleEvent();
  e.attributes.push_back(Attr(400, "domain", "EVIL.example."));  // same name: written once
  e.attributes.push_back(Attr(401, "ip-src", "203.0.113.5"));    // same address
  e.attributes.push_back(Attr(402, "ip-dst", "2001:db8:0:0:1::/80"));
  e.attributes.push_back(Attr(403, "ip-dst", "192.0.2.77/24"));  // host bits cleared
  ExportStats st;
  EXPECT_EQ(RunExport("rpz", SampleOptions(), e, &st),
            "$TTL 1w;\n"
            "@               SOA localhost. root.localhost (1 2h 30m 30d 1h)\n"
            "                NS localhost.\n"
            "\n"
            "; The following domain names and all of their sub-domains, hostnames and IP addresses will return "
            "NXDOMAIN (name does not exist) irrespective of actual result received.\n"
            "32.5.113.0.203.rpz-ip CNAME .\n"
            "evil.example CNAME .\n"
            "*.evil.example CNAME .\n"
            "mail.evil.example CNAME .\n"
            "c2.example CNAME .\n"
            "*.c2.example CNAME .\n"
            "128.1.zz.db8.2001.rpz-ip CNAME .\n"
            "8.0.0.0.10.rpz-ip CNAME .\n"
            "80.zz.1.0.0.db8.2001.rpz-ip CNAME .\n"
            "24.0.2.0.192.rpz-ip CNAME .\n"
            "\n");
  EXPECT_EQ(st.duplicates, 2u);
}

TEST(RpzWriter, PoliciesAndHeaderOptions) {
  model::Event e;
  e.attributes = {Attr(1, "hostname", "x.example")};
  auto record = [&](RpzOptions r) {
    ExportOptions o;
    o.rpz = std::move(r);
    const std::string out = RunExport("rpz", o, e);  // Lines() views into it: keep it alive
    auto lines = Lines(out);
    return std::string(lines[lines.size() - 2]);
  };
  RpzOptions r;
  r.policy = RpzPolicy::kDrop;
  EXPECT_EQ(record(r), "x.example CNAME rpz-drop.");
  r.policy = RpzPolicy::kNodata;
  EXPECT_EQ(record(r), "x.example CNAME *.");
  r.policy = RpzPolicy::kWalledGarden;
  EXPECT_EQ(record(r), "x.example A 127.0.0.1");
  r.walled_garden = "garden.example";
  EXPECT_EQ(record(r), "x.example CNAME garden.example.");
  r.policy = RpzPolicy::kPassthru;
  EXPECT_EQ(record(r), "x.example CNAME rpz-passthru.");

  ExportOptions o;
  o.rpz.ns = "ns1.example.";
  o.rpz.ns_alt = "ns2.example.";
  o.rpz.email = "hostmaster.example.";
  o.rpz.serial = 2024050100;
  const std::string out = RunExport("rpz", o, e);
  EXPECT_EQ(out.substr(0, out.find("\n;")),
            "$TTL 1w;\n@               SOA ns1.example. hostmaster.example. (2024050100 2h 30m 30d 1h)\n"
            "                NS ns1.example.\n                NS ns2.example.\n");

  o.rpz.ttl = "1w; evil";
  EXPECT_FALSE(MakeWriter("rpz", o).ok());
  o.rpz.ttl = "1w";
  o.rpz.ns = "ns1.example\n@ NS x";
  EXPECT_FALSE(MakeWriter("rpz", o).ok());

  EXPECT_EQ(*ParseRpzPolicy("NXDOMAIN"), RpzPolicy::kNxdomain);
  EXPECT_EQ(*ParseRpzPolicy("Local-Data"), RpzPolicy::kWalledGarden);
  EXPECT_EQ(*ParseRpzPolicy("0"), RpzPolicy::kDrop);
  EXPECT_FALSE(ParseRpzPolicy("nxdomain").ok());
}

TEST(MakeWriter, UnknownFormatListsTheValidOnes) {
  auto w = MakeWriter("stix3", ExportOptions{});
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(w.error().field, "returnFormat");
  EXPECT_NE(w.error().message.find("csv, text, hashes, suricata, snort, zeek, rpz"), std::string::npos);
  ExportOptions o;
  o.base_url = "https://x.example/; sid:1";
  EXPECT_FALSE(MakeWriter("suricata", o).ok());
}

TEST(Defaults, DetectionFormatsDefaultToIdsAndPublished) {
  for (auto f : {"suricata", "snort", "zeek", "rpz", "text", "hashes"}) {
    EXPECT_TRUE(IsDetectionFormat(f)) << f;
    EXPECT_TRUE(DefaultFilters(f).to_ids_only);
    EXPECT_TRUE(DefaultFilters(f).published_only);
  }
  EXPECT_FALSE(IsDetectionFormat("csv"));
  EXPECT_FALSE(DefaultFilters("csv").to_ids_only);
  EXPECT_EQ(Formats().size(), 7u);
}

}  // namespace
}  // namespace bulwark::exporter::testing
