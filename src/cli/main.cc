// bulwark: the hub's single binary. Parses flags and config, then hands over to one verb.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <vector>

#include "access/roles.h"
#include "cli/app.h"
#include "cli/verbs.h"

namespace bulwark::cli {
namespace {

int Fail(const char* verb, const Error& e) {
  std::fprintf(stderr, "bulwark %s: %s%s%s\n", verb, e.message.c_str(), e.field.empty() ? "" : " (field ",
               e.field.empty() ? "" : (e.field + ")").c_str());
  return ExitCodeFor(e);
}

int RunInit(const Config& config, const std::string& org, const std::string& email) {
  auto app = OpenApp(config, CreateIfMissing::kYes);
  if (!app.ok()) return Fail("init", app.error());
  auto existing = OperatorPrincipal(*app.value());
  if (existing.ok()) {
    std::fprintf(stderr,
                 "bulwark init: %s already holds a hub (site admin %s); use `bulwark key add` for a new key\n",
                 config.data_dir.c_str(), existing->user.email.c_str());
    return kExitFailure;
  }
  auto created = app.value()->hub->CreateSiteAdmin(org, email);
  if (!created.ok()) return Fail("init", created.error());
  std::printf("created hub in %s\n", config.data_dir.c_str());
  std::printf("organisation: %s\nsite admin: %s\n", org.c_str(), email.c_str());
  std::printf("API key (shown once, store it safely):\n%s\n", created->clear_key.c_str());
  return kExitOk;
}

int RunOrgList(const Config& config) {
  auto app = OpenApp(config, CreateIfMissing::kNo);
  if (!app.ok()) return Fail("org list", app.error());
  auto p = OperatorPrincipal(*app.value());
  if (!p.ok()) return Fail("org list", p.error());
  auto orgs = app.value()->hub->ListOrganisations(*p);
  if (!orgs.ok()) return Fail("org list", orgs.error());
  for (const auto& o : *orgs) {
    std::printf("%lld\t%s\t%s\t%s\n", static_cast<long long>(o.id), o.uuid.c_str(), o.local ? "local" : "remote",
                o.name.c_str());
  }
  return kExitOk;
}

int RunOrgAdd(const Config& config, const misp::OrganisationInput& in) {
  auto app = OpenApp(config, CreateIfMissing::kNo);
  if (!app.ok()) return Fail("org add", app.error());
  auto p = OperatorPrincipal(*app.value());
  if (!p.ok()) return Fail("org add", p.error());
  auto org = app.value()->hub->AddOrganisation(*p, in);
  if (!org.ok()) return Fail("org add", org.error());
  std::printf("%lld\t%s\t%s\n", static_cast<long long>(org->id), org->uuid.c_str(), org->name.c_str());
  return kExitOk;
}

int RunUserList(const Config& config) {
  auto app = OpenApp(config, CreateIfMissing::kNo);
  if (!app.ok()) return Fail("user list", app.error());
  auto p = OperatorPrincipal(*app.value());
  if (!p.ok()) return Fail("user list", p.error());
  auto users = app.value()->hub->ListUsers(*p);
  if (!users.ok()) return Fail("user list", users.error());
  for (const auto& u : *users) {
    std::printf("%lld\t%s\torg=%lld\trole=%lld%s\n", static_cast<long long>(u.id), u.email.c_str(),
                static_cast<long long>(u.org_id), static_cast<long long>(u.role_id), u.disabled ? "\tdisabled" : "");
  }
  return kExitOk;
}

int RunUserAdd(const Config& config, const std::string& email, const std::string& org, int64_t role) {
  auto app = OpenApp(config, CreateIfMissing::kNo);
  if (!app.ok()) return Fail("user add", app.error());
  auto p = OperatorPrincipal(*app.value());
  if (!p.ok()) return Fail("user add", p.error());
  auto o = app.value()->hub->ViewOrganisation(*p, org);
  if (!o.ok()) return Fail("user add", o.error());
  misp::UserInput in;
  in.user.email = email;
  in.user.org_id = o->id;
  in.user.role_id = role;
  in.present = {"email", "org_id", "role_id"};
  auto u = app.value()->hub->AddUser(*p, in);
  if (!u.ok()) return Fail("user add", u.error());
  std::printf("%lld\t%s\n", static_cast<long long>(u->id), u->email.c_str());
  return kExitOk;
}

int RunKeyAdd(const Config& config, const std::string& user, bool read_only, const std::string& expires,
              const std::string& comment) {
  hub::Hub::KeyRequest kr;
  kr.read_only = read_only;
  kr.comment = comment;
  if (!expires.empty()) {
    auto t = ParseDateTimeMicros(expires);
    if (!t) {
      std::fprintf(stderr, "bulwark key add: --expires takes a date such as 2027-01-31\n");
      return kExitUsage;
    }
    kr.expiration = *t / 1'000'000;
  }
  auto app = OpenApp(config, CreateIfMissing::kNo);
  if (!app.ok()) return Fail("key add", app.error());
  auto p = OperatorPrincipal(*app.value());
  if (!p.ok()) return Fail("key add", p.error());
  auto created = app.value()->hub->AddApiKey(*p, user, kr);
  if (!created.ok()) return Fail("key add", created.error());
  std::printf("API key for %s (shown once):\n%s\n", user.c_str(), created->clear_key.c_str());
  return kExitOk;
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{"Bulwark: cyber-defence information-sharing and incident-coordination hub"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("bulwark ") + BULWARK_VERSION);
  Config config;
  std::string config_file;
  std::string listen;
  auto add_common = [&](CLI::App* sub) {
    sub->add_option("--data-dir", config.data_dir, "hub data directory")->capture_default_str();
    sub->add_option("--log-level", config.log_level, "trace, debug, info, warn, error or off")->capture_default_str();
  };

  std::string org_name = "Bulwark Hub Operator";
  std::string email = "admin@bulwark.local";
  auto* init = app.add_subcommand("init", "create a hub and its site admin; prints the admin API key last");
  add_common(init);
  init->add_option("--org", org_name, "name of the operator organisation")->capture_default_str();
  init->add_option("--email", email, "email of the site admin")->capture_default_str();

  auto* serve = app.add_subcommand("serve", "serve the hub over HTTP until SIGTERM");
  add_common(serve);
  serve->add_option("--listen", listen, "HOST:PORT to listen on (port 0: any free port); default 127.0.0.1:8080");
  serve->add_option("--config", config_file, "TOML configuration file (see docs/configuration.md)");
  serve->add_option("--tls-cert", config.http.tls_cert_file, "PEM certificate chain: serve HTTPS");
  serve->add_option("--tls-key", config.http.tls_key_file, "PEM private key for --tls-cert");
  serve->add_option("--threads", config.http.worker_threads, "request worker threads")->capture_default_str();
  serve->add_option("--rate-limit", config.rate_limit_per_second,
                    "requests per second per API key (0: unlimited); over it: 429 with Retry-After")
      ->capture_default_str();

  auto* org = app.add_subcommand("org", "manage organisations");
  org->require_subcommand(1);
  auto* org_list = org->add_subcommand("list", "list organisations: id, uuid, local/remote, name");
  add_common(org_list);
  misp::OrganisationInput org_in;
  auto* org_add = org->add_subcommand("add", "add an organisation");
  add_common(org_add);
  org_add->add_option("name", org_in.org.name, "organisation name")->required();
  org_add->add_option("--uuid", org_in.org.uuid, "its uuid, when it already has one elsewhere");
  org_add->add_option("--type", org_in.org.type, "e.g. CERT, Government, ISP");
  org_add->add_option("--sector", org_in.org.sector, "sector");
  org_add->add_option("--nationality", org_in.org.nationality, "nationality");
  org_add->add_option("--description", org_in.org.description, "description");

  auto* user = app.add_subcommand("user", "manage users");
  user->require_subcommand(1);
  auto* user_list = user->add_subcommand("list", "list users");
  add_common(user_list);
  std::string user_email;
  std::string user_org;
  int64_t user_role = access::kRoleUser;
  auto* user_add = user->add_subcommand("add", "add a user");
  add_common(user_add);
  user_add->add_option("email", user_email, "email address")->required();
  user_add->add_option("--org", user_org, "organisation id, uuid or name")->required();
  user_add->add_option("--role", user_role, "role id: 1 admin, 2 org admin, 3 user, 4 publisher, 5 sync, 6 read only")
      ->capture_default_str()
      ->check(CLI::Range(1, 6));

  auto* key = app.add_subcommand("key", "manage API keys");
  key->require_subcommand(1);
  std::string key_user;
  bool key_read_only = false;
  std::string key_expires;
  std::string key_comment;
  auto* key_add = key->add_subcommand("add", "create an API key for a user; prints it once");
  add_common(key_add);
  key_add->add_option("user", key_user, "user id or email")->required();
  key_add->add_flag("--read-only", key_read_only, "the key may only read");
  key_add->add_option("--expires", key_expires, "expiry date, e.g. 2027-01-31");
  key_add->add_option("--comment", key_comment, "what the key is for");

  auto* library = app.add_subcommand("library", "manage taxonomies, galaxies, object templates, warninglists");
  library->require_subcommand(1);
  std::string library_dir;
  auto* library_load = library->add_subcommand("load", "load every recognised JSON file under DIR");
  add_common(library_load);
  library_load->add_option("dir", library_dir, "directory in misp-taxonomies/-objects/-galaxy/-warninglists format")
      ->required();

  auto* demo = app.add_subcommand("demo", "fill a new hub with an election-defence scenario");
  add_common(demo);

  std::vector<VerbRunner> groups = {AddPatternCommands(app), AddTaxiiCommands(app), AddExportCommands(app),
                                    AddImportCommands(app), AddCorrelateCommands(app),
                                    AddMatchCommands(app), AddAttachmentCommands(app)};

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  if (!config_file.empty()) {
    // The file gives the base; every flag given on the command line overrides it.
    Config from_file;
    Status st = LoadConfigFile(config_file, from_file);
    if (!st.ok()) return Fail("serve", st.error());
    auto given = [&](const char* name) { return serve->count(name) > 0; };
    if (given("--data-dir")) from_file.data_dir = config.data_dir;
    if (given("--log-level")) from_file.log_level = config.log_level;
    if (given("--tls-cert")) from_file.http.tls_cert_file = config.http.tls_cert_file;
    if (given("--tls-key")) from_file.http.tls_key_file = config.http.tls_key_file;
    if (given("--threads")) from_file.http.worker_threads = config.http.worker_threads;
    if (given("--rate-limit")) from_file.rate_limit_per_second = config.rate_limit_per_second;
    config = from_file;
  }
  if (Status st = ValidateLogLevel(config.log_level); !st.ok()) return Fail("config", st.error());
  if (!listen.empty()) {
    Status st = ParseListen(listen, config.http);
    if (!st.ok()) return Fail("serve", st.error());
  }
  if (init->parsed()) return RunInit(config, org_name, email);
  if (serve->parsed()) return RunServe(config);
  if (org_list->parsed()) return RunOrgList(config);
  if (org_add->parsed()) {
    org_in.present = {"name", "uuid", "type", "sector", "nationality", "description"};
    return RunOrgAdd(config, org_in);
  }
  if (user_list->parsed()) return RunUserList(config);
  if (user_add->parsed()) return RunUserAdd(config, user_email, user_org, user_role);
  if (key_add->parsed()) return RunKeyAdd(config, key_user, key_read_only, key_expires, key_comment);
  if (library_load->parsed()) return RunLibraryLoad(config, library_dir);
  if (demo->parsed()) return RunDemo(config);
  for (const VerbRunner& group : groups) {
    if (std::optional<int> rc = group()) return *rc;
  }
  std::cerr << app.help();
  return kExitUsage;
}

}  // namespace bulwark::cli

int main(int argc, char** argv) { return bulwark::cli::Main(argc, argv); }
