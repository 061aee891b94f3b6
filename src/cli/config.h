// The hub's typed configuration: one TOML file (--config), every option also settable by a flag, unknown
// keys rejected at start. Defaults are documented here and in docs/configuration.md.
#pragma once

#include <string>
#include <vector>

#include "api/http/http.h"
#include "common/result.h"

namespace bulwark::cli {

// One scheduled TAXII pull ([[taxii_pull]]): see feeds/taxii_schedule.h. Secrets may come from the environment
// (password_env, key_env) so the config file need not hold them; they are resolved when the file is loaded.
struct TaxiiPullConfig {
  std::string name;               // default: the collection id
  std::string url;                // API root or discovery URL (required)
  std::string collection;         // collection id (required)
  std::string user;               // HTTP Basic, with password
  std::string password;
  std::string key;                // API key (Bearer)
  int64_t interval_seconds = 300;  // 10 .. 604800
  int64_t page_size = 1000;        // 1 .. 100000
};

struct Config {
  std::string data_dir = "./var/hub";      // [hub] data_dir
  std::string log_level = "info";          // [hub] log_level: trace, debug, info, warn, error, off
  std::string durability = "full";         // [store] durability: full (fsync per commit) or normal
  int reader_connections = 4;              // [store] reader_connections
  int64_t cache_size_mib = 64;             // [store] cache_size_mib: SQLite page cache per connection, at most
  http::HttpServerOptions http;            // [http] listen, io_threads, worker_threads, max_body_bytes, ...
  double rate_limit_per_second = 0;        // [http] rate_limit_per_second: requests per API key; 0: unlimited
  double rate_limit_burst = 20;            // [http] rate_limit_burst: requests allowed at once before limiting
  int64_t correlation_limit = 20;          // [correlation] limit: values linking more attributes are over-correlating
  std::vector<std::string> correlation_exclusions;  // [correlation] exclusions: "x" exact, "x%", "%x", "%x%"
  std::vector<TaxiiPullConfig> taxii_pulls;         // [[taxii_pull]]: pulled on a schedule by `serve`
  int64_t attachment_sweep_hours = 6;   // [attachments] sweep_interval_hours: serve's orphan sweep; 0: never
  int64_t attachment_grace_hours = 24;  // [attachments] grace_hours: younger files are kept, referenced or not
  bool attribute_index_at_open = true;  // not a file key: false for commands that rarely look attributes up
};

// Ok for trace, debug, info, warn, error, critical and off; kInvalid naming the choices otherwise.
Status ValidateLogLevel(const std::string& level);

// Parses "host:port" or "[v6]:port" into the options; kInvalid with a message on bad input.
Status ParseListen(const std::string& listen, http::HttpServerOptions& out);

// Reads a TOML config file over `config` (values not in the file keep their current value).
// Unknown tables or keys, wrong types and out-of-range values are kInvalid naming the key.
Status LoadConfigFile(const std::string& path, Config& config);

}  // namespace bulwark::cli
