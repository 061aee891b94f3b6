#include "common/durable_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/uuid.h"

namespace bulwark {
namespace {

namespace fs = std::filesystem;

std::string ParentOf(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

}  // namespace

ScopedFd::~ScopedFd() {
  if (fd >= 0) ::close(fd);
}

Error FileError(std::string_view what, const std::string& path, int err) {
  return MakeError(ErrorCode::kInternal, "cannot " + std::string(what) + " " + path + ": " + std::strerror(err));
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return FileError("write", path, errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Ok();
}

Status SyncDirectory(const std::string& dir) {
  ScopedFd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd < 0) return FileError("open directory", dir, errno);
  if (::fsync(d.fd) != 0) return FileError("sync directory", dir, errno);
  return Ok();
}

Status MakeDirectoriesDurably(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Ok();
    return FileError("use as a directory", dir, ENOTDIR);
  }
  const std::string parent = ParentOf(dir);
  if (parent != dir && parent != ".") BW_RETURN_IF_ERROR(MakeDirectoriesDurably(parent));
  if (::mkdir(dir.c_str(), 0750) != 0 && errno != EEXIST) return FileError("create directory", dir, errno);
  return SyncDirectory(parent);
}

Status ReplaceFileDurably(const std::string& path,
                          const std::function<Status(int fd, const std::string& tmp)>& write) {
  const fs::path target(path);
  const std::string tmp =
      (target.parent_path() / ("." + target.filename().string() + "." + NewUuidV4() + ".tmp")).string();
  {
    ScopedFd f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640)};
    if (f.fd < 0) return FileError("create", tmp, errno);
    Status st = write(f.fd, tmp);
    if (st.ok() && ::fdatasync(f.fd) != 0) st = FileError("sync", tmp, errno);
    if (!st.ok()) {
      ::unlink(tmp.c_str());
      return st;
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return FileError("rename into", path, err);
  }
  return SyncDirectory(ParentOf(path));
}

bool IsLeftoverTemporaryName(std::string_view filename) {
  constexpr std::string_view kSuffix = ".tmp";
  constexpr size_t kUuidLength = 36;
  if (filename.size() < 1 + 1 + 1 + kUuidLength + kSuffix.size() || filename.front() != '.') return false;
  if (filename.substr(filename.size() - kSuffix.size()) != kSuffix) return false;
  const std::string_view uuid = filename.substr(filename.size() - kSuffix.size() - kUuidLength, kUuidLength);
  return filename[filename.size() - kSuffix.size() - kUuidLength - 1] == '.' && IsUuid(uuid);
}

Status ReplaceFileDurably(const std::string& path, std::string_view data) {
  return ReplaceFileDurably(path, [data](int fd, const std::string& tmp) { return WriteAll(fd, data, tmp); });
}

}  // namespace bulwark
