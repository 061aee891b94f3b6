// FlatProps to and from SCO graphs and patterns.
#include <memory>

#include <boost/json/serialize.hpp>

#include "common/uuid.h"
#include "stix/jcs.h"
#include "stix/mapping/internal.h"
#include "stix/mapping/mapping.h"
#include "stix/sco_id.h"

namespace bulwark::stix::mapping::internal {
namespace {

using Kind = pat::PathStep::Kind;
constexpr int64_t kMaxIndex = 16;
constexpr size_t kMaxWalkProps = 10000;

struct Node {
  std::string type;
  boost::json::object json;
  std::vector<std::pair<std::string, std::vector<std::unique_ptr<Node>>>> refs;  // key -> children
  std::vector<std::string> singular;  // keys of refs that are `_ref` (one child)

  std::vector<std::unique_ptr<Node>>& Children(const std::string& key) {
    for (auto& r : refs) {
      if (r.first == key) return r.second;
    }
    refs.emplace_back(key, std::vector<std::unique_ptr<Node>>{});
    return refs.back().second;
  }
};

boost::json::value LiteralJson(const pat::Literal& l) {
  if (l.kind == pat::Literal::Kind::kInt) return l.int_value;
  return boost::json::string(l.bytes);
}

bool InsertJson(boost::json::object& obj, std::span<const pat::PathStep> steps, const pat::Literal& value) {
  if (steps.empty() || steps[0].kind != Kind::kKey) return false;
  const std::string& key = steps[0].key;
  if (steps.size() == 1) {
    if (obj.contains(key)) return false;
    obj[key] = LiteralJson(value);
    return true;
  }
  const auto& next = steps[1];
  if (next.kind == Kind::kKey) {
    auto& slot = obj[key];
    if (slot.is_null()) slot = boost::json::object();
    if (!slot.is_object()) return false;
    return InsertJson(slot.get_object(), steps.subspan(1), value);
  }
  auto& slot = obj[key];
  if (slot.is_null()) slot = boost::json::array();
  if (!slot.is_array()) return false;
  auto& arr = slot.get_array();
  if (steps.size() == 2) {
    arr.push_back(LiteralJson(value));
    return true;
  }
  if (next.kind == Kind::kAnyIndex) {
    arr.push_back(boost::json::object());
  } else {
    if (next.index < 0 || next.index > kMaxIndex) return false;
    while (arr.size() <= static_cast<size_t>(next.index)) arr.push_back(boost::json::object());
  }
  auto& elem = next.kind == Kind::kAnyIndex ? arr.back() : arr[static_cast<size_t>(next.index)];
  if (!elem.is_object()) return false;
  return InsertJson(elem.get_object(), steps.subspan(2), value);
}

bool Insert(Node& node, std::span<const pat::PathStep> steps, const pat::Literal& value) {
  if (steps.empty() || steps[0].kind != Kind::kKey) return false;
  const std::string& key = steps[0].key;
  const bool one = key.ends_with("_ref");
  const bool many = key.ends_with("_refs");
  if (!one && !many) return InsertJson(node.json, steps, value);
  if (node.json.contains(key)) return false;
  auto& children = node.Children(key);
  std::span<const pat::PathStep> rest;
  Node* child = nullptr;
  if (one) {
    if (steps.size() < 2) return false;
    if (children.empty()) children.push_back(std::make_unique<Node>());
    child = children.front().get();
    rest = steps.subspan(1);
  } else {
    if (steps.size() < 3 || steps[1].kind == Kind::kKey) return false;
    const bool type_only = steps.size() == 3 && steps[2].kind == Kind::kKey && steps[2].key == "type";
    if (steps[1].kind == Kind::kAnyIndex) {
      if (!type_only || children.empty()) children.push_back(std::make_unique<Node>());
      child = children.back().get();
    } else {
      if (steps[1].index < 0 || steps[1].index > kMaxIndex) return false;
      while (children.size() <= static_cast<size_t>(steps[1].index)) children.push_back(std::make_unique<Node>());
      child = children[static_cast<size_t>(steps[1].index)].get();
    }
    rest = steps.subspan(2);
  }
  if (rest.size() == 1 && rest[0].kind == Kind::kKey && rest[0].key == "type") {
    if (value.kind != pat::Literal::Kind::kString) return false;
    child->type = value.bytes;
    return true;
  }
  return Insert(*child, rest, value);
}

std::string DefaultRefType(std::string_view key, const boost::json::object& child) {
  const auto* v = child.if_contains("value");
  if (v != nullptr && v->is_string()) {
    const std::string_view ip = IpScoType(v->get_string());
    if (!ip.empty() && key != "from_ref" && key != "to_refs" && key != "cc_refs") return std::string(ip);
  }
  if (key == "src_ref" || key == "dst_ref" || key == "resolves_to_refs") return "domain-name";
  if (key == "from_ref" || key == "sender_ref" || key == "to_refs" || key == "cc_refs" || key == "bcc_refs") {
    return "email-addr";
  }
  if (key == "parent_directory_ref") return "directory";
  if (key == "body_raw_ref") return "file";
  if (key == "content_ref" || key == "raw_email_ref") return "artifact";
  return "";
}

bool Finalize(Node& node, std::string_view type, std::vector<boost::json::object>& out, std::string& id) {
  boost::json::object sco;
  sco["type"] = type;
  sco["spec_version"] = "2.1";
  sco["id"] = "";
  for (auto& kv : node.json) sco[kv.key()] = std::move(kv.value());
  for (auto& [key, children] : node.refs) {
    boost::json::array ids;
    for (auto& child : children) {
      std::string child_type = child->type.empty() ? DefaultRefType(key, child->json) : child->type;
      if (child_type.empty()) return false;
      std::string child_id;
      if (!Finalize(*child, child_type, out, child_id)) return false;
      ids.push_back(boost::json::string(child_id));
    }
    if (key.ends_with("_ref")) {
      if (ids.size() != 1) return false;
      sco[key] = std::move(ids[0]);
    } else {
      sco[key] = std::move(ids);
    }
  }
  if (type == "network-traffic" && !sco.contains("protocols")) {
    sco["protocols"] = boost::json::array{"tcp"};
  }
  if (type == "email-message" && !sco.contains("is_multipart")) sco["is_multipart"] = false;
  id = DeterministicScoId(sco);
  if (id.empty()) {
    boost::json::object copy = sco;
    copy.erase("id");
    id = std::string(type) + "--" + UuidV5(kBulwarkNamespace, CanonicalJson(copy));
  }
  sco["id"] = id;
  out.push_back(std::move(sco));
  return true;
}

class Walker {
 public:
  Walker(const ScoResolver& resolve, std::vector<FlatProp>& out, std::string root_type)
      : resolve_(resolve), out_(out), root_type_(std::move(root_type)) {}

  void WalkObject(const boost::json::object& o, std::vector<pat::PathStep>& prefix, int depth, bool is_sco) {
    for (const auto& kv : o) {
      const std::string_view key = kv.key();
      if (is_sco && (key == "type" || key == "id" || key == "spec_version" || key == "object_marking_refs" ||
                     key == "granular_markings" || key == "defanged")) {
        continue;
      }
      prefix.push_back({Kind::kKey, std::string(key), 0});
      WalkValue(kv.value(), key, prefix, depth);
      prefix.pop_back();
    }
  }

 private:
  void Emit(const std::vector<pat::PathStep>& path, pat::Literal literal) {
    if (out_.size() >= kMaxWalkProps) return;
    out_.push_back({root_type_, path, std::move(literal)});
  }

  void WalkRef(std::string_view id, std::vector<pat::PathStep>& prefix, int depth) {
    const boost::json::object* child = resolve_(id);
    if (child == nullptr || depth >= kMaxScoDepth) return;
    const auto* t = child->if_contains("type");
    if (t != nullptr && t->is_string()) {
      prefix.push_back({Kind::kKey, "type", 0});
      pat::Literal l;
      l.kind = pat::Literal::Kind::kString;
      l.bytes = std::string(t->get_string());
      Emit(prefix, std::move(l));
      prefix.pop_back();
    }
    WalkObject(*child, prefix, depth + 1, true);
  }

  void WalkValue(const boost::json::value& v, std::string_view key, std::vector<pat::PathStep>& prefix, int depth) {
    if (depth > kMaxScoDepth * 4 || out_.size() >= kMaxWalkProps) return;
    pat::Literal l;
    switch (v.kind()) {
      case boost::json::kind::string:
        if (key.ends_with("_ref")) {
          WalkRef(v.get_string(), prefix, depth);
          return;
        }
        l.kind = pat::Literal::Kind::kString;
        l.bytes = std::string(v.get_string());
        Emit(prefix, std::move(l));
        return;
      case boost::json::kind::int64:
        l.kind = pat::Literal::Kind::kInt;
        l.int_value = v.get_int64();
        Emit(prefix, std::move(l));
        return;
      case boost::json::kind::uint64:
        l.kind = pat::Literal::Kind::kInt;
        l.int_value = static_cast<int64_t>(std::min<uint64_t>(v.get_uint64(), INT64_MAX));
        Emit(prefix, std::move(l));
        return;
      case boost::json::kind::bool_:
      case boost::json::kind::double_:
        l.kind = pat::Literal::Kind::kString;
        l.bytes = boost::json::serialize(v);
        Emit(prefix, std::move(l));
        return;
      case boost::json::kind::object:
        WalkObject(v.get_object(), prefix, depth + 1, false);
        return;
      case boost::json::kind::array: {
        prefix.push_back({Kind::kAnyIndex, {}, 0});
        for (const auto& e : v.get_array()) {
          if (key.ends_with("_refs") && e.is_string()) {
            WalkRef(e.get_string(), prefix, depth);
          } else {
            WalkValue(e, key, prefix, depth + 1);
          }
        }
        prefix.pop_back();
        return;
      }
      case boost::json::kind::null:
        return;
    }
  }

  const ScoResolver& resolve_;
  std::vector<FlatProp>& out_;
  std::string root_type_;
};

}  // namespace

std::optional<std::vector<boost::json::object>> BuildScos(std::span<const FlatProp> props) {
  if (props.empty()) return std::nullopt;
  Node root;
  const std::string& type = props.front().object_type;
  for (const auto& p : props) {
    if (p.object_type != type || !Insert(root, p.steps, p.value)) return std::nullopt;
  }
  std::vector<boost::json::object> out;
  std::string id;
  if (!Finalize(root, type, out, id)) return std::nullopt;
  return out;
}

std::vector<FlatProp> WalkSco(const boost::json::object& root, const ScoResolver& resolve) {
  std::vector<FlatProp> out;
  const auto* t = root.if_contains("type");
  if (t == nullptr || !t->is_string()) return out;
  Walker walker(resolve, out, std::string(t->get_string()));
  std::vector<pat::PathStep> prefix;
  walker.WalkObject(root, prefix, 0, true);
  return out;
}

std::string FlatToPattern(std::span<const FlatProp> props) {
  pat::Pattern p;
  p.root.kind = pat::ObservationExpr::Kind::kObservation;
  auto comparison = [](const FlatProp& f) {
    pat::ComparisonExpr e;
    e.kind = pat::ComparisonExpr::Kind::kComparison;
    e.comparison.path.object_type = f.object_type;
    e.comparison.path.steps = f.steps;
    e.comparison.op = pat::CompareOp::kEqual;
    e.comparison.value = f.value;
    return e;
  };
  if (props.size() == 1) {
    p.root.comparison = comparison(props.front());
  } else {
    p.root.comparison.kind = pat::ComparisonExpr::Kind::kAnd;
    for (const auto& f : props) p.root.comparison.children.push_back(comparison(f));
  }
  return pat::ToString(p);
}

std::optional<std::vector<FlatProp>> PatternToFlat(const pat::Pattern& pattern) {
  if (pattern.root.kind != pat::ObservationExpr::Kind::kObservation) return std::nullopt;
  const auto& expr = pattern.root.comparison;
  std::vector<FlatProp> out;
  auto take = [&](const pat::ComparisonExpr& e) {
    if (e.kind != pat::ComparisonExpr::Kind::kComparison) return false;
    const auto& c = e.comparison;
    if (c.op != pat::CompareOp::kEqual || c.negated || c.path.steps.empty()) return false;
    if (c.value.kind != pat::Literal::Kind::kString && c.value.kind != pat::Literal::Kind::kInt) return false;
    out.push_back({c.path.object_type, c.path.steps, c.value});
    return true;
  };
  if (expr.kind == pat::ComparisonExpr::Kind::kAnd) {
    for (const auto& child : expr.children) {
      if (!take(child)) return std::nullopt;
    }
  } else if (!take(expr)) {
    return std::nullopt;
  }
  return out;
}

}  // namespace bulwark::stix::mapping::internal
