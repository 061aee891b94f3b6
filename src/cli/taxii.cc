#include "cli/verbs.h"

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/app.h"
#include "cli/config.h"
#include "store/sqlite/stix_store.h"

namespace bulwark::cli {
namespace {

struct CollectionFlags {
  std::string title;
  std::string description;
  std::string read_orgs;   // "all" or org refs separated by commas
  std::string write_orgs;
  std::string id;
};

int Fail(const char* verb, const Error& e) {
  std::fprintf(stderr, "bulwark taxii collection %s: %s\n", verb, e.message.c_str());
  return ExitCodeFor(e);
}

// Org ids, uuids or names separated by commas, resolved through the hub (so unknown ones are an error).
Result<std::vector<model::Id>> ResolveOrgs(App& app, const access::Principal& p, const std::string& list) {
  std::vector<model::Id> ids;
  size_t start = 0;
  while (start <= list.size() && !list.empty()) {
    const size_t comma = list.find(',', start);
    const std::string ref = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (ref.empty()) return MakeError(ErrorCode::kInvalid, "empty organisation in '" + list + "'");
    BW_ASSIGN_OR_RETURN(model::Organisation org, app.hub->ViewOrganisation(p, ref));
    ids.push_back(org.id);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return ids;
}

std::string JoinIds(const std::vector<model::Id>& ids) {
  std::string out;
  for (model::Id id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
  return out.empty() ? "-" : out;
}

int RunAdd(const Config& config, const CollectionFlags& f) {
  auto app = OpenApp(config, CreateIfMissing::kNo);
  if (!app.ok()) return Fail("add", app.error());
  auto p = OperatorPrincipal(**app);
  if (!p.ok()) return Fail("add", p.error());
  store::TaxiiCollection c;
  c.title = f.title;
  c.description = f.description;
  if (f.read_orgs == "all") {
    c.read_all_orgs = true;
  } else {
    auto ids = ResolveOrgs(**app, *p, f.read_orgs);
    if (!ids.ok()) return Fail("add", ids.error());
    c.read_orgs = *ids;
  }
  auto writers = ResolveOrgs(**app, *p, f.write_orgs);
  if (!writers.ok()) return Fail("add", writers.error());
  c.write_orgs = *writers;
  auto stix = store::NewSqliteStixStore(*(*app)->store, (*app)->clock);
  if (Status st = stix->AddCollection(c); !st.ok()) return Fail("add", st.error());
  std::printf("%s\t%s\n", c.id.c_str(), c.title.c_str());
  return kExitOk;
}

int RunList(const Config& config) {
  auto app = OpenApp(config, CreateIfMissing::kNo);
  if (!app.ok()) return Fail("list", app.error());
  auto stix = store::NewSqliteStixStore(*(*app)->store, (*app)->clock);
  auto all = stix->ListCollections();
  if (!all.ok()) return Fail("list", all.error());
  for (const auto& c : *all) {
    const bool hub = c.kind == store::CollectionKind::kHub;
    std::printf("%s\t%s\tread=%s\twrite=%s\t%s\n", c.id.c_str(), hub ? "hub" : "stored",
                hub || c.read_all_orgs ? "all" : JoinIds(c.read_orgs).c_str(),
                hub ? "-" : JoinIds(c.write_orgs).c_str(), c.title.c_str());
  }
  return kExitOk;
}

int RunRemove(const Config& config, const std::string& id) {
  auto app = OpenApp(config, CreateIfMissing::kNo);
  if (!app.ok()) return Fail("remove", app.error());
  auto stix = store::NewSqliteStixStore(*(*app)->store, (*app)->clock);
  auto found = stix->GetCollection(id);
  if (!found.ok()) return Fail("remove", found.error());
  if (*found && (*found)->kind == store::CollectionKind::kHub) {
    return Fail("remove", MakeError(ErrorCode::kInvalid, "the hub collection cannot be removed"));
  }
  if (Status st = stix->RemoveCollection(id); !st.ok()) return Fail("remove", st.error());
  std::printf("removed %s\n", id.c_str());
  return kExitOk;
}

}  // namespace

VerbRunner AddTaxiiCommands(CLI::App& app) {
  auto flags = std::make_shared<CollectionFlags>();
  auto config = std::make_shared<Config>();
  auto* taxii = app.add_subcommand("taxii", "manage the TAXII 2.1 server");
  taxii->require_subcommand(1);
  auto* collection = taxii->add_subcommand("collection", "manage TAXII collections");
  collection->require_subcommand(1);
  auto common = [config](CLI::App* sub) {
    sub->add_option("--data-dir", config->data_dir, "hub data directory")->capture_default_str();
    sub->add_option("--log-level", config->log_level, "trace, debug, info, warn, error or off")->capture_default_str();
  };

  auto* add = collection->add_subcommand("add", "add a writable collection; prints its id");
  common(add);
  add->add_option("--title", flags->title, "title")->required();
  add->add_option("--description", flags->description, "description");
  add->add_option("--read-orgs", flags->read_orgs, "'all', or organisation ids/uuids/names separated by commas");
  add->add_option("--write-orgs", flags->write_orgs, "organisation ids/uuids/names separated by commas");
  auto* list = collection->add_subcommand("list", "list collections: id, kind, readers, writers, title");
  common(list);
  auto* remove = collection->add_subcommand("remove", "remove a collection and its objects");
  common(remove);
  remove->add_option("id", flags->id, "collection id")->required();
  return [=]() -> std::optional<int> {
    if (Status st = ValidateLogLevel(config->log_level); !st.ok()) {
      std::fprintf(stderr, "bulwark taxii: %s\n", st.error().message.c_str());
      return kExitUsage;
    }
    if (add->parsed()) return RunAdd(*config, *flags);
    if (list->parsed()) return RunList(*config);
    if (remove->parsed()) return RunRemove(*config, flags->id);
    return std::nullopt;
  };
}

}  // namespace bulwark::cli
