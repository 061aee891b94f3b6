#include "common/metrics.h"

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

namespace bulwark {
namespace {

TEST(MetricsTest, RendersExactTextForSmallRegistry) {
  Metrics m;
  CounterFamily& req = m.RegisterCounter("app_requests_total", "Requests served.", {"route", "status"});
  req.WithLabels({"events.view", "200"}).Inc(3);
  req.WithLabels({"events.add", "201"}).Inc();
  GaugeFamily& conn = m.RegisterGauge("app_connections", "Open connections.\nNow.");
  conn.Get().Set(2);
  conn.Get().Add(0.5);
  HistogramFamily& lat = m.RegisterHistogram("app_latency_seconds", "Latency.", {"route"}, {0.25, 1});
  Histogram& h = lat.WithLabels({"a\"b\\c\nd"});
  h.Observe(0.125);
  h.Observe(0.25);  // le is inclusive
  h.Observe(0.5);
  h.Observe(7);

  const char* expected =
      "# HELP app_connections Open connections.\\nNow.\n"
      "# TYPE app_connections gauge\n"
      "app_connections 2.5\n"
      "# HELP app_latency_seconds Latency.\n"
      "# TYPE app_latency_seconds histogram\n"
      "app_latency_seconds_bucket{route=\"a\\\"b\\\\c\\nd\",le=\"0.25\"} 2\n"
      "app_latency_seconds_bucket{route=\"a\\\"b\\\\c\\nd\",le=\"1\"} 3\n"
      "app_latency_seconds_bucket{route=\"a\\\"b\\\\c\\nd\",le=\"+Inf\"} 4\n"
      "app_latency_seconds_sum{route=\"a\\\"b\\\\c\\nd\"} 7.875\n"
      "app_latency_seconds_count{route=\"a\\\"b\\\\c\\nd\"} 4\n"
      "# HELP app_requests_total Requests served.\n"
      "# TYPE app_requests_total counter\n"
      "app_requests_total{route=\"events.add\",status=\"201\"} 1\n"
      "app_requests_total{route=\"events.view\",status=\"200\"} 3\n";
  EXPECT_EQ(m.RenderPrometheus(), expected);
}

TEST(MetricsTest, FamilyWithoutSeriesRendersOnlyHeader) {
  Metrics m;
  m.RegisterCounter("x_total", "X.", {"a"});
  EXPECT_EQ(m.RenderPrometheus(), "# HELP x_total X.\n# TYPE x_total counter\n");
}

TEST(MetricsTest, ReRegisteringReturnsSameFamilyAndMismatchThrows) {
  Metrics m;
  CounterFamily& a = m.RegisterCounter("c_total", "C.", {"x"});
  CounterFamily& b = m.RegisterCounter("c_total", "C.", {"x"});
  EXPECT_EQ(&a, &b);
  EXPECT_THROW(m.RegisterCounter("c_total", "C.", {"y"}), std::logic_error);
  EXPECT_THROW(m.RegisterGauge("c_total", "C.", {"x"}), std::logic_error);
  m.RegisterHistogram("h", "H.", {}, {1, 2});
  EXPECT_THROW(m.RegisterHistogram("h", "H.", {}, {1, 3}), std::logic_error);
}

TEST(MetricsTest, RejectsInvalidNamesBucketsAndArity) {
  Metrics m;
  EXPECT_THROW(m.RegisterCounter("1bad", "B."), std::logic_error);
  EXPECT_THROW(m.RegisterCounter("bad-name", "B."), std::logic_error);
  EXPECT_THROW(m.RegisterCounter("ok_total", "B.", {"le"}), std::logic_error);
  EXPECT_THROW(m.RegisterCounter("ok2_total", "B.", {"__x"}), std::logic_error);
  EXPECT_THROW(m.RegisterHistogram("h1", "H.", {}, {2, 1}), std::logic_error);
  CounterFamily& c = m.RegisterCounter("ok3_total", "B.", {"a", "b"});
  EXPECT_THROW(c.WithLabels({"only-one"}), std::logic_error);
}

TEST(MetricsTest, SeriesBeyondCapShareOverflowSeries) {
  Metrics m;
  CounterFamily& c = m.RegisterCounter("many_total", "M.", {"v"});
  for (size_t i = 0; i < kMaxSeriesPerFamily; ++i) c.WithLabels({std::to_string(i)}).Inc();
  Counter& o1 = c.WithLabels({"new-1"});
  Counter& o2 = c.WithLabels({"new-2"});
  EXPECT_EQ(&o1, &o2);
  o1.Inc(5);
  std::string text = m.RenderPrometheus();
  EXPECT_NE(text.find("many_total{v=\"__overflow__\"} 5\n"), std::string::npos);
  EXPECT_EQ(text.find("new-1"), std::string::npos);
}

TEST(MetricsTest, ConcurrentIncrementsAreNotLost) {
  Metrics m;
  CounterFamily& c = m.RegisterCounter("conc_total", "C.", {"t"});
  HistogramFamily& h = m.RegisterHistogram("conc_seconds", "H.", {}, {1});
  GaugeFamily& g = m.RegisterGauge("conc_gauge", "G.");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.WithLabels({"same"}).Inc();
        h.Get().Observe(0.5);
        g.Get().Inc();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.WithLabels({"same"}).Value(), 40000u);
  Histogram::Snapshot s = h.Get().Read();
  EXPECT_EQ(s.count, 40000u);
  EXPECT_DOUBLE_EQ(s.sum, 20000.0);
  EXPECT_DOUBLE_EQ(g.Get().Value(), 40000.0);
}

TEST(MetricsTest, FormatsValues) {
  EXPECT_EQ(FormatMetricValue(3), "3");
  EXPECT_EQ(FormatMetricValue(-2), "-2");
  EXPECT_EQ(FormatMetricValue(0.25), "0.25");
  EXPECT_EQ(FormatMetricValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatMetricValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatMetricValue(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

}  // namespace
}  // namespace bulwark
