// Test fixture and entity factories shared by the SQLite store tests: a store on a fresh temporary directory
// with a FakeClock, and entities with every field set to a non-default value.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "common/clock.h"
#include "store/sqlite/sqlite_store.h"

namespace bulwark::store::testing {

inline constexpr int64_t kT0 = 1'700'000'000'000'000;  // fake "now", micros

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "bw_store_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = (std::filesystem::path(dir_) / "hub.db").string();
    Open();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open(Durability durability = Durability::kFull) {
    store_.reset();
    SqliteOptions options;
    options.path = path_;
    options.durability = durability;
    auto store = OpenSqliteStore(options, clock_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(store).value();
  }
  Status W(const std::function<Status(WriteTxn&)>& fn) { return store_->Write(fn); }
  Status R(const std::function<Status(ReadTxn&)>& fn) { return store_->Read(fn); }

  FakeClock clock_{kT0};
  std::string dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

inline model::Tag MakeTag(const std::string& name) {
  model::Tag t;
  t.name = name;
  t.colour = "#ff0000";
  t.exportable = false;
  t.hide_tag = true;
  t.is_galaxy = true;
  t.local_only = true;
  t.org_id = 7;
  t.user_id = 9;
  t.numerical_value = 75;
  return t;
}

inline model::Attribute MakeAttribute(const std::string& uuid, const std::string& type, const std::string& v1,
                                      const std::string& v2 = "") {
  model::Attribute a;
  a.uuid = uuid;
  a.type = type;
  a.category = "Network activity";
  a.value1 = v1;
  a.value2 = v2;
  a.object_relation = "";
  a.to_ids = true;
  a.distribution = model::Distribution::kConnected;
  a.sharing_group_id = 0;
  a.comment = "seen in phishing wave";
  a.disable_correlation = false;
  a.timestamp = 1'700'000'100;
  a.first_seen_micros = 1'699'000'000'000'001;
  a.last_seen_micros = 1'699'500'000'000'002;
  return a;
}

inline model::Event MakeEvent(const std::string& uuid, const std::string& info) {
  model::Event e;
  e.uuid = uuid;
  e.info = info;
  e.date = "2024-05-01";
  e.org_id = 1;
  e.orgc_id = 2;
  e.user_id = 3;
  e.published = true;
  e.publish_timestamp = 1'700'000'200;
  e.timestamp = 1'700'000'150;
  e.sighting_timestamp = 1'700'000'300;
  e.distribution = model::Distribution::kSharingGroup;
  e.sharing_group_id = 4;
  e.analysis = model::Analysis::kOngoing;
  e.threat_level = model::ThreatLevel::kHigh;
  e.locked = true;
  e.disable_correlation = true;
  e.protected_event = true;
  e.extends_uuid = "0b4e6c1e-0000-4000-8000-000000000001";
  e.attribute_count = 999;  // the store must ignore this
  return e;
}

// Deterministic UUID-shaped strings: U(1) = "00000000-0000-4000-8000-000000000001".
inline std::string U(int64_t n) {
  std::string digits = std::to_string(n);
  return "00000000-0000-4000-8000-" + std::string(12 - digits.size(), '0') + digits;
}

}  // namespace bulwark::store::testing
