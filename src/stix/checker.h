// Internal: the state of one validation run and the value checks shared by validate.cc (common and per-type
// properties) and validate_rules.cc (markings, extensions, co-occurrence rules).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "stix/spec_tables.h"
#include "stix/timestamp.h"
#include "stix/validate.h"

namespace bulwark::stix::internal {

class Checker {
 public:
  Checker(const Object& object, const ValidationOptions& options, std::vector<Issue>& issues)
      : object_(object), json_(object.json), options_(options), issues_(issues) {}

  const Object& object() const { return object_; }
  const boost::json::object& json() const { return json_; }
  const ValidationOptions& options() const { return options_; }

  void Error(std::string_view path, std::string message);
  void Warn(std::string_view path, std::string message);

  // Value checks; each reports its own issue and returns false (or nullopt) when the value is bad.
  bool CheckKind(std::string_view path, const boost::json::value& v, const PropSpec& spec);
  std::optional<Timestamp> CheckTimestamp(std::string_view path, const boost::json::value& v, bool millis = false);
  bool CheckRef(std::string_view path, const boost::json::value& v, std::span<const std::string_view> targets);
  bool CheckRefList(std::string_view path, const boost::json::value& v, std::span<const std::string_view> targets);
  void CheckHashes(std::string_view path, const boost::json::value& v);
  void CheckKillChainPhases(std::string_view path, const boost::json::value& v);

  // The parsed timestamp of a top-level property, if present and valid (no issue reported).
  std::optional<Timestamp> TimestampOf(std::string_view key) const;

 private:
  const Object& object_;
  const boost::json::object& json_;
  const ValidationOptions& options_;
  std::vector<Issue>& issues_;
};

// validate_rules.cc
void CheckGranularMarkings(Checker& c);
void CheckExtensions(Checker& c);
void CheckMarkingDefinition(Checker& c);
void CheckTypeRules(Checker& c);  // co-occurrence and ordering rules per type
void CheckScoId(Checker& c);

std::string IndexPath(std::string_view path, size_t i);  // "path[i]"
std::string MemberPath(std::string_view path, std::string_view key);  // "path.key"

}  // namespace bulwark::stix::internal
