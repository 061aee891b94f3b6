#include "hub/attachment_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/crypto.h"
#include "common/uuid.h"

namespace bulwark::hub {
namespace {

namespace fs = std::filesystem;

class AttachmentStoreTest : public ::testing::Test {
 protected:
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  // Files under the store's directory, temporaries included.
  size_t FileCount() const {
    size_t n = 0;
    for (const auto& entry : fs::recursive_directory_iterator(files_.dir())) n += entry.is_regular_file() ? 1 : 0;
    return n;
  }

  fs::path root_ = fs::temp_directory_path() / ("bulwark-attachment-store-" + NewUuidV4());
  AttachmentStore files_{root_ / "data" / "attachments"};  // parents missing: Put creates them
};

TEST_F(AttachmentStoreTest, WritesAndReadsBackTheSameBytes) {
  std::string bytes = "MIME-Version: 1.0\r\nSubject: invoice\r\n\r\n";
  bytes += std::string("\0\xff\x01 binary", 10);
  auto ref = files_.Put(bytes);
  ASSERT_TRUE(ref.ok()) << ref.error().message;
  EXPECT_EQ(ref->sha256, Sha256Hex(bytes));
  EXPECT_EQ(ref->size, static_cast<int64_t>(bytes.size()));
  EXPECT_EQ(files_.PathOf(ref->sha256), files_.dir() / ref->sha256.substr(0, 2) / ref->sha256);
  EXPECT_TRUE(fs::is_regular_file(files_.PathOf(ref->sha256)));
  auto back = files_.Get(*ref);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, bytes);
  EXPECT_EQ(FileCount(), 1u);  // no temporary left behind
}

TEST_F(AttachmentStoreTest, IdenticalBytesAreStoredOnce) {
  auto first = files_.Put("same sample");
  auto second = files_.Put("same sample");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, *second);
  auto other = files_.Put("another sample");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->sha256, first->sha256);
  EXPECT_EQ(FileCount(), 2u);
}

TEST_F(AttachmentStoreTest, EmptyDataIsAFileToo) {
  auto ref = files_.Put("");
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->size, 0);
  auto back = files_.Get(*ref);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "");
}

TEST_F(AttachmentStoreTest, DamagedOrMissingFilesAreErrorsNotOtherBytes) {
  auto ref = files_.Put("original bytes");
  ASSERT_TRUE(ref.ok());
  {
    std::ofstream damage(files_.PathOf(ref->sha256), std::ios::binary | std::ios::trunc);
    damage << "ORIGINAL BYTES";  // same length, other content
  }
  auto damaged = files_.Get(*ref);
  ASSERT_FALSE(damaged.ok());
  EXPECT_EQ(damaged.error().code, ErrorCode::kInternal);
  // Put again repairs a file of the wrong length; one of the right length is taken as written.
  fs::resize_file(files_.PathOf(ref->sha256), 3);
  ASSERT_TRUE(files_.Put("original bytes").ok());
  auto repaired = files_.Get(*ref);
  ASSERT_TRUE(repaired.ok()) << repaired.error().message;
  EXPECT_EQ(*repaired, "original bytes");

  fs::remove(files_.PathOf(ref->sha256));
  auto missing = files_.Get(*ref);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kInternal);
}

TEST_F(AttachmentStoreTest, ReferencesThatAreNotSha256AreRefused) {
  for (const std::string& bad :
       {std::string("../../etc/passwd"), std::string(64, 'A'), std::string(63, 'a'), std::string()}) {
    auto got = files_.Get(store::AttachmentRef{bad, 1});
    ASSERT_FALSE(got.ok()) << bad;
    EXPECT_EQ(got.error().code, ErrorCode::kInvalid);
  }
}

TEST_F(AttachmentStoreTest, AnUnwritableDirectoryIsAnError) {
  fs::create_directories(root_);
  std::ofstream(root_ / "plain-file") << "x";
  AttachmentStore blocked(root_ / "plain-file" / "attachments");
  auto ref = blocked.Put("bytes");
  ASSERT_FALSE(ref.ok());
  EXPECT_EQ(ref.error().code, ErrorCode::kInternal);
}

}  // namespace
}  // namespace bulwark::hub
