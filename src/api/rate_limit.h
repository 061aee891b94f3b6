// Per-API-key request rate limiting (token bucket), as MISP's per-role rate_limit_count: requests over the
// rate are answered 429 with Retry-After. Thread-safe. Memory is bounded: at most kMaxKeys buckets are kept;
// beyond that the fullest (idle) buckets are dropped, which only ever forgives a client, never blocks one.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace bulwark::api {

class RateLimiter {
 public:
  static constexpr size_t kMaxKeys = 100'000;

  // `per_second` tokens are added per second up to `burst`. REQUIRES: per_second > 0, burst >= 1.
  RateLimiter(double per_second, double burst) : per_second_(per_second), burst_(burst) {}

  // Takes one token for `key` at time `now_micros`. When none is left, returns false and sets
  // `retry_after_seconds` to when the next token is due (rounded up, at least 1).
  bool Allow(const std::string& key, int64_t now_micros, int64_t& retry_after_seconds);

 private:
  struct Bucket {
    double tokens;
    int64_t updated_micros;
  };
  void Evict(int64_t now_micros);

  const double per_second_;
  const double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace bulwark::api
