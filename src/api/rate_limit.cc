#include "api/rate_limit.h"

#include <algorithm>
#include <cmath>

namespace bulwark::api {

bool RateLimiter::Allow(const std::string& key, int64_t now_micros, int64_t& retry_after_seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= kMaxKeys) Evict(now_micros);
    it = buckets_.emplace(key, Bucket{burst_, now_micros}).first;
  }
  Bucket& b = it->second;
  const double elapsed = static_cast<double>(std::max<int64_t>(0, now_micros - b.updated_micros)) / 1e6;
  b.tokens = std::min(burst_, b.tokens + elapsed * per_second_);
  b.updated_micros = now_micros;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  retry_after_seconds = std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1.0 - b.tokens) / per_second_)));
  return false;
}

void RateLimiter::Evict(int64_t now_micros) {
  // Drop every bucket that would be full by now: forgetting them changes nothing for their clients.
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const double elapsed = static_cast<double>(now_micros - it->second.updated_micros) / 1e6;
    if (it->second.tokens + elapsed * per_second_ >= burst_) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
  if (buckets_.size() >= kMaxKeys) buckets_.clear();  // all busy: start afresh rather than grow
}

}  // namespace bulwark::api
