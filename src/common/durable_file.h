// Durable files: the one way Bulwark writes a file outside the database that must survive a crash whole.
//
// A file is replaced atomically and durably by writing a temporary file beside it, flushing it to disk,
// renaming it over the target and flushing the directory, so after a crash the path holds either the old
// content or the new content, never a mixture, and a write reported as done survives power loss.
// Used by the sensor's sighting queue and snapshot, and the hub's attachment store.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace bulwark {

// Owns a file descriptor: closed on every path out of its scope.
struct ScopedFd {
  int fd = -1;
  explicit ScopedFd(int descriptor) : fd(descriptor) {}
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ~ScopedFd();
};

// An internal error "cannot <what> <path>: <strerror(err)>".
Error FileError(std::string_view what, const std::string& path, int err);

// Writes all of `data` to `fd`, retrying short writes and EINTR; `path` names the file in the error.
Status WriteAll(int fd, std::string_view data, const std::string& path);

// Flushes a directory's entries (a created, renamed or deleted name) to disk.
Status SyncDirectory(const std::string& dir);

// Creates `dir` and its missing parents, making each new directory durable in its parent.
Status MakeDirectoriesDurably(const std::string& dir);

// Writes a new file at `path` through `write` (given a descriptor open for writing and the temporary file's
// name, for errors), then makes it durable and renames it over `path`. On any failure the temporary file is
// removed and `path` is unchanged. Concurrent replacements of one path are safe (each has its own temporary
// file; the last rename wins).
Status ReplaceFileDurably(const std::string& path, const std::function<Status(int fd, const std::string& tmp)>& write);
Status ReplaceFileDurably(const std::string& path, std::string_view data);

// True for the name of a temporary file ReplaceFileDurably left behind when the process died before its
// rename (".<target>.<uuid>.tmp"); such files are garbage and may be deleted by whoever owns the directory.
bool IsLeftoverTemporaryName(std::string_view filename);

}  // namespace bulwark
