// The bytes of attributes' `data` (attachment, malware-sample), kept as files under one directory and addressed
// by their SHA-256: <dir>/<first two hex digits>/<sha256>. Identical bytes are stored once, whichever attributes
// share them. The database holds only the reference (store::AttachmentRef); the hub writes the file with Put
// BEFORE the transaction that references it commits, so a committed reference never points at a missing file.
//
// Files are never deleted here: a file whose references were all deleted, or whose write was rolled back, stays
// as an orphan (harmless, never served without a reference). See docs/architecture.md, "Attachments".
//
// Thread-safety: all methods may be called concurrently, also by several processes on one directory (`bulwark
// import` beside `serve`): a file appears by atomic rename only, complete and fsynced.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/result.h"
#include "store/store.h"

namespace bulwark::hub {

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

  // Where `sha256` is (or would be) stored.
  std::filesystem::path PathOf(std::string_view sha256) const;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace bulwark::hub
