// Fuzzes the hub's TOML config reader (src/cli/config.cc, compiled into this target: the CLI is not a library):
// LoadConfigFile over the input written to a scratch file, and the listen-address and log-level checks over the
// raw text. A config file is trusted more than network input, but a typo in it must still give an error naming
// the key, never a crash or an escaped exception. Must never crash, hang or allocate without bound.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli/config.h"

namespace {

// One scratch file per process, rewritten for every input and removed at exit.
const std::string& ScratchPath() {
  static const std::string path = [] {
    char name[] = "/tmp/bulwark-config-fuzz-XXXXXX";
    const int fd = mkstemp(name);
    if (fd < 0) std::abort();
    close(fd);
    std::atexit([] { std::remove(ScratchPath().c_str()); });
    return std::string(name);
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = ScratchPath();
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);

  bulwark::cli::Config config;
  const bulwark::Status st = bulwark::cli::LoadConfigFile(path, config);
  if (!st.ok() && st.error().message.empty()) std::abort();
  if (st.ok()) {
    // Ranges the reader promises (docs/configuration.md).
    if (config.reader_connections < 1 || config.reader_connections > 64) std::abort();
    if (config.correlation_limit < 1 || !(config.rate_limit_burst >= 1)) std::abort();
    if (bulwark::cli::ValidateLogLevel(config.log_level).ok() == false) std::abort();
  }

  const std::string text(reinterpret_cast<const char*>(data), size);
  bulwark::http::HttpServerOptions http;
  (void)bulwark::cli::ParseListen(text, http);
  (void)bulwark::cli::ValidateLogLevel(text);
  return 0;
}
