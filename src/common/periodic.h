// A task run on its own thread at a fixed interval until stopped: the attachment sweeper (cli) and the sensor's
// hub poller (match) are both this.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace bulwark {

class PeriodicThread {
 public:
  enum class First { kAtOnce, kAfterInterval };

  PeriodicThread() = default;
  ~PeriodicThread() { Stop(); }
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;

  // Runs `task` every `interval` (measured from the end of one run to the start of the next), the first time
  // at once or after one interval. No effect while already running.
  void Start(std::chrono::milliseconds interval, First first, std::function<void()> task);
  // Wakes the thread at once and joins it (a run in progress finishes first). Idempotent; Start may follow.
  void Stop();
  bool running() const { return thread_.joinable(); }

 private:
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace bulwark
