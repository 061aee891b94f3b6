// Test support, for unit tests only: a hub on a fresh SQLite file in its own temporary directory, over a fake
// clock, with a site admin, and a helper that adds an organisation with one user. Shared by the hub's and the
// matcher's tests so that their fixtures stay one line.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <filesystem>
#include <memory>
#include <string>

#include "access/roles.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/uuid.h"
#include "hub/hub.h"
#include "hub/sensor_feed.h"
#include "misp/misp_json.h"
#include "store/sqlite/sqlite_store.h"

namespace bulwark::hub::test_support {

// MISP JSON text through one of misp's parsers (ParseEvent, ParseAttribute, ParseObject, ParseObjectReference);
// text that does not parse fails the test.
template <typename T>
T ParseOrFail(Result<T> (*parse)(const boost::json::value&), const std::string& text) {
  auto parsed = parse(boost::json::parse(text));
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message) << " in " << text.substr(0, 200);
  return std::move(parsed).value();
}
inline misp::EventInput EventJson(const std::string& text) { return ParseOrFail(&misp::ParseEvent, text); }
inline misp::AttributeInput AttributeJson(const std::string& text) { return ParseOrFail(&misp::ParseAttribute, text); }
inline misp::ObjectInput ObjectJson(const std::string& text) { return ParseOrFail(&misp::ParseObject, text); }
inline misp::ObjectReferenceInput ReferenceJson(const std::string& text) {
  return ParseOrFail(&misp::ParseObjectReference, text);
}

struct TestHub {
  // `name` tags the temporary directory (bulwark-<name>-<uuid>), which the destructor removes.
  explicit TestHub(const std::string& name)
      : dir(std::filesystem::temp_directory_path() / ("bulwark-" + name + "-" + NewUuidV4())) {
    std::filesystem::create_directories(dir);
    store::SqliteOptions options;
    options.path = (dir / "hub.db").string();
    store = std::move(store::OpenSqliteStore(options, clock).value());
    HubOptions options_for_hub;
    options_for_hub.attachment_dir = (dir / "attachments").string();
    hub = std::make_unique<Hub>(*store, clock, options_for_hub, MakeNullLogger());
    EXPECT_TRUE(hub->CreateSiteAdmin("Operator", "admin@op.test").ok());
    admin = PrincipalForUser(*store, "admin@op.test").value();
  }
  ~TestHub() {
    hub.reset();
    store.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  TestHub(const TestHub&) = delete;
  TestHub& operator=(const TestHub&) = delete;

  // A new organisation `org` with one user `email` of role `role_id`; the user's principal as Authenticate
  // would build it.
  Principal AddOrgUser(const std::string& org, const std::string& email, Id role_id) {
    misp::OrganisationInput oi;
    oi.org.name = org;
    oi.present = {"name"};
    auto added = hub->AddOrganisation(admin, oi);
    EXPECT_TRUE(added.ok()) << (added.ok() ? "" : added.error().message);
    misp::UserInput ui;
    ui.user.email = email;
    ui.user.org_id = added->id;
    ui.user.role_id = role_id;
    ui.present = {"email", "org_id", "role_id"};
    EXPECT_TRUE(hub->AddUser(admin, ui).ok());
    return PrincipalForUser(*store, email).value();
  }

  FakeClock clock{int64_t{1'760'000'000} * 1'000'000};  // 2025-10-09
  std::filesystem::path dir;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<Hub> hub;
  Principal admin;
};

}  // namespace bulwark::hub::test_support
