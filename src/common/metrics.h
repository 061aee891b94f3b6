// A metrics registry: counters, gauges and histograms with label sets, rendered in the Prometheus text
// exposition format (version 0.0.4). There is no global registry: main creates one `Metrics` and passes it by
// reference to whoever counts.
//
// Usage: register a family once at start-up, look up the labelled series once, keep the reference:
//   CounterFamily& requests = metrics.RegisterCounter("bulwark_http_requests_total", "HTTP requests.",
//                                                     {"route", "status"});
//   Counter& ok = requests.WithLabels({"events.view", "200"});   // shared lock, map lookup
//   ok.Inc();                                                     // one relaxed atomic add
//
// Thread-safety: everything is thread-safe. Increments are lock-free atomics; WithLabels takes a shared lock
// (exclusive only the first time a label set is seen); RenderPrometheus takes shared locks and may run while
// other threads count. References returned by Register* and WithLabels stay valid for the registry's life.
//
// Errors: registering a name that is not a valid metric name, label names that are not valid, or the same
// name twice with a different type, label names or buckets are programmer errors and throw std::logic_error
// (registration happens at start-up). WithLabels with the wrong number of values also throws
// std::logic_error. Label values are free text (escaped when rendered). Each family holds at most
// kMaxSeriesPerFamily label sets; label sets beyond that all share one overflow series whose label values
// are "__overflow__", so label values taken from input never grow memory without bound.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace bulwark {

inline constexpr size_t kMaxSeriesPerFamily = 10'000;

// A monotonically increasing count.
class Counter {
 public:
  void Inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down (connections open, queue depth).
class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double delta);
  void Inc() { Add(1); }
  void Dec() { Add(-1); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into fixed buckets (upper bounds, ascending; +Inf is implicit), with sum and count.
class Histogram {
 public:
  explicit Histogram(const std::vector<double>& upper_bounds);
  void Observe(double v);

  // A consistent-enough copy for rendering and tests: cumulative counts per bound, then +Inf.
  struct Snapshot {
    std::vector<uint64_t> cumulative;  // size = bounds + 1; last is the +Inf bucket (= count)
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot Read() const;
  const std::vector<double>& upper_bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // non-cumulative; bounds_.size() + 1 entries
  std::atomic<double> sum_{0};
  std::atomic<uint64_t> count_{0};
};

// Default latency buckets in seconds: 1 ms .. 10 s.
std::vector<double> DefaultLatencyBuckets();

namespace metrics_internal {

enum class Type { kCounter, kGauge, kHistogram };

// The series of one metric name, keyed by label values.
class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, std::vector<std::string> label_names, Type type);
  virtual ~FamilyBase() = default;
  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  Type type() const { return type_; }
  virtual void Render(std::string& out) const = 0;

 protected:
  void CheckArity(size_t n) const;
  // The overflow key used once the family is full.
  std::vector<std::string> OverflowKey() const;

 private:
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  Type type_;
};

template <typename T>
class Family : public FamilyBase {
 public:
  using FamilyBase::FamilyBase;

  // The series for these label values (in label-name order), created on first use.
  T& WithLabels(const std::vector<std::string>& values) {
    CheckArity(values.size());
    {
      std::shared_lock lock(mu_);
      auto it = series_.find(values);
      if (it != series_.end()) return *it->second;
    }
    std::unique_lock lock(mu_);
    auto it = series_.find(values);
    if (it != series_.end()) return *it->second;
    if (series_.size() >= kMaxSeriesPerFamily) {
      auto& slot = series_[OverflowKey()];
      if (!slot) slot = MakeSeries();
      return *slot;
    }
    auto& slot = series_[values];
    slot = MakeSeries();
    return *slot;
  }
  // The series of a family without labels.
  T& Get() { return WithLabels({}); }

 protected:
  virtual std::unique_ptr<T> MakeSeries() const = 0;
  mutable std::shared_mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<T>> series_;
};

}  // namespace metrics_internal

class CounterFamily final : public metrics_internal::Family<Counter> {
 public:
  using Family::Family;
  void Render(std::string& out) const override;

 private:
  std::unique_ptr<Counter> MakeSeries() const override { return std::make_unique<Counter>(); }
};

class GaugeFamily final : public metrics_internal::Family<Gauge> {
 public:
  using Family::Family;
  void Render(std::string& out) const override;

 private:
  std::unique_ptr<Gauge> MakeSeries() const override { return std::make_unique<Gauge>(); }
};

class HistogramFamily final : public metrics_internal::Family<Histogram> {
 public:
  HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                  std::vector<double> upper_bounds);
  void Render(std::string& out) const override;
  const std::vector<double>& upper_bounds() const { return bounds_; }

 private:
  std::unique_ptr<Histogram> MakeSeries() const override { return std::make_unique<Histogram>(bounds_); }
  std::vector<double> bounds_;
};

class Metrics {
 public:
  Metrics() = default;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Registers (or returns the already registered) family. See the file comment for the errors.
  CounterFamily& RegisterCounter(const std::string& name, const std::string& help,
                                 const std::vector<std::string>& label_names = {});
  GaugeFamily& RegisterGauge(const std::string& name, const std::string& help,
                             const std::vector<std::string>& label_names = {});
  // upper_bounds: strictly ascending, finite; +Inf is added implicitly.
  HistogramFamily& RegisterHistogram(const std::string& name, const std::string& help,
                                     const std::vector<std::string>& label_names,
                                     const std::vector<double>& upper_bounds);

  // All families sorted by name, series sorted by label values; "text/plain; version=0.0.4".
  std::string RenderPrometheus() const;

 private:
  template <typename F, typename... Extra>
  F& Register(metrics_internal::Type type, const std::string& name, const std::string& help,
              const std::vector<std::string>& label_names, Extra&&... extra);

  mutable std::shared_mutex mu_;
  std::map<std::string, std::unique_ptr<metrics_internal::FamilyBase>, std::less<>> families_;
};

// Escapes a label value for the text format (backslash, double quote, newline).
std::string EscapeLabelValue(std::string_view v);
// Formats a sample value: integers without a fraction, "+Inf", "-Inf", "NaN", otherwise shortest round-trip.
std::string FormatMetricValue(double v);

}  // namespace bulwark
