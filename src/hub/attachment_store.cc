#include "hub/attachment_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "common/crypto.h"
#include "common/durable_file.h"

namespace bulwark::hub {
namespace {

namespace fs = std::filesystem;

// File errors name the store, for the operator reading the log.
Error Prefixed(Error e) {
  e.message = "attachment store: " + e.message;
  return e;
}
Status Prefixed(Status st) { return st.ok() ? st : Status(Prefixed(std::move(st).error())); }
Error IoError(std::string_view what, const fs::path& path, int err) {
  return Prefixed(FileError(what, path.string(), err));
}

bool IsSha256Hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// The file's size, or -1 when it does not exist.
Result<int64_t> FileSize(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return int64_t{-1};
    return IoError("stat", path, errno);
  }
  return static_cast<int64_t>(st.st_size);
}

}  // namespace

fs::path AttachmentStore::PathOf(std::string_view sha256) const {
  return dir_ / std::string(sha256.substr(0, 2)) / std::string(sha256);
}

Result<store::AttachmentRef> AttachmentStore::Put(std::string_view bytes) const {
  store::AttachmentRef ref{Sha256Hex(bytes), static_cast<int64_t>(bytes.size())};
  const fs::path final_path = PathOf(ref.sha256);
  const fs::path fan_out = final_path.parent_path();
  BW_ASSIGN_OR_RETURN(int64_t existing, FileSize(final_path));
  // Content-addressed: a complete file of the right length is these bytes (it only ever appears by rename after
  // its fsync). A file of another length is damaged and is replaced below.
  if (existing == ref.size) return ref;
  BW_RETURN_IF_ERROR(Prefixed(MakeDirectoriesDurably(fan_out.string())));
  BW_RETURN_IF_ERROR(Prefixed(ReplaceFileDurably(final_path.string(), bytes)));
  return ref;
}

Result<std::string> AttachmentStore::Get(const store::AttachmentRef& ref) const {
  if (!IsSha256Hex(ref.sha256) || ref.size < 0) {
    return MakeError(ErrorCode::kInvalid, "attachment reference is not a SHA-256: '" + ref.sha256.substr(0, 80) + "'");
  }
  const fs::path path = PathOf(ref.sha256);
  ScopedFd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) return IoError("open", path, errno);
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return IoError("stat", path, errno);
  if (static_cast<int64_t>(st.st_size) != ref.size) {
    return MakeError(ErrorCode::kInternal, "attachment store: " + path.string() + " has " + std::to_string(st.st_size) +
                                               " bytes, expected " + std::to_string(ref.size));
  }
  std::string out(static_cast<size_t>(ref.size), '\0');
  size_t got = 0;
  while (got < out.size()) {
    const ssize_t n = ::read(f.fd, out.data() + got, out.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("read", path, errno);
    }
    if (n == 0) return MakeError(ErrorCode::kInternal, "attachment store: " + path.string() + " ended early");
    got += static_cast<size_t>(n);
  }
  if (Sha256Hex(out) != ref.sha256) {
    return MakeError(ErrorCode::kInternal, "attachment store: " + path.string() + " does not match its SHA-256");
  }
  return out;
}

}  // namespace bulwark::hub
