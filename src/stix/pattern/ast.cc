// ToString for the pattern AST: the canonical rendering that Parse() reads back to an equal tree.
#include <charconv>
#include <cmath>
#include <string>

#include "stix/pattern/ast.h"
#include "stix/pattern/lexer.h"
#include "stix/pattern/timestamp.h"

namespace bulwark::stix::pattern {
namespace {

constexpr char kBase64Chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64(const std::string& in) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint32_t{static_cast<uint8_t>(in[i])} << 16) | (uint32_t{static_cast<uint8_t>(in[i + 1])} << 8) |
                 static_cast<uint8_t>(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kBase64Chars[(v >> s) & 63];
  }
  size_t rest = in.size() - i;
  if (rest == 1) {
    uint32_t v = uint32_t{static_cast<uint8_t>(in[i])} << 16;
    out += kBase64Chars[(v >> 18) & 63];
    out += kBase64Chars[(v >> 12) & 63];
    out += "==";
  } else if (rest == 2) {
    uint32_t v = (uint32_t{static_cast<uint8_t>(in[i])} << 16) | (uint32_t{static_cast<uint8_t>(in[i + 1])} << 8);
    out += kBase64Chars[(v >> 18) & 63];
    out += kBase64Chars[(v >> 12) & 63];
    out += kBase64Chars[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  out += '\'';
  return out;
}

std::string FormatFloat(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), static_cast<int64_t>(v));
    (void)ec;
    return std::string(buf, end) + ".0";
  }
  char buf[512];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  if (ec != std::errc()) return "0.0";
  std::string out(buf, end);
  if (out.find('.') == std::string::npos) out += ".0";
  return out;
}

std::string FormatSeconds(double v) {
  if (v == std::floor(v) && v < 1e15) return std::to_string(static_cast<int64_t>(v));
  return FormatFloat(v);
}

// A key renders bare when it lexes as one identifier that is not a keyword.
std::string Key(const std::string& key) { return IsPlainPropertyName(key) ? key : Quote(key); }

void AppendComparisonExpr(const ComparisonExpr& e, std::string& out);

void AppendComparisonChild(const ComparisonExpr& parent, const ComparisonExpr& child, std::string& out) {
  bool parens = parent.kind == ComparisonExpr::Kind::kAnd && child.kind == ComparisonExpr::Kind::kOr;
  if (parens) out += '(';
  AppendComparisonExpr(child, out);
  if (parens) out += ')';
}

void AppendComparison(const Comparison& c, std::string& out) {
  if (c.op == CompareOp::kExists) {
    if (c.negated) out += "NOT ";
    out += "EXISTS ";
    out += ToString(c.path);
    return;
  }
  out += ToString(c.path);
  out += c.negated ? " NOT " : " ";
  out += CompareOpName(c.op);
  out += ' ';
  if (c.op == CompareOp::kIn) {
    out += '(';
    for (size_t i = 0; i < c.set.size(); ++i) {
      if (i > 0) out += ", ";
      out += ToString(c.set[i]);
    }
    out += ')';
  } else {
    out += ToString(c.value);
  }
}

void AppendComparisonExpr(const ComparisonExpr& e, std::string& out) {
  switch (e.kind) {
    case ComparisonExpr::Kind::kComparison:
      AppendComparison(e.comparison, out);
      return;
    case ComparisonExpr::Kind::kAnd:
    case ComparisonExpr::Kind::kOr:
      for (size_t i = 0; i < e.children.size(); ++i) {
        if (i > 0) out += e.kind == ComparisonExpr::Kind::kAnd ? " AND " : " OR ";
        AppendComparisonChild(e, e.children[i], out);
      }
      return;
  }
}

int Precedence(ObservationExpr::Kind k) {
  switch (k) {
    case ObservationExpr::Kind::kFollowedBy: return 1;
    case ObservationExpr::Kind::kOr: return 2;
    case ObservationExpr::Kind::kAnd: return 3;
    default: return 4;  // observations and qualified expressions bind tightest
  }
}

void AppendObservation(const ObservationExpr& e, std::string& out);

void AppendObservationChild(int parent_precedence, const ObservationExpr& child, std::string& out) {
  bool parens = Precedence(child.kind) <= parent_precedence && Precedence(child.kind) < 4;
  if (parens) out += '(';
  AppendObservation(child, out);
  if (parens) out += ')';
}

void AppendObservation(const ObservationExpr& e, std::string& out) {
  switch (e.kind) {
    case ObservationExpr::Kind::kObservation:
      out += '[';
      AppendComparisonExpr(e.comparison, out);
      out += ']';
      return;
    case ObservationExpr::Kind::kAnd:
    case ObservationExpr::Kind::kOr:
    case ObservationExpr::Kind::kFollowedBy: {
      const char* sep = e.kind == ObservationExpr::Kind::kAnd  ? " AND "
                        : e.kind == ObservationExpr::Kind::kOr ? " OR "
                                                               : " FOLLOWEDBY ";
      for (size_t i = 0; i < e.children.size(); ++i) {
        if (i > 0) out += sep;
        AppendObservationChild(Precedence(e.kind), e.children[i], out);
      }
      return;
    }
    case ObservationExpr::Kind::kWithin:
    case ObservationExpr::Kind::kRepeats:
    case ObservationExpr::Kind::kStartStop:
      if (!e.children.empty()) AppendObservationChild(3, e.children[0], out);
      if (e.kind == ObservationExpr::Kind::kWithin) {
        out += " WITHIN " + FormatSeconds(e.within_seconds) + " SECONDS";
      } else if (e.kind == ObservationExpr::Kind::kRepeats) {
        out += " REPEATS " + std::to_string(e.repeats) + " TIMES";
      } else {
        out += " START t'" + FormatTimestamp(e.start) + "' STOP t'" + FormatTimestamp(e.stop) + "'";
      }
      return;
  }
}

}  // namespace

bool ComparisonExpr::operator==(const ComparisonExpr& other) const {
  return kind == other.kind && comparison == other.comparison && children == other.children;
}

bool ObservationExpr::operator==(const ObservationExpr& other) const {
  return kind == other.kind && comparison == other.comparison && children == other.children &&
         within_seconds == other.within_seconds && repeats == other.repeats && start == other.start &&
         stop == other.stop;
}

std::string_view CompareOpName(CompareOp op) {
  switch (op) {
    case CompareOp::kEqual: return "=";
    case CompareOp::kNotEqual: return "!=";
    case CompareOp::kLess: return "<";
    case CompareOp::kLessEqual: return "<=";
    case CompareOp::kGreater: return ">";
    case CompareOp::kGreaterEqual: return ">=";
    case CompareOp::kIn: return "IN";
    case CompareOp::kLike: return "LIKE";
    case CompareOp::kMatches: return "MATCHES";
    case CompareOp::kIsSubset: return "ISSUBSET";
    case CompareOp::kIsSuperset: return "ISSUPERSET";
    case CompareOp::kExists: return "EXISTS";
  }
  return "?";
}

std::string ToString(const Literal& l) {
  switch (l.kind) {
    case Literal::Kind::kInt: return std::to_string(l.int_value);
    case Literal::Kind::kFloat: return FormatFloat(l.float_value);
    case Literal::Kind::kString: return Quote(l.bytes);
    case Literal::Kind::kBool: return l.bool_value ? "true" : "false";
    case Literal::Kind::kBinary: return "b'" + Base64(l.bytes) + "'";
    case Literal::Kind::kHex: {
      static constexpr char kHex[] = "0123456789abcdef";
      std::string out = "h'";
      for (char c : l.bytes) {
        out += kHex[static_cast<uint8_t>(c) >> 4];
        out += kHex[static_cast<uint8_t>(c) & 15];
      }
      return out + "'";
    }
    case Literal::Kind::kTimestamp: return "t'" + FormatTimestamp(l.timestamp) + "'";
  }
  return "";
}

std::string PropertyPathToString(const ObjectPath& path) {
  std::string out;
  for (size_t i = 0; i < path.steps.size(); ++i) {
    const PathStep& s = path.steps[i];
    switch (s.kind) {
      case PathStep::Kind::kKey:
        if (i > 0) out += '.';
        out += Key(s.key);
        break;
      case PathStep::Kind::kIndex: out += "[" + std::to_string(s.index) + "]"; break;
      case PathStep::Kind::kAnyIndex: out += "[*]"; break;
    }
  }
  return out;
}

std::string ToString(const ObjectPath& path) { return path.object_type + ":" + PropertyPathToString(path); }

std::string ToString(const ComparisonExpr& expr) {
  std::string out;
  AppendComparisonExpr(expr, out);
  return out;
}

std::string ToString(const ObservationExpr& expr) {
  std::string out;
  AppendObservation(expr, out);
  return out;
}

std::string ToString(const Pattern& pattern) { return ToString(pattern.root); }

}  // namespace bulwark::stix::pattern
