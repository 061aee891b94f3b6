#include "stix/pattern/matcher.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "stix/pattern/compare.h"
#include "stix/pattern/timestamp.h"

namespace bulwark::stix::pattern {
namespace {

struct CompiledObs {
  const ObservationExpr* source = nullptr;
  CompiledCompExpr comparison;  // kObservation
  std::vector<CompiledObs> children;
};

Result<CompiledObs> CompileObs(const ObservationExpr& e) {
  CompiledObs out;
  out.source = &e;
  if (e.kind == ObservationExpr::Kind::kObservation) {
    BW_ASSIGN_OR_RETURN(out.comparison, CompileComparisonExpr(e.comparison));
  }
  for (const auto& c : e.children) {
    BW_ASSIGN_OR_RETURN(CompiledObs child, CompileObs(c));
    out.children.push_back(std::move(child));
  }
  return out;
}

// A set of bound observations: (observation index, how many of its number_observed are used), sorted.
struct Binding {
  std::vector<std::pair<uint32_t, int64_t>> usage;
  Timestamp max_first;
  Timestamp min_last;
};
using Bindings = std::vector<Binding>;

class Engine {
 public:
  explicit Engine(const ObservationSet& set) : obs_(set.observations()) {}

  // Indices of observations whose roots satisfy `expr`.
  Result<std::vector<size_t>> Scan(const CompiledCompExpr& expr, bool stop_at_first) {
    std::vector<size_t> out;
    for (size_t i = 0; i < obs_.size(); ++i) {
      for (const boost::json::value* root : obs_[i].roots) {
        BW_ASSIGN_OR_RETURN(bool ok, EvalOnRoot(expr, *root, obs_[i], scratch_));
        if (ok) {
          out.push_back(i);
          break;
        }
      }
      if (stop_at_first && !out.empty()) break;
    }
    return out;
  }

  // Plain existence for `[...]` and ORs of such; nullopt when the expression needs bindings.
  Result<std::optional<bool>> Quick(const CompiledObs& e) {
    if (e.source->kind == ObservationExpr::Kind::kObservation) {
      BW_ASSIGN_OR_RETURN(std::vector<size_t> hits, Scan(e.comparison, true));
      return std::optional<bool>(!hits.empty());
    }
    if (e.source->kind == ObservationExpr::Kind::kOr) {
      for (const auto& c : e.children) {
        BW_ASSIGN_OR_RETURN(std::optional<bool> r, Quick(c));
        if (!r) return std::optional<bool>();
        if (*r) return std::optional<bool>(true);
      }
      return std::optional<bool>(false);
    }
    return std::optional<bool>();
  }

  Result<Bindings> Eval(const CompiledObs& e) {
    const ObservationExpr& s = *e.source;
    switch (s.kind) {
      case ObservationExpr::Kind::kObservation: {
        BW_ASSIGN_OR_RETURN(std::vector<size_t> hits, Scan(e.comparison, false));
        Bindings out;
        for (size_t i : hits) {
          if (out.size() >= kMaxBindings) break;
          out.push_back(Binding{{{static_cast<uint32_t>(i), 1}}, obs_[i].first_observed, obs_[i].last_observed});
        }
        return out;
      }
      case ObservationExpr::Kind::kOr: {
        Bindings out;
        for (const auto& c : e.children) {
          BW_ASSIGN_OR_RETURN(Bindings b, Eval(c));
          for (auto& x : b) out.push_back(std::move(x));
        }
        return Normalize(std::move(out));
      }
      case ObservationExpr::Kind::kAnd:
      case ObservationExpr::Kind::kFollowedBy: {
        BW_ASSIGN_OR_RETURN(Bindings acc, Eval(e.children[0]));
        for (size_t k = 1; k < e.children.size() && !acc.empty(); ++k) {
          BW_ASSIGN_OR_RETURN(Bindings next, Eval(e.children[k]));
          acc = Join(acc, next, s.kind == ObservationExpr::Kind::kFollowedBy);
        }
        return acc;
      }
      case ObservationExpr::Kind::kWithin: {
        BW_ASSIGN_OR_RETURN(Bindings b, Eval(e.children[0]));
        std::erase_if(b, [&](const Binding& x) { return AddSeconds(x.min_last, s.within_seconds) < x.max_first; });
        return b;
      }
      case ObservationExpr::Kind::kStartStop: {
        BW_ASSIGN_OR_RETURN(Bindings b, Eval(e.children[0]));
        std::erase_if(b, [&](const Binding& x) { return !(x.min_last >= s.start && x.max_first < s.stop); });
        return b;
      }
      case ObservationExpr::Kind::kRepeats: {
        BW_ASSIGN_OR_RETURN(Bindings b, Eval(e.children[0]));
        if (s.repeats == 1) return b;
        return Repeat(std::move(b), s.repeats);
      }
    }
    return Bindings();
  }

 private:
  // How many times `b` can be added to `acc` without exceeding any observation's number_observed.
  int64_t Fit(const Binding& acc, const Binding& b, int64_t want) {
    int64_t fit = want;
    size_t i = 0;
    for (const auto& [idx, count] : b.usage) {
      ++work_;
      while (i < acc.usage.size() && acc.usage[i].first < idx) ++i;
      int64_t used = i < acc.usage.size() && acc.usage[i].first == idx ? acc.usage[i].second : 0;
      fit = std::min(fit, (obs_[idx].number_observed - used) / count);
      if (fit <= 0) return 0;
    }
    return fit;
  }

  Binding Merge(const Binding& a, const Binding& b, int64_t times) {
    Binding out;
    out.usage.reserve(a.usage.size() + b.usage.size());
    size_t i = 0, j = 0;
    while (i < a.usage.size() || j < b.usage.size()) {
      ++work_;
      if (j == b.usage.size() || (i < a.usage.size() && a.usage[i].first < b.usage[j].first)) {
        out.usage.push_back(a.usage[i++]);
      } else if (i == a.usage.size() || b.usage[j].first < a.usage[i].first) {
        out.usage.emplace_back(b.usage[j].first, b.usage[j].second * times);
        ++j;
      } else {
        out.usage.emplace_back(a.usage[i].first, a.usage[i].second + b.usage[j].second * times);
        ++i;
        ++j;
      }
    }
    out.max_first = std::max(a.max_first, b.max_first);
    out.min_last = std::min(a.min_last, b.min_last);
    return out;
  }

  // Enumerates the pairs diagonally (left[i] with right[(i + d) % n] for d = 0, 1, ...) so that a cut-off
  // keeps candidates spread over the observations instead of all pairs of the first few.
  Bindings Join(const Bindings& left, const Bindings& right, bool ordered) {
    Bindings out;
    work_ = 0;
    const size_t n = right.size();
    for (size_t d = 0; d < n; ++d) {
      for (size_t i = 0; i < left.size(); ++i) {
        if (work_ > kMaxWork || out.size() >= 4 * kMaxBindings) return Normalize(std::move(out));
        ++work_;
        const Binding& a = left[i];
        const Binding& b = right[(i + d) % n];
        if (ordered && !(a.max_first <= b.min_last)) continue;
        if (Fit(a, b, 1) < 1) continue;
        out.push_back(Merge(a, b, 1));
      }
    }
    return Normalize(std::move(out));
  }

  Bindings Repeat(Bindings items, int64_t n) {
    std::stable_sort(items.begin(), items.end(), [](const Binding& x, const Binding& y) {
      return std::tie(x.max_first, x.min_last) < std::tie(y.max_first, y.min_last);
    });
    Bindings out;
    work_ = 0;
    for (size_t start = 0; start < items.size() && work_ <= kMaxWork; ++start) {
      Binding acc = items[start];
      int64_t count = 1;
      for (size_t j = start; j < items.size() && count < n && work_ <= kMaxWork; ++j) {
        int64_t fit = Fit(acc, items[j], n - count);
        if (fit > 0) {
          acc = Merge(acc, items[j], fit);
          count += fit;
        }
      }
      if (count == n) out.push_back(std::move(acc));
    }
    return Normalize(std::move(out));
  }

  // Removes bindings that use the same observations as an earlier one (keeping order), then keeps the
  // first kMaxBindings.
  static Bindings Normalize(Bindings b) {
    std::vector<size_t> order(b.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
      return b[x].usage != b[y].usage ? b[x].usage < b[y].usage : x < y;
    });
    std::vector<bool> drop(b.size(), false);
    for (size_t k = 1; k < order.size(); ++k) {
      if (b[order[k]].usage == b[order[k - 1]].usage) drop[order[k]] = true;
    }
    Bindings out;
    for (size_t i = 0; i < b.size() && out.size() < kMaxBindings; ++i) {
      if (!drop[i]) out.push_back(std::move(b[i]));
    }
    return out;
  }

  const std::vector<Observation>& obs_;
  EvalScratch scratch_;
  size_t work_ = 0;
};

}  // namespace

struct Matcher::Impl {
  Pattern pattern;
  CompiledObs root;
};

Result<Matcher> Matcher::Compile(const Pattern& pattern) {
  auto impl = std::make_shared<Impl>();
  impl->pattern = pattern;
  BW_ASSIGN_OR_RETURN(impl->root, CompileObs(impl->pattern.root));
  Matcher m;
  m.impl_ = std::move(impl);
  return m;
}

Result<bool> Matcher::Matches(const ObservationSet& observations) const {
  Engine engine(observations);
  BW_ASSIGN_OR_RETURN(std::optional<bool> quick, engine.Quick(impl_->root));
  if (quick) return *quick;
  BW_ASSIGN_OR_RETURN(Bindings b, engine.Eval(impl_->root));
  return !b.empty();
}

Result<std::vector<size_t>> Matcher::MatchingObservations(const ObservationSet& observations) const {
  if (impl_->root.source->kind != ObservationExpr::Kind::kObservation) {
    return MakeError(ErrorCode::kInvalid, "not a single-observation pattern");
  }
  Engine engine(observations);
  return engine.Scan(impl_->root.comparison, false);
}

Result<bool> Matches(const Pattern& pattern, const ObservationSet& observations) {
  BW_ASSIGN_OR_RETURN(Matcher m, Matcher::Compile(pattern));
  return m.Matches(observations);
}

}  // namespace bulwark::stix::pattern
