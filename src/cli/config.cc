#include "cli/config.h"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <set>

#include <toml++/toml.h>

namespace bulwark::cli {
namespace {

Error Invalid(const std::string& key, const std::string& what) {
  return MakeError(ErrorCode::kInvalid, "config: " + key + " " + what, key);
}

template <typename T>
Status ReadInt(const toml::table& t, const std::string& table, const char* key, T& out, int64_t min, int64_t max) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return Ok();
  auto v = n->value<int64_t>();
  if (!n->is_integer() || !v) return Invalid(table + "." + key, "must be an integer");
  if (*v < min || *v > max) {
    return Invalid(table + "." + key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  out = static_cast<T>(*v);
  return Ok();
}

Status ReadString(const toml::table& t, const std::string& table, const char* key, std::string& out) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return Ok();
  if (!n->is_string()) return Invalid(table + "." + key, "must be a string");
  out = *n->value<std::string>();
  return Ok();
}

Status ReadNumber(const toml::table& t, const std::string& table, const char* key, double& out, double min,
                  double max) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return Ok();
  if (!n->is_number()) return Invalid(table + "." + key, "must be a number");
  const double v = n->is_integer() ? static_cast<double>(*n->value<int64_t>()) : *n->value<double>();
  if (!(v >= min && v <= max)) {
    return Invalid(table + "." + key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  out = v;
  return Ok();
}

Status ReadBool(const toml::table& t, const std::string& table, const char* key, bool& out) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return Ok();
  if (!n->is_boolean()) return Invalid(table + "." + key, "must be true or false");
  out = *n->value<bool>();
  return Ok();
}

Status CheckKeys(const toml::table& t, const std::string& table, const std::set<std::string>& allowed) {
  for (const auto& [k, v] : t) {
    if (!allowed.count(std::string(k.str()))) {
      return Invalid(table.empty() ? std::string(k.str()) : table + "." + std::string(k.str()),
                     "is not a known setting (see docs/configuration.md)");
    }
  }
  return Ok();
}

// The file's text, ASCII only. toml++ 3.3 (Debian's) reaches __builtin_unreachable on some non-ASCII code
// points where it looks for whitespace (upstream issues #190, #295; fuzz/corpus/config/crash-non-ascii-*), so
// they are rejected before parsing; strings can still hold any character as a \uXXXX escape.
Result<std::string> ReadConfigText(const std::string& path) {
  constexpr std::streamsize kMaxConfigBytes = 1 << 20;
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kInvalid, "config " + path + ": cannot be read");
  std::string text(static_cast<size_t>(kMaxConfigBytes) + 1, '\0');
  in.read(text.data(), kMaxConfigBytes + 1);
  if (in.bad()) return MakeError(ErrorCode::kInvalid, "config " + path + ": cannot be read");
  if (in.gcount() > kMaxConfigBytes) return MakeError(ErrorCode::kInvalid, "config " + path + ": larger than 1 MiB");
  text.resize(static_cast<size_t>(in.gcount()));
  int line = 1;
  for (char c : text) {
    if (c == '\n') ++line;
    if (static_cast<unsigned char>(c) >= 0x80) {
      return MakeError(ErrorCode::kInvalid, "config " + path + ": non-ASCII character at line " +
                                                std::to_string(line) + " (write it as a \\uXXXX escape in a string)");
    }
  }
  return text;
}

// A secret given inline (`key`) or by environment variable (`key_env`), not both.
Status ReadSecret(const toml::table& t, const std::string& table, const char* key, std::string& out) {
  const std::string env_key = std::string(key) + "_env";
  if (t.contains(key) && t.contains(env_key)) {
    return Invalid(table + "." + key, "and " + env_key + " exclude each other");
  }
  BW_RETURN_IF_ERROR(ReadString(t, table, key, out));
  std::string env_name;
  BW_RETURN_IF_ERROR(ReadString(t, table, env_key.c_str(), env_name));
  if (!env_name.empty()) {
    const char* value = std::getenv(env_name.c_str());
    if (value == nullptr || *value == '\0') {
      return Invalid(table + "." + env_key, "names the environment variable " + env_name + ", which is not set");
    }
    out = value;
  }
  return Ok();
}

Status ReadTaxiiPull(const toml::table& t, const std::string& table, TaxiiPullConfig& out) {
  BW_RETURN_IF_ERROR(CheckKeys(t, table, {"name", "url", "collection", "user", "password", "password_env", "key",
                                          "key_env", "interval_seconds", "page_size"}));
  BW_RETURN_IF_ERROR(ReadString(t, table, "name", out.name));
  BW_RETURN_IF_ERROR(ReadString(t, table, "url", out.url));
  BW_RETURN_IF_ERROR(ReadString(t, table, "collection", out.collection));
  BW_RETURN_IF_ERROR(ReadString(t, table, "user", out.user));
  BW_RETURN_IF_ERROR(ReadSecret(t, table, "password", out.password));
  BW_RETURN_IF_ERROR(ReadSecret(t, table, "key", out.key));
  BW_RETURN_IF_ERROR(ReadInt(t, table, "interval_seconds", out.interval_seconds, 10, 7 * 24 * 3600));
  BW_RETURN_IF_ERROR(ReadInt(t, table, "page_size", out.page_size, 1, 100000));
  if (out.url.rfind("http://", 0) != 0 && out.url.rfind("https://", 0) != 0) {
    return Invalid(table + ".url", "must be an http:// or https:// URL of a TAXII API root or discovery resource");
  }
  if (out.collection.empty()) return Invalid(table + ".collection", "is required (the collection id)");
  if (!out.user.empty() && !out.key.empty()) return Invalid(table + ".user", "and key exclude each other");
  if (!out.user.empty() && out.password.empty()) return Invalid(table + ".password", "is required with user");
  if (out.user.empty() && !out.password.empty()) return Invalid(table + ".user", "is required with password");
  if (out.name.empty()) out.name = out.collection;
  return Ok();
}

}  // namespace

Status ValidateLogLevel(const std::string& level) {
  static const std::set<std::string> kLevels = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  if (kLevels.count(level)) return Ok();
  return MakeError(ErrorCode::kInvalid,
                   "log level '" + level + "' is not one of trace, debug, info, warn, error, critical, off", "log_level");
}

Status ParseListen(const std::string& listen, http::HttpServerOptions& out) {
  std::string host;
  std::string port;
  if (!listen.empty() && listen.front() == '[') {
    auto close = listen.find(']');
    if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':') {
      return MakeError(ErrorCode::kInvalid, "listen address '" + listen + "' must look like [::1]:8080", "listen");
    }
    host = listen.substr(1, close - 1);
    port = listen.substr(close + 2);
  } else {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos) {
      return MakeError(ErrorCode::kInvalid, "listen address '" + listen + "' must look like 127.0.0.1:8080", "listen");
    }
    host = listen.substr(0, colon);
    port = listen.substr(colon + 1);
  }
  unsigned p = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || ptr != port.data() + port.size() || p > 65535 || host.empty()) {
    return MakeError(ErrorCode::kInvalid, "listen address '" + listen + "' needs a host and a port from 0 to 65535",
                     "listen");
  }
  out.host = host;
  out.port = static_cast<uint16_t>(p);
  return Ok();
}

Status LoadConfigFile(const std::string& path, Config& config) {
  BW_ASSIGN_OR_RETURN(std::string text, ReadConfigText(path));
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return MakeError(ErrorCode::kInvalid, "config " + path + ": " + std::string(e.description()) + " at line " +
                                              std::to_string(e.source().begin.line));
  }
  BW_RETURN_IF_ERROR(CheckKeys(root, "", {"hub", "store", "http", "correlation", "taxii_pull", "attachments"}));
  if (auto* hub = root["hub"].as_table()) {
    BW_RETURN_IF_ERROR(CheckKeys(*hub, "hub", {"data_dir", "log_level"}));
    BW_RETURN_IF_ERROR(ReadString(*hub, "hub", "data_dir", config.data_dir));
    BW_RETURN_IF_ERROR(ReadString(*hub, "hub", "log_level", config.log_level));
    BW_RETURN_IF_ERROR(ValidateLogLevel(config.log_level));
  } else if (root.contains("hub")) {
    return Invalid("hub", "must be a table");
  }
  if (auto* st = root["store"].as_table()) {
    BW_RETURN_IF_ERROR(CheckKeys(*st, "store", {"durability", "reader_connections", "cache_size_mib"}));
    BW_RETURN_IF_ERROR(ReadInt(*st, "store", "cache_size_mib", config.cache_size_mib, 1, 1 << 20));
    BW_RETURN_IF_ERROR(ReadString(*st, "store", "durability", config.durability));
    if (config.durability != "full" && config.durability != "normal") {
      return Invalid("store.durability", "must be \"full\" or \"normal\"");
    }
    BW_RETURN_IF_ERROR(ReadInt(*st, "store", "reader_connections", config.reader_connections, 1, 64));
  } else if (root.contains("store")) {
    return Invalid("store", "must be a table");
  }
  if (auto* h = root["http"].as_table()) {
    BW_RETURN_IF_ERROR(CheckKeys(*h, "http", {"listen", "io_threads", "worker_threads", "max_header_bytes",
                                              "max_body_bytes", "max_connections", "read_timeout_seconds",
                                              "idle_timeout_seconds", "gzip_min_bytes", "tls_cert_file",
                                              "tls_key_file", "access_log", "rate_limit_per_second",
                                              "rate_limit_burst"}));
    std::string listen;
    BW_RETURN_IF_ERROR(ReadString(*h, "http", "listen", listen));
    if (!listen.empty()) BW_RETURN_IF_ERROR(ParseListen(listen, config.http));
    BW_RETURN_IF_ERROR(ReadInt(*h, "http", "io_threads", config.http.io_threads, 1, 64));
    BW_RETURN_IF_ERROR(ReadInt(*h, "http", "worker_threads", config.http.worker_threads, 1, 256));
    BW_RETURN_IF_ERROR(ReadInt(*h, "http", "max_header_bytes", config.http.max_header_bytes, 1024, 1 << 20));
    BW_RETURN_IF_ERROR(ReadInt(*h, "http", "max_body_bytes", config.http.max_body_bytes, 1024, int64_t{4} << 30));
    BW_RETURN_IF_ERROR(ReadInt(*h, "http", "max_connections", config.http.max_connections, 1, 1'000'000));
    int64_t read_timeout = config.http.read_timeout.count();
    int64_t idle_timeout = config.http.idle_timeout.count();
    BW_RETURN_IF_ERROR(ReadInt(*h, "http", "read_timeout_seconds", read_timeout, 1, 3600));
    BW_RETURN_IF_ERROR(ReadInt(*h, "http", "idle_timeout_seconds", idle_timeout, 1, 3600));
    config.http.read_timeout = std::chrono::seconds(read_timeout);
    config.http.idle_timeout = std::chrono::seconds(idle_timeout);
    BW_RETURN_IF_ERROR(ReadInt(*h, "http", "gzip_min_bytes", config.http.gzip_min_bytes, 0, int64_t{1} << 30));
    BW_RETURN_IF_ERROR(ReadString(*h, "http", "tls_cert_file", config.http.tls_cert_file));
    BW_RETURN_IF_ERROR(ReadString(*h, "http", "tls_key_file", config.http.tls_key_file));
    BW_RETURN_IF_ERROR(ReadBool(*h, "http", "access_log", config.http.access_log));
    BW_RETURN_IF_ERROR(ReadNumber(*h, "http", "rate_limit_per_second", config.rate_limit_per_second, 0, 1e6));
    BW_RETURN_IF_ERROR(ReadNumber(*h, "http", "rate_limit_burst", config.rate_limit_burst, 1, 1e6));
  } else if (root.contains("http")) {
    return Invalid("http", "must be a table");
  }
  if (auto* c = root["correlation"].as_table()) {
    BW_RETURN_IF_ERROR(CheckKeys(*c, "correlation", {"limit", "exclusions"}));
    BW_RETURN_IF_ERROR(ReadInt(*c, "correlation", "limit", config.correlation_limit, 1, 1'000'000));
    if (const toml::node* n = c->get("exclusions")) {
      const toml::array* list = n->as_array();
      if (list == nullptr) return Invalid("correlation.exclusions", "must be a list of strings");
      config.correlation_exclusions.clear();
      for (const toml::node& item : *list) {
        if (!item.is_string()) return Invalid("correlation.exclusions", "must be a list of strings");
        config.correlation_exclusions.push_back(*item.value<std::string>());
      }
    }
  } else if (root.contains("correlation")) {
    return Invalid("correlation", "must be a table");
  }
  if (auto* a = root["attachments"].as_table()) {
    BW_RETURN_IF_ERROR(CheckKeys(*a, "attachments", {"sweep_interval_hours", "grace_hours"}));
    BW_RETURN_IF_ERROR(ReadInt(*a, "attachments", "sweep_interval_hours", config.attachment_sweep_hours, 0, 24 * 365));
    BW_RETURN_IF_ERROR(ReadInt(*a, "attachments", "grace_hours", config.attachment_grace_hours, 1, 24 * 365));
  } else if (root.contains("attachments")) {
    return Invalid("attachments", "must be a table");
  }
  if (const toml::node* n = root.get("taxii_pull")) {
    const toml::array* pulls = n->as_array();
    if (pulls == nullptr) return Invalid("taxii_pull", "must be an array of tables: write [[taxii_pull]]");
    config.taxii_pulls.clear();
    for (size_t i = 0; i < pulls->size(); ++i) {
      const std::string table = "taxii_pull[" + std::to_string(i) + "]";
      const toml::table* t = (*pulls)[i].as_table();
      if (t == nullptr) return Invalid(table, "must be a table");
      TaxiiPullConfig pull;
      BW_RETURN_IF_ERROR(ReadTaxiiPull(*t, table, pull));
      for (const TaxiiPullConfig& other : config.taxii_pulls) {
        if (other.name == pull.name) return Invalid(table + ".name", "'" + pull.name + "' is used by two pulls");
      }
      config.taxii_pulls.push_back(std::move(pull));
    }
  }
  return Ok();
}

}  // namespace bulwark::cli
