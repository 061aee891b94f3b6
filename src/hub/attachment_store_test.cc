#include "hub/attachment_store.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>

#include "common/clock.h"
#include "common/crypto.h"
#include "common/uuid.h"
#include "store/sqlite/sqlite_store.h"

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

// Sweep: a real store beside the files; file ages set explicitly (Put stamps the real time, the sweep is given a
// "now" and compares modification times against it).
class AttachmentSweepTest : public AttachmentStoreTest {
 protected:
  void SetUp() override {
    fs::create_directories(root_);
    store::SqliteOptions options;
    options.path = (root_ / "hub.db").string();
    store_ = std::move(store::OpenSqliteStore(options, clock_).value());
  }
  void TearDown() override {
    store_.reset();
    AttachmentStoreTest::TearDown();
  }
  static void Age(const fs::path& path, int64_t mtime_seconds) {
    struct timespec times[2] = {{mtime_seconds, 0}, {mtime_seconds, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0) << path;
  }
  static int64_t MtimeOf(const fs::path& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return static_cast<int64_t>(st.st_mtim.tv_sec);
  }
  static void WriteFile(const fs::path& path, std::string_view bytes) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
  }
  // An event with one attribute whose data is `ref`, as the hub's write path leaves it.
  void Reference(const store::AttachmentRef& ref) {
    ASSERT_TRUE(store_
                    ->Write([&](store::WriteTxn& txn) -> Status {
                      model::Organisation org;
                      org.name = "Org " + NewUuidV4();
                      BW_RETURN_IF_ERROR(txn.InsertOrganisation(org));
                      model::Event e;
                      e.org_id = e.orgc_id = org.id;
                      e.info = "sample";
                      model::Attribute a;
                      a.type = "attachment";
                      a.category = "Payload delivery";
                      a.value1 = "kept.eml";
                      e.attributes.push_back(a);
                      BW_RETURN_IF_ERROR(txn.InsertEvent(e));
                      return txn.SetAttachmentRef(e.attributes[0].id, ref);
                    })
                    .ok());
  }
  SweepOptions Options(SweepMode mode) const {
    SweepOptions o;
    o.now_seconds = now_;
    o.grace_seconds = 3600;
    o.mode = mode;
    return o;
  }

  FakeClock clock_{int64_t{1'760'000'000} * 1'000'000};
  std::unique_ptr<store::Store> store_;
  const int64_t now_ = static_cast<int64_t>(std::time(nullptr));
  const int64_t old_ = now_ - 2 * 24 * 3600;
};

TEST_F(AttachmentSweepTest, RemovesOldOrphansAndLeftoverTemporariesAndKeepsTheRest) {
  auto kept = files_.Put("referenced sample");
  auto orphan = files_.Put("bytes nobody references any more");
  auto young = files_.Put("bytes whose write may not have committed yet");
  ASSERT_TRUE(kept.ok() && orphan.ok() && young.ok());
  Reference(*kept);
  const fs::path fan_out = files_.PathOf(orphan->sha256).parent_path();
  const fs::path old_tmp = fan_out / ("." + orphan->sha256 + "." + NewUuidV4() + ".tmp");
  const fs::path young_tmp = fan_out / ("." + young->sha256 + "." + NewUuidV4() + ".tmp");
  const fs::path stranger = files_.dir() / "README";
  WriteFile(old_tmp, "half a sample");
  WriteFile(young_tmp, "a sample being written");
  WriteFile(stranger, "not ours");
  for (const fs::path& p : {files_.PathOf(kept->sha256), files_.PathOf(orphan->sha256), old_tmp, stranger}) {
    Age(p, old_);
  }

  // A dry run reports and removes nothing.
  auto dry = files_.Sweep(*store_, Options(SweepMode::kDryRun));
  ASSERT_TRUE(dry.ok()) << dry.error().message;
  ASSERT_EQ(dry->removed.size(), 2u);
  EXPECT_EQ(FileCount(), 6u);

  auto swept = files_.Sweep(*store_, Options(SweepMode::kRemove));
  ASSERT_TRUE(swept.ok()) << swept.error().message;
  ASSERT_EQ(swept->removed.size(), 2u);
  std::set<fs::path> removed;
  for (const SweptFile& f : swept->removed) {
    removed.insert(f.path);
    EXPECT_EQ(f.temporary, f.path == old_tmp);
  }
  EXPECT_EQ(removed, (std::set<fs::path>{files_.PathOf(orphan->sha256), old_tmp}));
  EXPECT_EQ(swept->bytes_freed, orphan->size + static_cast<int64_t>(std::string_view("half a sample").size()));
  EXPECT_EQ(swept->bytes_freed, dry->bytes_freed);
  EXPECT_EQ(swept->referenced, 1);
  EXPECT_EQ(swept->recent, 2);  // the young orphan and the young temporary
  EXPECT_EQ(swept->ignored, 1);  // README
  EXPECT_FALSE(fs::exists(files_.PathOf(orphan->sha256)));
  EXPECT_FALSE(fs::exists(old_tmp));
  EXPECT_TRUE(fs::exists(young_tmp));
  EXPECT_TRUE(fs::exists(stranger));
  auto still = files_.Get(*kept);
  ASSERT_TRUE(still.ok()) << still.error().message;
  EXPECT_EQ(*still, "referenced sample");
  EXPECT_TRUE(files_.Get(*young).ok());

  // A second sweep finds nothing more to remove.
  auto again = files_.Sweep(*store_, Options(SweepMode::kRemove));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->removed.empty());
}

TEST_F(AttachmentSweepTest, PutOfBytesAlreadyStoredMakesTheOrphanYoungAgain) {
  // A write reusing an orphan's bytes must keep it: Put refreshes the file's time, so the grace period covers the
  // time until the write's reference commits.
  auto first = files_.Put("reused sample");
  ASSERT_TRUE(first.ok());
  const fs::path path = files_.PathOf(first->sha256);
  Age(path, old_);
  ASSERT_EQ(MtimeOf(path), old_);
  auto again = files_.Put("reused sample");
  ASSERT_TRUE(again.ok());
  EXPECT_GE(MtimeOf(path), now_ - 60);  // file system and time() clocks may differ by a tick
  auto swept = files_.Sweep(*store_, Options(SweepMode::kRemove));
  ASSERT_TRUE(swept.ok()) << swept.error().message;
  EXPECT_TRUE(swept->removed.empty());
  EXPECT_EQ(swept->recent, 1);
  EXPECT_TRUE(fs::exists(path));
}

TEST_F(AttachmentSweepTest, ADirectoryNeverWrittenIsNothingToSweep) {
  auto swept = files_.Sweep(*store_, Options(SweepMode::kRemove));
  ASSERT_TRUE(swept.ok()) << swept.error().message;
  EXPECT_TRUE(swept->removed.empty());
  EXPECT_EQ(swept->bytes_freed, 0);
}

}  // namespace
}  // namespace bulwark::hub
