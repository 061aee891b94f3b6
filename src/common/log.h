// Logging goes through a spdlog logger that is created in main and passed to whoever logs; there is no
// global logger. Per-packet or per-request problems are counted in metrics, not logged one by one.
#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <string>

namespace bulwark {

using Logger = std::shared_ptr<spdlog::logger>;

// A logger writing to stderr with the given name and level ("trace".."off").
Logger MakeStderrLogger(const std::string& name, const std::string& level);
// A logger that discards everything, for tests and quiet tools.
Logger MakeNullLogger();

}  // namespace bulwark
