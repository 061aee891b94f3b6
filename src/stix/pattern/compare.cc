#include "stix/pattern/compare.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "stix/pattern/timestamp.h"

namespace bulwark::stix::pattern {
namespace {

namespace json = boost::json;

// A value selected by a path.
struct Value {
  enum class Kind : uint8_t { kNull, kBool, kInt, kDouble, kString, kBinary, kOther };
  Kind kind = Kind::kOther;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string_view s;  // kString (UTF-8) or kBinary (bytes)
};

Value FromJson(const json::value& v) {
  Value out;
  switch (v.kind()) {
    case json::kind::null: out.kind = Value::Kind::kNull; break;
    case json::kind::bool_: out.kind = Value::Kind::kBool; out.b = v.get_bool(); break;
    case json::kind::int64: out.kind = Value::Kind::kInt; out.i = v.get_int64(); break;
    case json::kind::uint64:
      if (v.get_uint64() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        out.kind = Value::Kind::kInt;
        out.i = static_cast<int64_t>(v.get_uint64());
      } else {
        out.kind = Value::Kind::kDouble;
        out.d = static_cast<double>(v.get_uint64());
      }
      break;
    case json::kind::double_: out.kind = Value::Kind::kDouble; out.d = v.get_double(); break;
    case json::kind::string:
      out.kind = Value::Kind::kString;
      out.s = std::string_view(v.get_string().data(), v.get_string().size());
      break;
    default: out.kind = Value::Kind::kOther; break;
  }
  return out;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<uint8_t>(c) >= 0x80) return false;
  }
  return true;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool DecodeHex(std::string_view in, std::string& out) {
  out.clear();
  if (in.size() % 2 != 0) return false;
  for (size_t k = 0; k < in.size(); k += 2) {
    int hi = HexDigit(in[k]), lo = HexDigit(in[k + 1]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
  }
  return true;
}

bool DecodeBase64(std::string_view in, std::string& out) {
  out.clear();
  if (in.size() % 4 != 0) return false;
  uint32_t bits = 0;
  int nbits = 0;
  size_t pad = 0;
  for (size_t k = 0; k < in.size(); ++k) {
    char c = in[k];
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else if (c == '=' && k + 2 >= in.size()) { ++pad; continue; }
    else return false;
    if (pad > 0) return false;
    bits = (bits << 6) | static_cast<uint32_t>(v);
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out += static_cast<char>((bits >> nbits) & 0xFF);
    }
  }
  return true;
}

enum class Order : uint8_t { kLess, kEqual, kGreater, kIncomparable };

template <typename T>
Order Cmp(const T& a, const T& b) {
  return a < b ? Order::kLess : (b < a ? Order::kGreater : Order::kEqual);
}

Order CmpBytes(std::string_view a, std::string_view b) {
  int c = a.compare(b);
  return c < 0 ? Order::kLess : (c > 0 ? Order::kGreater : Order::kEqual);
}

Order CmpNumbers(const Value& v, const Literal& l) {
  if (v.kind == Value::Kind::kInt && l.kind == Literal::Kind::kInt) return Cmp(v.i, l.int_value);
  double a = v.kind == Value::Kind::kInt ? static_cast<double>(v.i) : v.d;
  double b = l.kind == Literal::Kind::kInt ? static_cast<double>(l.int_value) : l.float_value;
  if (a != a || b != b) return Order::kIncomparable;
  return Cmp(a, b);
}

class Evaluator {
 public:
  Evaluator(const Observation& obs, EvalScratch& scratch) : obs_(obs), scratch_(scratch) {}

  Result<bool> Expr(const CompiledCompExpr& e, const json::value& root, std::string_view root_type) {
    switch (e.kind) {
      case ComparisonExpr::Kind::kComparison: return Comparison(e.comparison, root, root_type);
      case ComparisonExpr::Kind::kAnd:
        for (const auto& c : e.children) {
          BW_ASSIGN_OR_RETURN(bool ok, Expr(c, root, root_type));
          if (!ok) return false;
        }
        return true;
      case ComparisonExpr::Kind::kOr:
        for (const auto& c : e.children) {
          BW_ASSIGN_OR_RETURN(bool ok, Expr(c, root, root_type));
          if (ok) return true;
        }
        return false;
    }
    return false;
  }

 private:
  Result<bool> Comparison(const CompiledComparison& cc, const json::value& root, std::string_view root_type) {
    const pattern::Comparison& c = *cc.source;
    if (c.path.object_type != root_type) return false;
    cc_ = &cc;
    error_.reset();
    bool found = Walk(root, 0, /*suffix_binary=*/0);
    if (error_) return *std::move(error_);
    if (c.op == CompareOp::kExists) return found != c.negated;
    return found;
  }

  // Walks the path from steps[idx] at `v`; true when some selected value passes the test.
  // suffix_binary: 0 = plain, 'h' = the value came from a *_hex key, 'b' = from a *_bin key.
  bool Walk(const json::value& v, size_t idx, char suffix_binary) {
    if (error_) return false;
    const std::vector<PathStep>& steps = cc_->source->path.steps;
    if (idx == steps.size()) return Test(v, suffix_binary);
    const PathStep& step = steps[idx];
    if (step.kind == PathStep::Kind::kKey) {
      const json::object* o = v.if_object();
      if (o == nullptr) return false;
      const json::value* child = o->if_contains(step.key);
      if (child == nullptr) return false;
      if (EndsWith(step.key, "_ref")) {
        if (!child->is_string()) {
          error_ = MakeError(ErrorCode::kInvalid, "reference property '" + step.key + "' is not a string");
          return false;
        }
        const json::value* target = obs_.Resolve(std::string_view(child->get_string()));
        return target != nullptr && Walk(*target, idx + 1, 0);
      }
      if (EndsWith(step.key, "_refs") && child->is_array() && idx + 1 < steps.size() &&
          steps[idx + 1].kind != PathStep::Kind::kKey) {
        return WalkRefs(child->get_array(), idx + 1);
      }
      char suffix = EndsWith(step.key, "_hex") ? 'h' : EndsWith(step.key, "_bin") ? 'b' : 0;
      return Walk(*child, idx + 1, suffix);
    }
    const json::array* a = v.if_array();
    if (a == nullptr) return false;
    if (step.kind == PathStep::Kind::kAnyIndex) {
      for (const json::value& item : *a) {
        if (Walk(item, idx + 1, 0)) return true;
      }
      return false;
    }
    int64_t n = static_cast<int64_t>(a->size());
    int64_t i = step.index < 0 ? n + step.index : step.index;
    if (i < 0 || i >= n) return false;
    return Walk((*a)[static_cast<size_t>(i)], idx + 1, 0);
  }

  // `x_refs[n]` / `x_refs[*]`: index into the list of references, then follow them.
  bool WalkRefs(const json::array& refs, size_t idx) {
    const PathStep& step = cc_->source->path.steps[idx];
    auto follow = [&](const json::value& ref) {
      if (!ref.is_string()) {
        error_ = MakeError(ErrorCode::kInvalid, "a reference in a _refs list is not a string");
        return false;
      }
      const json::value* target = obs_.Resolve(std::string_view(ref.get_string()));
      return target != nullptr && Walk(*target, idx + 1, 0);
    };
    if (step.kind == PathStep::Kind::kAnyIndex) {
      for (const json::value& ref : refs) {
        if (follow(ref)) return true;
      }
      return false;
    }
    int64_t n = static_cast<int64_t>(refs.size());
    int64_t i = step.index < 0 ? n + step.index : step.index;
    if (i < 0 || i >= n) return false;
    return follow(refs[static_cast<size_t>(i)]);
  }

  bool Test(const json::value& jv, char suffix_binary) {
    if (cc_->source->op == CompareOp::kExists) return true;
    Value v = FromJson(jv);
    if (suffix_binary != 0 && v.kind == Value::Kind::kString) {
      bool ok = suffix_binary == 'h' ? DecodeHex(v.s, scratch_.bytes) : DecodeBase64(v.s, scratch_.bytes);
      if (!ok) {
        error_ = MakeError(ErrorCode::kInvalid, std::string("invalid ") + (suffix_binary == 'h' ? "hex" : "base64") +
                                                    " in a binary property");
        return false;
      }
      v.kind = Value::Kind::kBinary;
      v.s = scratch_.bytes;
    }
    bool r = Predicate(v);
    return cc_->source->negated ? !r : r;
  }

  bool Predicate(const Value& v) {
    const pattern::Comparison& c = *cc_->source;
    switch (c.op) {
      case CompareOp::kEqual: return Compare(v, c.value) == Order::kEqual;
      case CompareOp::kNotEqual: return Compare(v, c.value) != Order::kEqual;
      case CompareOp::kLess: return Compare(v, c.value) == Order::kLess;
      case CompareOp::kLessEqual: {
        Order o = Compare(v, c.value);
        return o == Order::kLess || o == Order::kEqual;
      }
      case CompareOp::kGreater: return Compare(v, c.value) == Order::kGreater;
      case CompareOp::kGreaterEqual: {
        Order o = Compare(v, c.value);
        return o == Order::kGreater || o == Order::kEqual;
      }
      case CompareOp::kIn:
        for (const Literal& l : c.set) {
          if (Compare(v, l) == Order::kEqual) return true;
        }
        return false;
      case CompareOp::kLike: return Like(v);
      case CompareOp::kMatches: return Matches(v);
      case CompareOp::kIsSubset:
      case CompareOp::kIsSuperset: return Subnet(v, c.op == CompareOp::kIsSubset);
      case CompareOp::kExists: return true;
    }
    return false;
  }

  Order Compare(const Value& v, const Literal& l) {
    switch (l.kind) {
      case Literal::Kind::kInt:
      case Literal::Kind::kFloat:
        if (v.kind != Value::Kind::kInt && v.kind != Value::Kind::kDouble) return Order::kIncomparable;
        return CmpNumbers(v, l);
      case Literal::Kind::kBool:
        if (v.kind != Value::Kind::kBool) return Order::kIncomparable;
        return v.b == l.bool_value ? Order::kEqual : Order::kIncomparable;
      case Literal::Kind::kString:
        if (v.kind == Value::Kind::kString) return CmpBytes(v.s, l.bytes);
        if (v.kind == Value::Kind::kBinary) {
          if (&l != &cc_->source->value) {  // a set member: convert on the fly
            if (!Utf8ToLatin1(l.bytes, scratch_.text)) return Order::kIncomparable;
            return CmpBytes(v.s, scratch_.text);
          }
          if (!cc_->pattern_latin1) return Order::kIncomparable;
          return CmpBytes(v.s, cc_->latin1);
        }
        return Order::kIncomparable;
      case Literal::Kind::kBinary:
      case Literal::Kind::kHex:
        if (v.kind == Value::Kind::kBinary) return CmpBytes(v.s, l.bytes);
        if (v.kind == Value::Kind::kString) {
          if (IsAscii(v.s)) return CmpBytes(v.s, l.bytes);
          if (!Utf8ToLatin1(v.s, scratch_.text)) return Order::kIncomparable;
          return CmpBytes(scratch_.text, l.bytes);
        }
        return Order::kIncomparable;
      case Literal::Kind::kTimestamp: {
        if (v.kind != Value::Kind::kString) return Order::kIncomparable;
        auto ts = ParseTimestamp(v.s);
        if (!ts) {
          error_ = MakeError(ErrorCode::kInvalid, "Invalid timestamp in JSON: " + std::string(v.s.substr(0, 80)));
          return Order::kIncomparable;
        }
        return Cmp(*ts, l.timestamp);
      }
    }
    return Order::kIncomparable;
  }

  bool Like(const Value& v) {
    if (v.kind == Value::Kind::kString) {
      if (IsAscii(v.s)) return LikeMatch(v.s, cc_->like_nfc, true);
      std::string nfc = NormalizeNfc(v.s);
      return LikeMatch(nfc, cc_->like_nfc, true);
    }
    if (v.kind == Value::Kind::kBinary && cc_->pattern_latin1) return LikeMatch(v.s, cc_->latin1, false);
    return false;
  }

  bool Matches(const Value& v) {
    if (!cc_->regex) return false;
    if (v.kind == Value::Kind::kString) {
      if (IsAscii(v.s)) return cc_->regex->SearchUtf8(v.s);
      return cc_->regex->SearchUtf8(NormalizeNfc(v.s));
    }
    if (v.kind == Value::Kind::kBinary && cc_->pattern_latin1) return cc_->regex->SearchLatin1(v.s);
    return false;
  }

  bool Subnet(const Value& v, bool subset) {
    if (v.kind != Value::Kind::kString) return false;
    auto value = Cidr::ParseMasked(v.s);
    if (!value.ok()) return false;
    return subset ? cc_->cidr.Contains(*value) : value->Contains(cc_->cidr);
  }

  const Observation& obs_;
  EvalScratch& scratch_;
  const CompiledComparison* cc_ = nullptr;
  std::optional<Error> error_;
};

Result<CompiledComparison> CompileComparison(const Comparison& c) {
  CompiledComparison cc;
  cc.source = &c;
  if (c.value.kind == Literal::Kind::kString) {
    if (c.op == CompareOp::kLike) {
      cc.like_nfc = NormalizeNfc(c.value.bytes);
      cc.pattern_latin1 = Utf8ToLatin1(cc.like_nfc, cc.latin1);
    } else if (c.op == CompareOp::kMatches) {
      std::string nfc = NormalizeNfc(c.value.bytes);
      BW_ASSIGN_OR_RETURN(cc.regex, Regex::Compile(nfc));
      cc.pattern_latin1 = Utf8ToLatin1(nfc, cc.latin1);
    } else if (c.op == CompareOp::kIsSubset || c.op == CompareOp::kIsSuperset) {
      BW_ASSIGN_OR_RETURN(cc.cidr, Cidr::ParseMasked(c.value.bytes));
    } else {
      cc.pattern_latin1 = Utf8ToLatin1(c.value.bytes, cc.latin1);
    }
  }
  return cc;
}

}  // namespace

bool LikeMatch(std::string_view text, std::string_view pattern, bool utf8) {
  // Iterative wildcard matching with one backtrack point (the last '%'): O(len(text) * len(pattern)).
  auto unit = [&](std::string_view s, size_t i) -> size_t {
    if (!utf8) return 1;
    auto c = static_cast<uint8_t>(s[i]);
    size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    return std::min(n, s.size() - i);
  };
  size_t t = 0, p = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '%') {
      star_p = ++p;
      star_t = t;
      continue;
    }
    if (p < pattern.size() && pattern[p] == '_') {
      t += unit(text, t);
      ++p;
      continue;
    }
    if (p < pattern.size()) {
      size_t n = unit(pattern, p);
      if (text.compare(t, n, pattern.substr(p, n)) == 0) {
        t += n;
        p += n;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    star_t += unit(text, star_t);
    t = star_t;
    p = star_p;
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

Result<CompiledCompExpr> CompileComparisonExpr(const ComparisonExpr& expr) {
  CompiledCompExpr out;
  out.kind = expr.kind;
  if (expr.kind == ComparisonExpr::Kind::kComparison) {
    BW_ASSIGN_OR_RETURN(out.comparison, CompileComparison(expr.comparison));
    return out;
  }
  for (const auto& c : expr.children) {
    BW_ASSIGN_OR_RETURN(CompiledCompExpr child, CompileComparisonExpr(c));
    out.children.push_back(std::move(child));
  }
  return out;
}

Result<bool> EvalOnRoot(const CompiledCompExpr& expr, const json::value& root, const Observation& obs,
                        EvalScratch& scratch) {
  const json::object* o = root.if_object();
  if (o == nullptr) return false;
  const json::value* type = o->if_contains("type");
  if (type == nullptr || !type->is_string()) return false;
  Evaluator ev(obs, scratch);
  return ev.Expr(expr, root, std::string_view(type->get_string()));
}

}  // namespace bulwark::stix::pattern
