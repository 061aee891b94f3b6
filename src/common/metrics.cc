#include "common/metrics.h"

#include <charconv>
#include <cmath>
#include <mutex>
#include <stdexcept>

namespace bulwark {
namespace {

bool IsValidName(std::string_view s, bool allow_colon) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':') ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

void AddDouble(std::atomic<double>& a, double delta) {
  double cur = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(cur, cur + delta, std::memory_order_relaxed)) {
  }
}

std::string EscapeHelp(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void RenderHeader(const metrics_internal::FamilyBase& f, std::string_view type, std::string& out) {
  out += "# HELP ";
  out += f.name();
  out += ' ';
  out += EscapeHelp(f.help());
  out += "\n# TYPE ";
  out += f.name();
  out += ' ';
  out += type;
  out += '\n';
}

// `{a="x",b="y"}` (with an optional extra label appended, for histogram `le`), or "" when there are none.
std::string LabelSet(const std::vector<std::string>& names, const std::vector<std::string>& values,
                     std::string_view extra_name = {}, std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return {};
  std::string out = "{";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i];
    out += "=\"";
    out += EscapeLabelValue(values[i]);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
  return out;
}

void Sample(std::string& out, std::string_view name, std::string_view suffix, const std::string& labels,
            std::string_view value) {
  out += name;
  out += suffix;
  out += labels;
  out += ' ';
  out += value;
  out += '\n';
}

}  // namespace

std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

std::string FormatMetricValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::trunc(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, res.ptr);
}

std::vector<double> DefaultLatencyBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

void Gauge::Add(double delta) { AddDouble(value_, delta); }

Histogram::Histogram(const std::vector<double>& upper_bounds)
    : bounds_(upper_bounds), buckets_(new std::atomic<uint64_t>[upper_bounds.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double v) {
  // Buckets are few (about a dozen): a linear scan beats a binary search here.
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  AddDouble(sum_, v);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  s.cumulative.resize(bounds_.size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = running;
  }
  // The +Inf bucket and the count must agree for scrapers; take both from the buckets.
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

namespace metrics_internal {

FamilyBase::FamilyBase(std::string name, std::string help, std::vector<std::string> label_names, Type type)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)), type_(type) {}

void FamilyBase::CheckArity(size_t n) const {
  if (n != label_names_.size()) {
    throw std::logic_error("metric " + name_ + ": " + std::to_string(n) + " label values for " +
                           std::to_string(label_names_.size()) + " labels");
  }
}

std::vector<std::string> FamilyBase::OverflowKey() const {
  return std::vector<std::string>(label_names_.size(), "__overflow__");
}

}  // namespace metrics_internal

void CounterFamily::Render(std::string& out) const {
  RenderHeader(*this, "counter", out);
  std::shared_lock lock(mu_);
  for (const auto& [values, c] : series_) {
    Sample(out, name(), "", LabelSet(label_names(), values), std::to_string(c->Value()));
  }
}

void GaugeFamily::Render(std::string& out) const {
  RenderHeader(*this, "gauge", out);
  std::shared_lock lock(mu_);
  for (const auto& [values, g] : series_) {
    Sample(out, name(), "", LabelSet(label_names(), values), FormatMetricValue(g->Value()));
  }
}

HistogramFamily::HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                                 std::vector<double> upper_bounds)
    : Family(std::move(name), std::move(help), std::move(label_names), metrics_internal::Type::kHistogram),
      bounds_(std::move(upper_bounds)) {}

void HistogramFamily::Render(std::string& out) const {
  RenderHeader(*this, "histogram", out);
  std::shared_lock lock(mu_);
  for (const auto& [values, h] : series_) {
    Histogram::Snapshot s = h->Read();
    for (size_t i = 0; i <= bounds_.size(); ++i) {
      std::string le = i < bounds_.size() ? FormatMetricValue(bounds_[i]) : "+Inf";
      Sample(out, name(), "_bucket", LabelSet(label_names(), values, "le", le), std::to_string(s.cumulative[i]));
    }
    std::string labels = LabelSet(label_names(), values);
    Sample(out, name(), "_sum", labels, FormatMetricValue(s.sum));
    Sample(out, name(), "_count", labels, std::to_string(s.count));
  }
}

template <typename F, typename... Extra>
F& Metrics::Register(metrics_internal::Type type, const std::string& name, const std::string& help,
                     const std::vector<std::string>& label_names, Extra&&... extra) {
  if (!IsValidName(name, /*allow_colon=*/true)) throw std::logic_error("invalid metric name: " + name);
  for (const auto& l : label_names) {
    if (!IsValidName(l, /*allow_colon=*/false) || l.rfind("__", 0) == 0 || l == "le") {
      throw std::logic_error("metric " + name + ": invalid label name: " + l);
    }
  }
  std::unique_lock lock(mu_);
  auto it = families_.find(name);
  if (it != families_.end()) {
    auto* existing = dynamic_cast<F*>(it->second.get());
    if (existing == nullptr || existing->type() != type || existing->label_names() != label_names) {
      throw std::logic_error("metric " + name + " registered twice with different types or labels");
    }
    return *existing;
  }
  std::unique_ptr<F> family;
  if constexpr (sizeof...(Extra) == 0) {
    family = std::make_unique<F>(name, help, label_names, type);
  } else {
    family = std::make_unique<F>(name, help, label_names, std::forward<Extra>(extra)...);
  }
  F& ref = *family;
  families_.emplace(name, std::move(family));
  return ref;
}

CounterFamily& Metrics::RegisterCounter(const std::string& name, const std::string& help,
                                        const std::vector<std::string>& label_names) {
  return Register<CounterFamily>(metrics_internal::Type::kCounter, name, help, label_names);
}

GaugeFamily& Metrics::RegisterGauge(const std::string& name, const std::string& help,
                                    const std::vector<std::string>& label_names) {
  return Register<GaugeFamily>(metrics_internal::Type::kGauge, name, help, label_names);
}

HistogramFamily& Metrics::RegisterHistogram(const std::string& name, const std::string& help,
                                            const std::vector<std::string>& label_names,
                                            const std::vector<double>& upper_bounds) {
  for (size_t i = 0; i < upper_bounds.size(); ++i) {
    if (!std::isfinite(upper_bounds[i]) || (i > 0 && upper_bounds[i] <= upper_bounds[i - 1])) {
      throw std::logic_error("metric " + name + ": bucket bounds must be finite and strictly ascending");
    }
  }
  HistogramFamily& f =
      Register<HistogramFamily>(metrics_internal::Type::kHistogram, name, help, label_names, upper_bounds);
  if (f.upper_bounds() != upper_bounds) {
    throw std::logic_error("metric " + name + " registered twice with different buckets");
  }
  return f;
}

std::string Metrics::RenderPrometheus() const {
  std::string out;
  std::shared_lock lock(mu_);
  for (const auto& [name, family] : families_) family->Render(out);
  return out;
}

}  // namespace bulwark
