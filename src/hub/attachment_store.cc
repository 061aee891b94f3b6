#include "hub/attachment_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "common/crypto.h"
#include "common/uuid.h"

namespace bulwark::hub {
namespace {

namespace fs = std::filesystem;

Error IoError(std::string_view what, const fs::path& path, int err) {
  return MakeError(ErrorCode::kInternal,
                   "attachment store: cannot " + std::string(what) + " " + path.string() + ": " + std::strerror(err));
}

bool IsSha256Hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Closes the descriptor on every path out.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Status FsyncDir(const fs::path& dir) {
  Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd < 0) return IoError("open directory", dir, errno);
  if (::fsync(d.fd) != 0) return IoError("fsync directory", dir, errno);
  return Ok();
}

// Creates `dir` and any missing parents; each directory created is made durable in its parent.
Status MakeDirs(const fs::path& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Ok();
    return IoError("use as a directory", dir, ENOTDIR);
  }
  const fs::path parent = dir.parent_path();
  if (!parent.empty() && parent != dir) BW_RETURN_IF_ERROR(MakeDirs(parent));
  if (::mkdir(dir.c_str(), 0750) != 0 && errno != EEXIST) return IoError("create directory", dir, errno);
  return FsyncDir(parent.empty() ? fs::path(".") : parent);
}

Status WriteAll(int fd, std::string_view bytes, const fs::path& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("write", path, errno);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Ok();
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
  BW_RETURN_IF_ERROR(MakeDirs(fan_out));
  const fs::path tmp = fan_out / ("." + ref.sha256 + "." + NewUuidV4() + ".tmp");
  {
    Fd f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640)};
    if (f.fd < 0) return IoError("create", tmp, errno);
    Status st = WriteAll(f.fd, bytes, tmp);
    if (st.ok() && ::fsync(f.fd) != 0) st = IoError("fsync", tmp, errno);
    if (!st.ok()) {
      ::unlink(tmp.c_str());
      return std::move(st).error();
    }
  }
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return IoError("rename into", final_path, err);
  }
  BW_RETURN_IF_ERROR(FsyncDir(fan_out));
  return ref;
}

Result<std::string> AttachmentStore::Get(const store::AttachmentRef& ref) const {
  if (!IsSha256Hex(ref.sha256) || ref.size < 0) {
    return MakeError(ErrorCode::kInvalid, "attachment reference is not a SHA-256: '" + ref.sha256.substr(0, 80) + "'");
  }
  const fs::path path = PathOf(ref.sha256);
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
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
