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

}  // namespace
}  // namespace bulwark::cli
