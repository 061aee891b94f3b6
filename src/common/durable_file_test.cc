#include "common/durable_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "common/uuid.h"

namespace bulwark {
namespace {

namespace fs = std::filesystem;

class DurableFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bulwark-durable-file-" + NewUuidV4());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string Read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  // Names in the directory other than `keep`: left-over temporary files.
  std::vector<std::string> Others(const std::string& keep) const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) {
      if (e.path().filename() != keep) out.push_back(e.path().filename().string());
    }
    return out;
  }

  fs::path dir_;
};

TEST_F(DurableFileTest, ReplaceWritesANewFileAndReplacesAnOldOne) {
  const std::string path = (dir_ / "state").string();
  ASSERT_TRUE(ReplaceFileDurably(path, "first").ok());
  EXPECT_EQ(Read(path), "first");
  ASSERT_TRUE(ReplaceFileDurably(path, std::string(1 << 20, 'x')).ok());
  EXPECT_EQ(Read(path), std::string(1 << 20, 'x'));
  EXPECT_TRUE(Others("state").empty());
}

TEST_F(DurableFileTest, AFailedWriteLeavesTheOldFileAndNoTemporaryFile) {
  const std::string path = (dir_ / "state").string();
  ASSERT_TRUE(ReplaceFileDurably(path, "kept").ok());
  std::string tmp_name;
  Status st = ReplaceFileDurably(path, [&tmp_name](int fd, const std::string& tmp) -> Status {
    tmp_name = fs::path(tmp).filename().string();
    EXPECT_TRUE(fs::exists(tmp));
    BW_RETURN_IF_ERROR(WriteAll(fd, "half of the new", tmp));
    return MakeError(ErrorCode::kInvalid, "the producer gave up");
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "the producer gave up");
  EXPECT_EQ(Read(path), "kept");
  EXPECT_TRUE(Others("state").empty());
  // Had the process died instead, the file left behind would be recognised as garbage.
  EXPECT_TRUE(IsLeftoverTemporaryName(tmp_name)) << tmp_name;
}

TEST_F(DurableFileTest, AMissingDirectoryIsAClearError) {
  const std::string path = (dir_ / "absent" / "state").string();
  Status st = ReplaceFileDurably(path, "x");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kInternal);
  EXPECT_NE(st.error().message.find("cannot create"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find((dir_ / "absent").string()), std::string::npos) << st.error().message;
}

TEST_F(DurableFileTest, ConcurrentReplacementsEachLeaveAWholeFile) {
  const std::string path = (dir_ / "state").string();
  std::vector<std::thread> threads;
  for (char c : std::string("abcd")) {
    threads.emplace_back([&path, c] {
      for (int i = 0; i < 20; ++i) ASSERT_TRUE(ReplaceFileDurably(path, std::string(4096, c)).ok());
    });
  }
  for (auto& t : threads) t.join();
  const std::string content = Read(path);
  ASSERT_EQ(content.size(), 4096u);
  EXPECT_EQ(content, std::string(4096, content[0]));
  EXPECT_TRUE(Others("state").empty());
}

TEST_F(DurableFileTest, MakeDirectoriesCreatesParentsAndRefusesAFile) {
  const fs::path deep = dir_ / "a" / "b" / "c";
  ASSERT_TRUE(MakeDirectoriesDurably(deep.string()).ok());
  EXPECT_TRUE(fs::is_directory(deep));
  EXPECT_TRUE(MakeDirectoriesDurably(deep.string()).ok());  // already there
  ASSERT_TRUE(ReplaceFileDurably((dir_ / "plain").string(), "x").ok());
  Status st = MakeDirectoriesDurably((dir_ / "plain").string());
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("use as a directory"), std::string::npos) << st.error().message;
}

TEST_F(DurableFileTest, WriteAllReportsTheFileOnFailure) {
  const std::string path = (dir_ / "ro").string();
  ASSERT_TRUE(ReplaceFileDurably(path, "x").ok());
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  Status st = WriteAll(fd, "more", path);
  ::close(fd);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("cannot write " + path), std::string::npos) << st.error().message;
}

TEST_F(DurableFileTest, LeftoverTemporaryNamesAreRecognisedAndNothingElse) {
  EXPECT_TRUE(IsLeftoverTemporaryName(".state." + NewUuidV4() + ".tmp"));
  EXPECT_TRUE(IsLeftoverTemporaryName(".00000001.ready." + NewUuidV4() + ".tmp"));
  EXPECT_FALSE(IsLeftoverTemporaryName("state"));
  EXPECT_FALSE(IsLeftoverTemporaryName("state.tmp"));
  EXPECT_FALSE(IsLeftoverTemporaryName(".state.tmp"));
  EXPECT_FALSE(IsLeftoverTemporaryName("state." + NewUuidV4() + ".tmp"));  // not hidden
  EXPECT_FALSE(IsLeftoverTemporaryName(".state." + NewUuidV4()));
  EXPECT_FALSE(IsLeftoverTemporaryName(".state.not-a-uuid-but-thirty-six-chars!!.tmp"));
}

TEST_F(DurableFileTest, SyncDirectoryOfAMissingDirectoryFails) {
  Status st = SyncDirectory((dir_ / "nope").string());
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("cannot open directory"), std::string::npos) << st.error().message;
}

}  // namespace
}  // namespace bulwark
