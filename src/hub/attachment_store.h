// The bytes of attributes' `data` (attachment, malware-sample), kept as files under one directory and addressed
// by their SHA-256: <dir>/<first two hex digits>/<sha256>. Identical bytes are stored once, whichever attributes
// share them. The database holds only the reference (store::AttachmentRef); the hub writes the file with Put
// BEFORE the transaction that references it commits, so a committed reference never points at a missing file.
//
// Files are never deleted on the request path: a file whose references were all deleted, or whose write was
// rolled back, stays as an orphan (harmless, never served without a reference) until Sweep removes it. Sweep is
// safe beside concurrent writes, in this process or another: see Sweep and docs/architecture.md, "Attachments".
//
// Thread-safety: all methods may be called concurrently, also by several processes on one directory (`bulwark
// import` beside `serve`): a file appears by atomic rename only, complete and fsynced.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/store.h"

namespace bulwark::hub {

// What Sweep may do with the orphans it finds.
enum class SweepMode { kRemove, kDryRun };

struct SweepOptions {
  int64_t now_seconds = 0;            // the caller's clock (Unix seconds); files are aged against it
  int64_t grace_seconds = 24 * 3600;  // files modified more recently are kept, referenced or not. Default: a day
  SweepMode mode = SweepMode::kRemove;
};

// One file Sweep removed (or, in a dry run, would remove).
struct SweptFile {
  std::filesystem::path path;
  int64_t bytes = 0;
  bool temporary = false;  // a leftover temporary file (IsLeftoverTemporaryName), not stored bytes
};

struct SweepReport {
  std::vector<SweptFile> removed;  // in the order removed
  int64_t bytes_freed = 0;         // sum of removed[i].bytes
  int64_t referenced = 0;          // stored files kept because an attribute references them
  int64_t recent = 0;              // files kept because they are younger than the grace period
  int64_t ignored = 0;             // entries that are neither stored bytes nor leftover temporaries: left alone
};

class AttachmentStore {
 public:
  // `dir` is created (with its parents) on the first Put.
  explicit AttachmentStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // Stores `bytes` durably: written to a temporary file beside its final name, fsynced, renamed into place, and
  // the directory fsynced, all before returning. Bytes already stored (same SHA-256 and length) are not written
  // again. Errors: kInternal naming the file and the system error; nothing is referenced on error.
  Result<store::AttachmentRef> Put(std::string_view bytes) const;

  // The bytes of `ref`, checked against its length and SHA-256. kInternal when the file is missing, has another
  // length or hash (damaged storage), or cannot be read; kInvalid for a reference that is not a SHA-256.
  Result<std::string> Get(const store::AttachmentRef& ref) const;

  // Removes orphans: stored files no row of attribute_attachments references, and leftover temporary files,
  // when last modified more than options.grace_seconds before options.now_seconds. Other entries are left alone.
  //
  // Safe against a concurrent write: Put runs inside the write transaction that references its bytes, and the
  // sweep decides and removes inside a write transaction of its own (batches of files), so no write that could
  // still reference a file is in flight, in any process, while the sweep looks (SQLite allows one writer at a
  // time). The grace period is the second guard: Put refreshes the modification time of bytes it finds already
  // stored, so a write that reuses an orphan keeps it young. A dry run decides the same way in a read transaction
  // and removes nothing. Errors: kInternal naming the file (listing, stat or removal), store errors as they come;
  // what was removed before an error stays removed (each file is independent).
  Result<SweepReport> Sweep(store::Store& store, const SweepOptions& options) const;

  // Where `sha256` is (or would be) stored.
  std::filesystem::path PathOf(std::string_view sha256) const;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace bulwark::hub
