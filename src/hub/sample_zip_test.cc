// MISP's malware-sample zips: what the hub writes opens with libzip and the password "infected" (as PyMISP's
// zipfile does, see tests/integration), zips written by libzip as another MISP would are unwrapped, and every zip
// in that form that cannot be opened is refused with the reason.
#include "hub/sample_zip.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "common/crypto.h"

namespace bulwark::hub {
namespace {

// A zip written by libzip from (name, content) pairs; `password` empty leaves the entries unencrypted.
std::string LibzipArchive(const std::vector<std::pair<std::string, std::string>>& entries,
                          const std::string& password) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  EXPECT_NE(buffer, nullptr);
  zip_source_keep(buffer);
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  EXPECT_NE(archive, nullptr);
  for (const auto& [name, content] : entries) {
    zip_source_t* src = zip_source_buffer(archive, content.data(), content.size(), 0);
    const zip_int64_t index = zip_file_add(archive, name.c_str(), src, ZIP_FL_ENC_UTF_8);
    EXPECT_GE(index, 0);
    if (!password.empty()) {
      EXPECT_EQ(
          zip_file_set_encryption(archive, static_cast<zip_uint64_t>(index), ZIP_EM_TRAD_PKWARE, password.c_str()), 0);
    }
  }
  EXPECT_EQ(zip_close(archive), 0);
  std::string out;
  EXPECT_EQ(zip_source_open(buffer), 0);
  EXPECT_EQ(zip_source_seek(buffer, 0, SEEK_END), 0);
  out.resize(static_cast<size_t>(zip_source_tell(buffer)));
  EXPECT_EQ(zip_source_seek(buffer, 0, SEEK_SET), 0);
  EXPECT_EQ(zip_source_read(buffer, out.data(), out.size()), static_cast<zip_int64_t>(out.size()));
  zip_source_close(buffer);
  zip_source_free(buffer);
  zip_error_fini(&error);
  return out;
}

// Every entry of `zip` opened with `password` through libzip, as (name, content).
std::vector<std::pair<std::string, std::string>> LibzipEntries(const std::string& zip, const char* password) {
  std::vector<std::pair<std::string, std::string>> out;
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(zip.data(), zip.size(), 0, &error);
  zip_t* archive = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  zip_error_fini(&error);
  if (archive == nullptr) {
    ADD_FAILURE() << "libzip cannot open the archive";
    zip_source_free(src);
    return out;
  }
  for (zip_int64_t i = 0; i < zip_get_num_entries(archive, 0); ++i) {
    zip_stat_t st;
    zip_stat_index(archive, static_cast<zip_uint64_t>(i), 0, &st);
    EXPECT_EQ(st.encryption_method, ZIP_EM_TRAD_PKWARE);
    zip_file_t* f = zip_fopen_index_encrypted(archive, static_cast<zip_uint64_t>(i), 0, password);
    if (f == nullptr) {
      ADD_FAILURE() << "cannot open entry " << st.name << ": " << zip_strerror(archive);
      continue;
    }
    std::string content(static_cast<size_t>(st.size), '\0');
    EXPECT_EQ(zip_fread(f, content.data(), content.size()), static_cast<zip_int64_t>(content.size()));
    EXPECT_EQ(zip_fclose(f), 0);  // nonzero on a CRC mismatch
    out.emplace_back(st.name, std::move(content));
  }
  zip_discard(archive);
  return out;
}

// Incompressible bytes: a SHA-256 chain.
std::string PseudoRandomBytes(size_t n) {
  std::string out;
  while (out.size() < n) {
    const std::string hex = Sha256Hex(std::to_string(out.size()));
    for (size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  out.resize(n);
  return out;
}

const std::string kPe =
    std::string("MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff", 14) + "This program cannot be run in DOS mode";

TEST(SampleZipTest, BuiltZipOpensWithInfectedAndHoldsTheSampleAndItsName) {
  for (const std::string& sample : {kPe, std::string(100'000, 'A'), PseudoRandomBytes(70'000), std::string()}) {
    const std::string zip = BuildSampleZip(sample, "invoice.exe");
    const std::string md5 = Md5Hex(sample);
    auto entries = LibzipEntries(zip, "infected");
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].first, md5);
    EXPECT_EQ(entries[0].second, sample);
    EXPECT_EQ(entries[1].first, md5 + ".filename.txt");
    EXPECT_EQ(entries[1].second, "invoice.exe");
  }
  // Compressible samples are deflated, incompressible ones stored.
  EXPECT_LT(BuildSampleZip(std::string(100'000, 'A'), "a").size(), 1000u);
  EXPECT_GT(BuildSampleZip(PseudoRandomBytes(70'000), "r").size(), 70'000u);
}

TEST(SampleZipTest, BuiltZipIsByteStableForTheSameSample) {
  EXPECT_EQ(BuildSampleZip(kPe, "invoice.exe"), BuildSampleZip(kPe, "invoice.exe"));
  EXPECT_NE(BuildSampleZip(kPe, "invoice.exe"), BuildSampleZip(kPe, "other.exe"));
}

TEST(SampleZipTest, AWrongPasswordDoesNotOpenTheBuiltZip) {
  const std::string zip = BuildSampleZip(kPe, "invoice.exe");
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(zip.data(), zip.size(), 0, &error);
  zip_t* archive = zip_open_from_source(src, ZIP_RDONLY, &error);
  ASSERT_NE(archive, nullptr);
  EXPECT_EQ(zip_fopen_index_encrypted(archive, 0, 0, "not-infected"), nullptr);
  EXPECT_EQ(zip_error_code_zip(zip_get_error(archive)), ZIP_ER_WRONGPASSWD);
  zip_discard(archive);
  zip_error_fini(&error);
}

TEST(SampleZipTest, RoundTripThroughUnwrap) {
  for (const std::string& sample : {kPe, std::string(100'000, 'A'), PseudoRandomBytes(70'000)}) {
    auto inner = UnwrapSampleZip(BuildSampleZip(sample, "x.bin"));
    ASSERT_TRUE(inner.ok()) << inner.error().message;
    ASSERT_TRUE(inner->has_value());
    EXPECT_EQ(**inner, sample);
  }
}

TEST(SampleZipTest, ZipsWrittenByLibzipAsAnotherMispWouldAreUnwrapped) {
  const std::string md5 = Md5Hex(kPe);
  auto both = UnwrapSampleZip(LibzipArchive({{md5, kPe}, {md5 + ".filename.txt", "invoice.exe"}}, "infected"));
  ASSERT_TRUE(both.ok()) << both.error().message;
  ASSERT_TRUE(both->has_value());
  EXPECT_EQ(**both, kPe);
  // The file name entry may come first, or be missing.
  auto reversed = UnwrapSampleZip(LibzipArchive({{md5 + ".filename.txt", "a.exe"}, {md5, kPe}}, "infected"));
  ASSERT_TRUE(reversed.ok() && reversed->has_value());
  EXPECT_EQ(**reversed, kPe);
  auto alone = UnwrapSampleZip(LibzipArchive({{"sample.bin", kPe}}, "infected"));
  ASSERT_TRUE(alone.ok() && alone->has_value());
  EXPECT_EQ(**alone, kPe);
}

TEST(SampleZipTest, DataNotInMispsFormIsNotUnwrapped) {
  const std::vector<std::string> not_sample_zips = {
      kPe,  // not a zip
      "PK\x03\x04\x14\x08"
      "b, unencrypted, then nothing a zip reader accepts",                                         // truncated
      LibzipArchive({{"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n"}, {"a.class", kPe}}, ""),  // a .jar
      LibzipArchive({{"sample.bin", kPe}}, ""),                                      // one entry, not encrypted
      LibzipArchive({{"a", "1"}, {"b", "2"}}, "infected"),                           // two samples
      LibzipArchive({{"a", "1"}, {"b.filename.txt", "n"}}, "infected"),              // name entry of another file
      LibzipArchive({{"a", "1"}, {"a.filename.txt", "n"}, {"c", "3"}}, "infected"),  // three entries
  };
  for (const std::string& data : not_sample_zips) {
    auto r = UnwrapSampleZip(data);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_FALSE(r->has_value());
  }
}

TEST(SampleZipTest, AZipInMispsFormThatCannotBeOpenedIsRefusedWithTheReason) {
  const std::string md5 = Md5Hex(kPe);
  auto wrong = UnwrapSampleZip(LibzipArchive({{md5, kPe}, {md5 + ".filename.txt", "a.exe"}}, "virus"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kInvalid);
  EXPECT_NE(wrong.error().message.find("password \"infected\" does not open it"), std::string::npos)
      << wrong.error().message;

  // A CRC that does not match the content (both headers agree, so the archive is consistent).
  std::string bad_crc = BuildSampleZip(kPe, "a.exe");
  const uint32_t crc_offset_local = 14;
  const size_t central = bad_crc.find(std::string("PK\x01\x02", 4));
  ASSERT_NE(central, std::string::npos);
  for (size_t at : {size_t{crc_offset_local}, central + 16}) bad_crc[at] = static_cast<char>(bad_crc[at] ^ 0x5a);
  auto crc = UnwrapSampleZip(bad_crc);
  ASSERT_FALSE(crc.ok());
  EXPECT_EQ(crc.error().code, ErrorCode::kInvalid);

  // Flipped ciphertext in the sample entry.
  std::string corrupt = BuildSampleZip(PseudoRandomBytes(5000), "r.bin");
  corrupt[30 + 32 + 12 + 100] = static_cast<char>(corrupt[30 + 32 + 12 + 100] ^ 1);
  auto flipped = UnwrapSampleZip(corrupt);
  ASSERT_FALSE(flipped.ok());
  EXPECT_EQ(flipped.error().code, ErrorCode::kInvalid);

  // A damaged structure (the sample's name in its local header no longer matches the directory's).
  std::string renamed = BuildSampleZip(kPe, "a.exe");
  renamed[40] = renamed[40] == 'a' ? 'b' : 'a';
  auto inconsistent = UnwrapSampleZip(renamed);
  ASSERT_FALSE(inconsistent.ok());
  EXPECT_NE(inconsistent.error().message.find("the archive cannot be read"), std::string::npos)
      << inconsistent.error().message;
  // Cut short: no central directory left.
  auto truncated = UnwrapSampleZip(BuildSampleZip(kPe, "a.exe").substr(0, 80));
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error().code, ErrorCode::kInvalid);
}

TEST(SampleZipTest, OversizedAndLyingEntriesAreRefused) {
  const std::string big(100'000, '\0');  // deflates to about a hundred bytes
  auto oversized = UnwrapSampleZip(BuildSampleZip(big, "bomb.bin"), 10'000);
  ASSERT_FALSE(oversized.ok());
  EXPECT_NE(oversized.error().message.find("larger than 10000 bytes"), std::string::npos) << oversized.error().message;
  EXPECT_TRUE(UnwrapSampleZip(BuildSampleZip(big, "bomb.bin"), 100'000).ok());

  // An entry that declares 1,000 bytes but inflates to 100,000 stops at the limit, whatever the headers say.
  std::string lying = BuildSampleZip(big, "bomb.bin");
  const size_t central = lying.find(std::string("PK\x01\x02", 4));
  ASSERT_NE(central, std::string::npos);
  for (size_t at : {size_t{22}, central + 24}) {
    lying[at] = static_cast<char>(1000 & 0xff);
    lying[at + 1] = static_cast<char>(1000 >> 8);
    lying[at + 2] = 0;
    lying[at + 3] = 0;
  }
  auto lied = UnwrapSampleZip(lying, 10'000);
  ASSERT_FALSE(lied.ok());
  EXPECT_EQ(lied.error().code, ErrorCode::kInvalid);
}

TEST(SampleZipTest, StoredAttributeDataFollowsTheEncryptFlag) {
  const std::string zip = BuildSampleZip(kPe, "invoice.exe");
  auto detected = StoredAttributeData(Base64Encode(zip), "malware-sample", SampleUpload::kDetect);
  ASSERT_TRUE(detected.ok());
  EXPECT_EQ(*detected, kPe);
  auto raw = StoredAttributeData(Base64Encode(zip), "malware-sample", SampleUpload::kRawFile);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(*raw, zip);  // "encrypt": true: a zip sent as the file is the file
  auto attachment = StoredAttributeData(Base64Encode(zip), "attachment", SampleUpload::kDetect);
  ASSERT_TRUE(attachment.ok());
  EXPECT_EQ(*attachment, zip);  // attachments are never unwrapped
  auto not_base64 = StoredAttributeData("%%%", "malware-sample", SampleUpload::kDetect);
  ASSERT_FALSE(not_base64.ok());
  EXPECT_EQ(not_base64.error().field, "data");
  const std::string md5 = Md5Hex(kPe);
  auto wrong = StoredAttributeData(Base64Encode(LibzipArchive({{md5, kPe}, {md5 + ".filename.txt", "a.exe"}}, "virus")),
                                   "malware-sample", SampleUpload::kDetect);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().field, "data");
}

TEST(SampleZipTest, MispAttributeDataZipsSamplesOnly) {
  model::Attribute sample;
  sample.type = "malware-sample";
  sample.value1 = "invoice.exe";
  sample.value2 = Md5Hex(kPe);
  EXPECT_EQ(MispAttributeData(sample, kPe), BuildSampleZip(kPe, "invoice.exe"));
  model::Attribute attachment;
  attachment.type = "attachment";
  attachment.value1 = "mail.eml";
  EXPECT_EQ(MispAttributeData(attachment, "raw mail"), "raw mail");
}

}  // namespace
}  // namespace bulwark::hub
