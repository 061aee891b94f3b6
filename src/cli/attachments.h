// Orphaned attachment files: the `bulwark attachments sweep` verb and the periodic sweep of `bulwark serve`, both
// over hub::AttachmentStore::Sweep on <data-dir>/attachments (docs/architecture.md, "Attachments").
#pragma once

#include <chrono>
#include <cstdint>

#include "cli/app.h"
#include "common/periodic.h"
#include "hub/attachment_store.h"

namespace bulwark::cli {

// One sweep of the opened data directory's attachment store, aged against app.clock.
Result<hub::SweepReport> SweepAttachments(App& app, const std::string& data_dir, hub::SweepMode mode,
                                          int64_t grace_seconds);

// Sweeps at Start and then every `interval` on a thread of its own, logging what each sweep removed (info) or
// why it failed (error; the next sweep still runs). Stop (or the destructor) wakes the thread and joins it.
class AttachmentSweeper {
 public:
  AttachmentSweeper(App& app, std::string data_dir, std::chrono::seconds interval, int64_t grace_seconds)
      : app_(app), data_dir_(std::move(data_dir)), interval_(interval), grace_seconds_(grace_seconds) {}
  ~AttachmentSweeper() { Stop(); }
  AttachmentSweeper(const AttachmentSweeper&) = delete;
  AttachmentSweeper& operator=(const AttachmentSweeper&) = delete;

  void Start();
  void Stop();

 private:
  void SweepOnce();

  App& app_;
  const std::string data_dir_;
  const std::chrono::seconds interval_;
  const int64_t grace_seconds_;
  PeriodicThread thread_;
};

}  // namespace bulwark::cli
