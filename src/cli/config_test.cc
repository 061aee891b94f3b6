// Tests of the TOML config reader (cli_test).
#include "cli/config.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace bulwark::cli {
namespace {

class ConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/bulwark-config-test-XXXXXX";
    const int fd = mkstemp(name);
    ASSERT_GE(fd, 0);
    close(fd);
    path_ = name;
  }
  void TearDown() override { std::remove(path_.c_str()); }
  Status Load(const std::string& text, Config& config) {
    std::ofstream(path_, std::ios::binary) << text;
    return LoadConfigFile(path_, config);
  }
  std::string path_;
};

TEST_F(ConfigFileTest, ReadsKnownKeys) {
  Config c;
  ASSERT_TRUE(Load("[hub]\nlog_level = \"debug\"\n[store]\nreader_connections = 8\n"
                   "[http]\nlisten = \"[::1]:8443\"\n[correlation]\nexclusions = [\"%.example\"]\n",
                   c)
                  .ok());
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.reader_connections, 8);
  EXPECT_EQ(c.http.host, "::1");
  EXPECT_EQ(c.http.port, 8443);
  ASSERT_EQ(c.correlation_exclusions.size(), 1u);
  EXPECT_EQ(c.correlation_exclusions[0], "%.example");
}

// Fuzz finding (fuzz/corpus/config/crash-non-ascii-fef7): U+FEF7 where toml++ 3.3 looks for whitespace reached
// __builtin_unreachable (UBSan). Non-ASCII text is now rejected before parsing, naming the line.
TEST_F(ConfigFileTest, NonAsciiIsRejectedWithItsLine) {
  Config c;
  const Status st = Load("[hub]\n\xef\xbb\xb7log_level = \"info\"\n", c);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kInvalid);
  EXPECT_NE(st.error().message.find("non-ASCII character at line 2"), std::string::npos) << st.error().message;
  // The same character as an escape in a string is fine.
  ASSERT_TRUE(Load("[hub]\ndata_dir = \"/srv/\\uFEF7\"\n", c).ok());
  EXPECT_EQ(c.data_dir, "/srv/\xef\xbb\xb7");
}

TEST_F(ConfigFileTest, UnknownKeyAndRangeErrorsNameTheKey) {
  Config c;
  const Status unknown = Load("[store]\ncolour = 1\n", c);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "store.colour");
  const Status range = Load("[store]\nreader_connections = 65\n", c);
  ASSERT_FALSE(range.ok());
  EXPECT_EQ(range.error().field, "store.reader_connections");
}

TEST_F(ConfigFileTest, AttachmentSweepKeys) {
  Config c;
  EXPECT_EQ(c.attachment_sweep_hours, 6);
  EXPECT_EQ(c.attachment_grace_hours, 24);
  ASSERT_TRUE(Load("[attachments]\nsweep_interval_hours = 0\ngrace_hours = 48\n", c).ok());
  EXPECT_EQ(c.attachment_sweep_hours, 0);
  EXPECT_EQ(c.attachment_grace_hours, 48);
  const Status no_grace = Load("[attachments]\ngrace_hours = 0\n", c);
  ASSERT_FALSE(no_grace.ok());
  EXPECT_EQ(no_grace.error().field, "attachments.grace_hours");
  const Status unknown = Load("[attachments]\ndirectory = \"/tmp\"\n", c);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "attachments.directory");
}

TEST_F(ConfigFileTest, TaxiiPullsAreReadWithSecretsFromTheEnvironment) {
  ::setenv("BULWARK_CONFIG_TEST_KEY", "k3y-from-env", 1);
  Config c;
  const Status st = Load("[[taxii_pull]]\nurl = \"https://partner.example/taxii2/\"\ncollection = \"c-1\"\n"
                         "key_env = \"BULWARK_CONFIG_TEST_KEY\"\ninterval_seconds = 60\n"
                         "[[taxii_pull]]\nname = \"cert\"\nurl = \"http://127.0.0.1:9/taxii2/root/\"\n"
                         "collection = \"c-2\"\nuser = \"alice\"\npassword = \"pw\"\npage_size = 50\n",
                         c);
  ::unsetenv("BULWARK_CONFIG_TEST_KEY");
  ASSERT_TRUE(st.ok()) << st.error().message;
  ASSERT_EQ(c.taxii_pulls.size(), 2u);
  EXPECT_EQ(c.taxii_pulls[0].name, "c-1");  // defaults to the collection id
  EXPECT_EQ(c.taxii_pulls[0].key, "k3y-from-env");
  EXPECT_EQ(c.taxii_pulls[0].interval_seconds, 60);
  EXPECT_EQ(c.taxii_pulls[0].page_size, 1000);
  EXPECT_EQ(c.taxii_pulls[1].name, "cert");
  EXPECT_EQ(c.taxii_pulls[1].user, "alice");
  EXPECT_EQ(c.taxii_pulls[1].password, "pw");
  EXPECT_EQ(c.taxii_pulls[1].interval_seconds, 300);
  EXPECT_EQ(c.taxii_pulls[1].page_size, 50);
}

TEST_F(ConfigFileTest, BadTaxiiPullsNameTheKey) {
  const std::string base = "[[taxii_pull]]\nurl = \"https://p.example/taxii2/\"\ncollection = \"c\"\n";
  struct Case {
    std::string text;
    std::string field;
    std::string says;
  };
  const Case cases[] = {
      {"[[taxii_pull]]\nurl = \"https://p.example/taxii2/\"\n", "taxii_pull[0].collection", "required"},
      {"[[taxii_pull]]\nurl = \"ftp://p.example/\"\ncollection = \"c\"\n", "taxii_pull[0].url", "http"},
      {base + "key_env = \"BULWARK_CONFIG_TEST_UNSET_VARIABLE\"\n", "taxii_pull[0].key_env", "not set"},
      {base + "key = \"a\"\nkey_env = \"HOME\"\n", "taxii_pull[0].key", "exclude"},
      {base + "user = \"u\"\n", "taxii_pull[0].password", "required with user"},
      {base + "user = \"u\"\npassword = \"p\"\nkey = \"k\"\n", "taxii_pull[0].user", "exclude"},
      {base + "interval_seconds = 5\n", "taxii_pull[0].interval_seconds", "between 10"},
      {base + "colour = 1\n", "taxii_pull[0].colour", "not a known setting"},
      {base + base, "taxii_pull[1].name", "used by two pulls"},
      {"[taxii_pull]\nurl = \"https://p.example/\"\n", "taxii_pull", "[[taxii_pull]]"},
  };
  for (const Case& k : cases) {
    Config c;
    const Status st = Load(k.text, c);
    ASSERT_FALSE(st.ok()) << k.text;
    EXPECT_EQ(st.error().field, k.field) << k.text;
    EXPECT_NE(st.error().message.find(k.says), std::string::npos) << st.error().message;
  }
}

}  // namespace
}  // namespace bulwark::cli
