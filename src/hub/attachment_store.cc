#include "hub/attachment_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <system_error>
#include <utility>

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

// A file the sweep may remove, as found by the listing.
struct Candidate {
  fs::path path;
  std::string sha256;  // empty for a leftover temporary file
};

// The modification time and size of a regular file; nullopt when it is gone or is not a regular file.
struct FileFacts {
  int64_t mtime_seconds = 0;
  int64_t bytes = 0;
};
Result<std::optional<FileFacts>> RegularFileFacts(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::optional<FileFacts>();
    return IoError("stat", path, errno);
  }
  if (!S_ISREG(st.st_mode)) return std::optional<FileFacts>();
  return std::optional<FileFacts>(FileFacts{static_cast<int64_t>(st.st_mtim.tv_sec), static_cast<int64_t>(st.st_size)});
}

// The entries of `dir` (names only); an empty list when `dir` does not exist.
Result<std::vector<fs::directory_entry>> ListDirectory(const fs::path& dir) {
  std::vector<fs::directory_entry> out;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec == std::errc::no_such_file_or_directory) return out;
  if (ec) return IoError("list", dir, ec.value());
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) return IoError("list", dir, ec.value());
    out.push_back(*it);
  }
  if (ec) return IoError("list", dir, ec.value());
  return out;
}

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool IsFanOutName(std::string_view s) { return s.size() == 2 && IsLowerHex(s[0]) && IsLowerHex(s[1]); }

// Files to decide on in one write transaction: small enough not to hold the write lock for long.
constexpr size_t kSweepBatch = 256;

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
  if (existing == ref.size) {
    // Refresh its modification time: Sweep keeps files younger than its grace period, so bytes about to be
    // referenced again are not taken for an orphan before that reference commits.
    if (::utimensat(AT_FDCWD, final_path.c_str(), nullptr, 0) == 0) return ref;
    if (errno != ENOENT) return IoError("touch", final_path, errno);
  }
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

Result<SweepReport> AttachmentStore::Sweep(store::Store& store, const SweepOptions& options) const {
  SweepReport report;
  const int64_t cutoff = options.now_seconds - options.grace_seconds;
  // Files are listed outside any transaction, one fan-out directory at a time (memory bounded by the largest),
  // then decided and removed in batches, each under the write lock (a dry run: a read transaction, nothing removed).
  std::vector<Candidate> candidates;
  auto consider = [&](const fs::path& path, std::string_view name, std::string_view fan_out) {
    if (IsLeftoverTemporaryName(name)) {
      candidates.push_back(Candidate{path, ""});
    } else if (!fan_out.empty() && IsSha256Hex(name) && name.substr(0, 2) == fan_out) {
      candidates.push_back(Candidate{path, std::string(name)});
    } else {
      ++report.ignored;
    }
  };
  auto decide = [&](store::ReadTxn& txn, size_t begin, size_t end) -> Status {
    for (size_t i = begin; i < end; ++i) {
      const Candidate& c = candidates[i];
      BW_ASSIGN_OR_RETURN(std::optional<FileFacts> facts, RegularFileFacts(c.path));
      if (!facts) {
        ++report.ignored;  // gone meanwhile, or not a regular file
        continue;
      }
      if (facts->mtime_seconds > cutoff) {
        ++report.recent;
        continue;
      }
      if (!c.sha256.empty()) {
        BW_ASSIGN_OR_RETURN(bool referenced, txn.IsAttachmentReferenced(c.sha256));
        if (referenced) {
          ++report.referenced;
          continue;
        }
      }
      if (options.mode == SweepMode::kRemove && ::unlink(c.path.c_str()) != 0 && errno != ENOENT) {
        return IoError("remove", c.path, errno);
      }
      report.removed.push_back(SweptFile{c.path, facts->bytes, c.sha256.empty()});
      report.bytes_freed += facts->bytes;
    }
    return Ok();
  };
  auto settle = [&]() -> Status {
    for (size_t begin = 0; begin < candidates.size(); begin += kSweepBatch) {
      const size_t end = std::min(candidates.size(), begin + kSweepBatch);
      if (options.mode == SweepMode::kDryRun) {
        BW_RETURN_IF_ERROR(store.Read([&](store::ReadTxn& txn) { return decide(txn, begin, end); }));
      } else {
        BW_RETURN_IF_ERROR(store.Write([&](store::WriteTxn& txn) { return decide(txn, begin, end); }));
      }
    }
    candidates.clear();
    return Ok();
  };
  BW_ASSIGN_OR_RETURN(auto top, ListDirectory(dir_));
  for (const auto& entry : top) {
    const std::string name = entry.path().filename().string();
    std::error_code ec;
    if (entry.is_directory(ec) && !entry.is_symlink(ec) && IsFanOutName(name)) {
      BW_ASSIGN_OR_RETURN(auto files, ListDirectory(entry.path()));
      for (const auto& f : files) consider(f.path(), f.path().filename().string(), name);
      BW_RETURN_IF_ERROR(settle());
    } else {
      consider(entry.path(), name, "");
    }
  }
  BW_RETURN_IF_ERROR(settle());  // leftovers at the top level
  return report;
}

}  // namespace bulwark::hub
