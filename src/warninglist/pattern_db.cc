#include "warninglist/pattern_db.h"

#include <hs.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <climits>
#include <cstdlib>

namespace bulwark::warninglist {
namespace {

unsigned HsFlags(uint32_t flags) {
  unsigned out = 0;
  if (flags & kCaseless) out |= HS_FLAG_CASELESS;
  if (flags & kMultiline) out |= HS_FLAG_MULTILINE;
  if (flags & kDotAll) out |= HS_FLAG_DOTALL;
  if (flags & kUtf8) out |= HS_FLAG_UTF8 | HS_FLAG_UCP;
  return out;
}

// Each compiled database gets a distinct generation so a thread can tell whether its scratch fits it.
std::atomic<uint64_t> next_generation{1};

// One scratch per thread, grown to fit every database the thread has scanned (Vectorscan's hs_alloc_scratch
// enlarges an existing scratch). The last few generations it fits are remembered to skip the check.
class ThreadScratch {
 public:
  ~ThreadScratch() {
    if (scratch_ != nullptr) hs_free_scratch(scratch_);
  }

  hs_scratch_t* For(const hs_database_t* db, uint64_t generation) {
    for (uint64_t g : fitted_) {
      if (g == generation) return scratch_;
    }
    if (hs_alloc_scratch(db, &scratch_) != HS_SUCCESS) return nullptr;
    fitted_[next_slot_] = generation;
    next_slot_ = (next_slot_ + 1) % fitted_.size();
    return scratch_;
  }

 private:
  hs_scratch_t* scratch_ = nullptr;
  std::array<uint64_t, 8> fitted_{};
  size_t next_slot_ = 0;
};

struct ScanContext {
  PatternDb::MatchFn fn;
  void* context;
};

int OnHsMatch(unsigned int id, unsigned long long /*from*/, unsigned long long /*to*/, unsigned int /*flags*/,
              void* ctx) {
  auto* sc = static_cast<ScanContext*>(ctx);
  sc->fn(id, sc->context);
  return 0;
}

std::string CompileErrorMessage(hs_compile_error_t* err, const std::vector<Pattern>& patterns) {
  std::string msg = err != nullptr && err->message != nullptr ? err->message : "unknown error";
  if (err != nullptr && err->expression >= 0 && static_cast<size_t>(err->expression) < patterns.size()) {
    std::string expr = patterns[static_cast<size_t>(err->expression)].expression.substr(0, 200);
    msg = "pattern `" + expr + "`: " + msg;
  }
  if (err != nullptr) hs_free_compile_error(err);
  return msg;
}

}  // namespace

Status ValidateRegex(const std::string& expression, uint32_t flags) {
  hs_expr_info_t* info = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_expression_info(expression.c_str(), HsFlags(flags) | HS_FLAG_ALLOWEMPTY, &info, &err) != HS_SUCCESS) {
    std::string msg = err != nullptr && err->message != nullptr ? err->message : "unknown error";
    if (err != nullptr) hs_free_compile_error(err);
    return MakeError(ErrorCode::kInvalid, "regex not supported: " + msg);
  }
  std::free(info);  // allocated with Vectorscan's default allocator (malloc)
  return Ok();
}

PatternDb::PatternDb() = default;
PatternDb::~PatternDb() = default;
PatternDb::PatternDb(PatternDb&&) noexcept = default;
PatternDb& PatternDb::operator=(PatternDb&&) noexcept = default;

void PatternDb::Deleter::operator()(hs_database* db) const { hs_free_database(db); }

Result<PatternDb> PatternDb::Compile(PatternKind kind, const std::vector<Pattern>& patterns) {
  PatternDb out;
  if (patterns.empty()) return out;
  std::vector<const char*> exprs;
  std::vector<unsigned> flags;
  std::vector<unsigned> ids;
  std::vector<size_t> lens;
  exprs.reserve(patterns.size());
  flags.reserve(patterns.size());
  ids.reserve(patterns.size());
  lens.reserve(patterns.size());
  for (const Pattern& p : patterns) {
    exprs.push_back(p.expression.c_str());
    unsigned f = HS_FLAG_SINGLEMATCH;
    if (kind == PatternKind::kLiteral) {
      f |= (p.flags & kCaseless) ? HS_FLAG_CASELESS : 0u;
    } else {
      f |= HsFlags(p.flags) | HS_FLAG_ALLOWEMPTY;
    }
    flags.push_back(f);
    ids.push_back(p.id);
    lens.push_back(p.expression.size());
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  const auto n = static_cast<unsigned>(patterns.size());
  hs_error_t rc = kind == PatternKind::kLiteral
                      ? hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(), n, HS_MODE_BLOCK,
                                             nullptr, &db, &err)
                      : hs_compile_multi(exprs.data(), flags.data(), ids.data(), n, HS_MODE_BLOCK, nullptr, &db, &err);
  if (rc != HS_SUCCESS) {
    return MakeError(ErrorCode::kInvalid, "Vectorscan compile failed: " + CompileErrorMessage(err, patterns));
  }
  out.db_.reset(db);
  out.generation_ = next_generation.fetch_add(1, std::memory_order_relaxed);
  return out;
}

bool PatternDb::Scan(std::string_view data, MatchFn on_match, void* context) const {
  if (db_ == nullptr) return true;
  thread_local ThreadScratch scratch;
  hs_scratch_t* s = scratch.For(db_.get(), generation_);
  if (s == nullptr) return false;
  ScanContext sc{on_match, context};
  const auto len = static_cast<unsigned>(std::min<size_t>(data.size(), UINT_MAX));
  return hs_scan(db_.get(), data.data(), len, 0, s, OnHsMatch, &sc) == HS_SUCCESS;
}

}  // namespace bulwark::warninglist
