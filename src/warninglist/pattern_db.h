// A compiled Vectorscan (Hyperscan API) block-mode database of many literals or many regular expressions,
// scanned once per value. Each pattern carries a caller-chosen id and is compiled with HS_FLAG_SINGLEMATCH, so
// a scan reports each matching id once.
//
// Thread-safety: an immutable PatternDb may be scanned from any number of threads at once. Each thread keeps
// one scratch space of its own (thread_local), grown the first time it scans a database it has not seen; the
// scratch is freed when the thread ends.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

struct hs_database;

namespace bulwark::warninglist {

// Pattern flags, a subset of Vectorscan's.
enum PatternFlag : uint32_t {
  kCaseless = 1u << 0,
  kMultiline = 1u << 1,
  kDotAll = 1u << 2,
  kUtf8 = 1u << 3,
};

struct Pattern {
  std::string expression;  // a literal (PatternKind::kLiteral) or a Vectorscan regex without delimiters
  uint32_t flags = 0;      // PatternFlag bits
  uint32_t id = 0;
};

enum class PatternKind : uint8_t { kLiteral, kRegex };

// Checks that Vectorscan can compile one regex on its own (HS_FLAG_ALLOWEMPTY is implied). Errors: kInvalid
// with Vectorscan's message.
Status ValidateRegex(const std::string& expression, uint32_t flags);

class PatternDb {
 public:
  PatternDb();
  ~PatternDb();
  PatternDb(PatternDb&&) noexcept;
  PatternDb& operator=(PatternDb&&) noexcept;
  PatternDb(const PatternDb&) = delete;
  PatternDb& operator=(const PatternDb&) = delete;

  // Compiles the patterns into one database; no patterns gives an empty database whose scans report nothing.
  // Regexes may match the empty string. Errors: kInvalid naming the first pattern Vectorscan rejects.
  static Result<PatternDb> Compile(PatternKind kind, const std::vector<Pattern>& patterns);

  bool empty() const { return db_ == nullptr; }

  // Calls on_match(id, context) once for every pattern id that matches somewhere in `data`. Returns false if the
  // scan could not run (no scratch memory); it then reports nothing.
  using MatchFn = void (*)(uint32_t id, void* context);
  bool Scan(std::string_view data, MatchFn on_match, void* context) const;

 private:
  struct Deleter {
    void operator()(hs_database* db) const;
  };
  std::unique_ptr<hs_database, Deleter> db_;
  uint64_t generation_ = 0;  // unique per compiled database, for the per-thread scratch bookkeeping
};

}  // namespace bulwark::warninglist
