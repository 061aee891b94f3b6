// What the CLI verbs share: opening a data directory as a store and a hub, and the operator's principal.
#pragma once

#include <memory>
#include <string>

#include "cli/config.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/metrics.h"
#include "hub/hub.h"
#include "store/stix_store.h"
#include "store/store.h"

namespace bulwark::cli {

// An opened data directory. Owns the store and the hub over it.
struct App {
  SystemClock clock;
  Logger log;
  Metrics metrics;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<store::StixStore> stix;  // the TAXII object store over `store`
  std::unique_ptr<hub::Hub> hub;
};

enum class CreateIfMissing { kNo, kYes };

// Opens (or creates) DIR/bulwark.db, applies migrations, ensures the default roles and loads the library, and
// connects the hub's listeners (the TAXII hub collection).
Result<std::unique_ptr<App>> OpenApp(const Config& config, CreateIfMissing create);

// The principal for local operator commands: a site admin acting as the hub's first site-admin user
// (whoever can run the binary on the data directory already holds every right over it).
Result<access::Principal> OperatorPrincipal(App& app);

// Exit codes, documented in docs/cli.md.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;   // the operation failed (message on stderr)
inline constexpr int kExitUsage = 2;     // bad flags or arguments
inline constexpr int kExitNotReady = 3;  // the data directory does not exist or is not initialised

int ExitCodeFor(const Error& e);

// Verbs
int RunServe(const Config& config);
int RunLibraryLoad(const Config& config, const std::string& dir);
int RunDemo(const Config& config);

}  // namespace bulwark::cli
