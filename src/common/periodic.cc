#include "common/periodic.h"

#include <utility>

namespace bulwark {

void PeriodicThread::Start(std::chrono::milliseconds interval, First first, std::function<void()> task) {
  if (thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this, interval, first, task = std::move(task)] {
    std::unique_lock<std::mutex> lock(mu_);
    if (first == First::kAfterInterval) wake_.wait_for(lock, interval, [this] { return stopping_; });
    while (!stopping_) {
      lock.unlock();
      task();
      lock.lock();
      wake_.wait_for(lock, interval, [this] { return stopping_; });
    }
  });
}

void PeriodicThread::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace bulwark
