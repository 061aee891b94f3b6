#include "common/result.h"

#include <gtest/gtest.h>

namespace bulwark {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return MakeError(ErrorCode::kInvalid, "odd", "x");
  return x / 2;
}

Result<int> Quarter(int x) {
  BW_ASSIGN_OR_RETURN(int h, Half(x));
  BW_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int x) {
  BW_RETURN_IF_ERROR(Half(x));
  return Ok();
}

TEST(Result, PropagatesValueAndError) {
  ASSERT_TRUE(Quarter(8).ok());
  EXPECT_EQ(Quarter(8).value(), 2);
  auto r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(r.error().field, "x");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_FALSE(CheckEven(3).ok());
}

TEST(Result, FieldPrefix) {
  Error e = MakeError(ErrorCode::kInvalid, "bad", "value");
  e = std::move(e).WithFieldPrefix("Attribute[2]");
  EXPECT_EQ(e.field, "Attribute[2].value");
  Error idx = MakeError(ErrorCode::kInvalid, "bad", "[0]");
  idx = std::move(idx).WithFieldPrefix("Tag");
  EXPECT_EQ(idx.field, "Tag[0]");
}

TEST(Result, HttpStatuses) {
  EXPECT_EQ(HttpStatusFor(ErrorCode::kBadRequest), 400);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInvalid), 422);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kTooLarge), 413);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kRateLimited), 429);
}

}  // namespace
}  // namespace bulwark
