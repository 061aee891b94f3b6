#include "cli/app.h"

#include <filesystem>

#include "access/roles.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/stix_store.h"
#include "taxii/hub_collection.h"

namespace bulwark::cli {

Result<std::unique_ptr<App>> OpenApp(const Config& config, CreateIfMissing create) {
  namespace fs = std::filesystem;
  auto app = std::make_unique<App>();
  app->log = MakeStderrLogger("bulwark", config.log_level);
  std::error_code ec;
  const fs::path dir(config.data_dir);
  const fs::path db = dir / "bulwark.db";
  if (!fs::exists(db, ec)) {
    if (create == CreateIfMissing::kNo) {
      return MakeError(ErrorCode::kUnavailable, "no hub in " + config.data_dir + ": run `bulwark init --data-dir " +
                                                 config.data_dir + "` first");
    }
    fs::create_directories(dir, ec);
    if (ec) return MakeError(ErrorCode::kInternal, "cannot create " + config.data_dir + ": " + ec.message());
  }
  store::SqliteOptions options;
  options.path = db.string();
  options.reader_connections = config.reader_connections;
  options.cache_size_kib = config.cache_size_mib * 1024;
  options.durability = config.durability == "normal" ? store::Durability::kNormal : store::Durability::kFull;
  options.attribute_index_at_open = config.attribute_index_at_open;
  BW_ASSIGN_OR_RETURN(app->store, store::OpenSqliteStore(options, app->clock));
  hub::HubOptions hub_options;
  hub_options.attachment_dir = (dir / "attachments").string();  // attribute data (hub/attachment_store.h)
  app->hub = std::make_unique<hub::Hub>(*app->store, app->clock, hub_options, app->log, &app->metrics);
  app->stix = store::NewSqliteStixStore(*app->store, app->clock);
  app->hub->AddEventListener(taxii::HubCollectionListener(*app->store, *app->stix, app->log));
  BW_RETURN_IF_ERROR(app->hub->EnsureDefaultRoles());
  BW_RETURN_IF_ERROR(app->hub->ReloadLibrary());
  return app;
}

Result<access::Principal> OperatorPrincipal(App& app) {
  access::Principal p;
  Status st = app.store->Read([&](store::ReadTxn& txn) -> Status {
    BW_ASSIGN_OR_RETURN(auto users, txn.ListUsers(std::nullopt));
    for (const auto& u : users) {
      if (u.role_id != access::kRoleSiteAdmin || u.disabled) continue;
      BW_ASSIGN_OR_RETURN(auto org, txn.GetOrganisation(u.org_id));
      BW_ASSIGN_OR_RETURN(auto role, txn.GetRole(u.role_id));
      if (!org || !role) continue;
      p.user = u;
      p.org = *org;
      p.role = *role;
      return Ok();
    }
    return MakeError(ErrorCode::kNotFound, "this hub has no site admin: run `bulwark init` first");
  });
  if (!st.ok()) return std::move(st).error();
  return p;
}

int ExitCodeFor(const Error& e) {
  switch (e.code) {
    case ErrorCode::kBadRequest:
    case ErrorCode::kInvalid:
      return kExitUsage;
    case ErrorCode::kUnavailable:
      return kExitNotReady;
    default:
      return kExitFailure;
  }
}

}  // namespace bulwark::cli
