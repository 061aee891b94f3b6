#include "common/clock.h"

#include <gtest/gtest.h>

#include "common/crypto.h"
#include "common/uuid.h"

namespace bulwark {
namespace {

TEST(Clock, DatesRoundTrip) {
  EXPECT_EQ(ParseDate("1970-01-01"), 0);
  EXPECT_EQ(ParseDate("2024-02-29"), 1709164800);
  EXPECT_FALSE(ParseDate("2023-02-29"));
  EXPECT_FALSE(ParseDate("2024-13-01"));
  EXPECT_FALSE(ParseDate("2024-1-01"));
  EXPECT_EQ(FormatDate(1709164800 + 3600), "2024-02-29");
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
}

TEST(Clock, DateTimes) {
  EXPECT_EQ(ParseDateTimeMicros("2024-05-01T12:00:00Z"), int64_t{1714564800} * 1'000'000);
  EXPECT_EQ(ParseDateTimeMicros("2024-05-01T14:00:00+02:00"), int64_t{1714564800} * 1'000'000);
  EXPECT_EQ(ParseDateTimeMicros("2024-05-01T12:00:00.5Z"), int64_t{1714564800} * 1'000'000 + 500000);
  EXPECT_EQ(ParseDateTimeMicros("2024-05-01 12:00:00"), int64_t{1714564800} * 1'000'000);
  EXPECT_FALSE(ParseDateTimeMicros("2024-05-01T25:00:00Z"));
  EXPECT_FALSE(ParseDateTimeMicros("2024-05-01T12:00:00Zjunk"));
  EXPECT_EQ(FormatRfc3339Micros(int64_t{1714564800} * 1'000'000 + 7), "2024-05-01T12:00:00.000007Z");
}

TEST(Clock, Durations) {
  EXPECT_EQ(ParseDurationSeconds("5d"), 5 * 86400);
  EXPECT_EQ(ParseDurationSeconds("12h"), 12 * 3600);
  EXPECT_FALSE(ParseDurationSeconds("5x"));
  EXPECT_FALSE(ParseDurationSeconds("d"));
  EXPECT_FALSE(ParseDurationSeconds("-5d"));
}

TEST(Uuid, FormatAndV5) {
  std::string u = NewUuidV4();
  EXPECT_TRUE(IsUuid(u));
  EXPECT_EQ(u[14], '4');
  EXPECT_NE(u, NewUuidV4());
  EXPECT_FALSE(IsUuid("not-a-uuid"));
  // RFC 4122 appendix-style check: uuid5(NAMESPACE_DNS, "python.org").
  EXPECT_EQ(UuidV5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org"), "886313e1-3b8a-5372-9b90-0c9aee199e5d");
}

TEST(Crypto, ApiKeysAndHashes) {
  std::string k = NewApiKey();
  ASSERT_EQ(k.size(), 40u);
  for (char c : k) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)));
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Base64Decode("aGVsbG8="), "hello");
  EXPECT_EQ(Base64Decode("aGVs\nbG8h"), "hello!");
  EXPECT_FALSE(Base64Decode("a$=="));
  EXPECT_FALSE(Base64Decode("abc"));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
}

}  // namespace
}  // namespace bulwark
