#include "stix/pattern/parser.h"

#include <utility>
#include <vector>

#include "common/ip.h"
#include "stix/pattern/lexer.h"
#include "stix/pattern/regex.h"

namespace bulwark::stix::pattern {
namespace {

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

  Result<Pattern> Run() {
    Pattern p;
    BW_ASSIGN_OR_RETURN(p.root, FollowedBy());
    if (Cur().kind != TokenKind::kEnd) return Unexpected("FOLLOWEDBY, AND, OR, a qualifier or end of input");
    return p;
  }

 private:
  const Token& Cur() const { return t_[pos_]; }
  bool At(TokenKind k) const { return Cur().kind == k; }
  bool Accept(TokenKind k) {
    if (!At(k)) return false;
    ++pos_;
    return true;
  }

  static std::string Describe(const Token& t) {
    if (t.kind == TokenKind::kEnd) return "end of input";
    std::string text = t.text.size() > 40 ? t.text.substr(0, 40) + "..." : t.text;
    return "'" + text + "'";
  }
  Error ErrorAt(const Token& t, const std::string& what) const {
    return MakeError(ErrorCode::kInvalid, what + " at column " + std::to_string(t.column));
  }
  Error Unexpected(const std::string& expected) const {
    return ErrorAt(Cur(), "expected " + expected + " but found " + Describe(Cur()));
  }
  Status Expect(TokenKind k) {
    if (Accept(k)) return Ok();
    return Unexpected(TokenKindName(k));
  }
  Status Enter() {
    if (++depth_ > kMaxNestingDepth) {
      return ErrorAt(Cur(), "pattern nested deeper than " + std::to_string(kMaxNestingDepth) + " levels");
    }
    return Ok();
  }

  // ---- observation expressions ----

  template <typename Node, typename Sub>
  Result<Node> NAry(TokenKind op, typename Node::Kind kind, Sub sub) {
    BW_ASSIGN_OR_RETURN(Node first, (this->*sub)());
    if (!At(op)) return first;
    Node node;
    node.kind = kind;
    auto add = [&](Node&& child) {
      if (child.kind == kind) {
        for (auto& c : child.children) node.children.push_back(std::move(c));
      } else {
        node.children.push_back(std::move(child));
      }
    };
    add(std::move(first));
    while (Accept(op)) {
      BW_ASSIGN_OR_RETURN(Node next, (this->*sub)());
      add(std::move(next));
    }
    return node;
  }

  Result<ObservationExpr> FollowedBy() {
    return NAry<ObservationExpr>(TokenKind::kFollowedBy, ObservationExpr::Kind::kFollowedBy, &Parser::ObsOr);
  }
  Result<ObservationExpr> ObsOr() {
    return NAry<ObservationExpr>(TokenKind::kOr, ObservationExpr::Kind::kOr, &Parser::ObsAnd);
  }
  Result<ObservationExpr> ObsAnd() {
    return NAry<ObservationExpr>(TokenKind::kAnd, ObservationExpr::Kind::kAnd, &Parser::Qualified);
  }

  Result<ObservationExpr> Qualified() {
    int saved_depth = depth_;
    BW_ASSIGN_OR_RETURN(ObservationExpr e, ObsPrimary());
    while (At(TokenKind::kWithin) || At(TokenKind::kRepeats) || At(TokenKind::kStart)) {
      BW_RETURN_IF_ERROR(Enter());
      ObservationExpr q;
      const Token& kw = Cur();
      ++pos_;
      if (kw.kind == TokenKind::kWithin) {
        q.kind = ObservationExpr::Kind::kWithin;
        BW_ASSIGN_OR_RETURN(q.within_seconds, WithinValue());
        BW_RETURN_IF_ERROR(Expect(TokenKind::kSeconds));
      } else if (kw.kind == TokenKind::kRepeats) {
        q.kind = ObservationExpr::Kind::kRepeats;
        BW_ASSIGN_OR_RETURN(q.repeats, RepeatsValue());
        BW_RETURN_IF_ERROR(Expect(TokenKind::kTimes));
      } else {
        q.kind = ObservationExpr::Kind::kStartStop;
        const Token& start_tok = Cur();
        BW_ASSIGN_OR_RETURN(q.start, TimestampValue());
        BW_RETURN_IF_ERROR(Expect(TokenKind::kStop));
        BW_ASSIGN_OR_RETURN(q.stop, TimestampValue());
        if (!(q.start < q.stop)) return ErrorAt(start_tok, "START must be earlier than STOP");
      }
      q.children.push_back(std::move(e));
      e = std::move(q);
    }
    depth_ = saved_depth;
    return e;
  }

  Result<double> WithinValue() {
    const Token& t = Cur();
    if (t.kind != TokenKind::kLiteral || !t.literal.is_numeric() || t.negative) {
      return Unexpected("a positive number of seconds");
    }
    ++pos_;
    double v = t.literal.kind == Literal::Kind::kInt ? static_cast<double>(t.literal.int_value)
                                                     : t.literal.float_value;
    if (!(v > 0)) return ErrorAt(t, "WITHIN needs a positive number of seconds");
    if (v > kMaxWithinSeconds) return ErrorAt(t, "WITHIN value too large");
    return v;
  }

  Result<int64_t> RepeatsValue() {
    const Token& t = Cur();
    if (t.kind != TokenKind::kLiteral || t.literal.kind != Literal::Kind::kInt || t.negative) {
      return Unexpected("a positive integer");
    }
    ++pos_;
    if (t.literal.int_value < 1) return ErrorAt(t, "REPEATS needs a count of at least 1");
    if (t.literal.int_value > kMaxRepeats) {
      return ErrorAt(t, "REPEATS count above " + std::to_string(kMaxRepeats));
    }
    return t.literal.int_value;
  }

  Result<Timestamp> TimestampValue() {
    const Token& t = Cur();
    if (t.kind != TokenKind::kLiteral || t.literal.kind != Literal::Kind::kTimestamp) {
      return Unexpected("a timestamp literal t'...'");
    }
    ++pos_;
    return t.literal.timestamp;
  }

  Result<ObservationExpr> ObsPrimary() {
    BW_RETURN_IF_ERROR(Enter());
    ObservationExpr e;
    if (Accept(TokenKind::kLBracket)) {
      e.kind = ObservationExpr::Kind::kObservation;
      BW_ASSIGN_OR_RETURN(e.comparison, CompOr());
      BW_RETURN_IF_ERROR(Expect(TokenKind::kRBracket));
    } else if (Accept(TokenKind::kLParen)) {
      BW_ASSIGN_OR_RETURN(e, FollowedBy());
      BW_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    } else {
      return Unexpected("'[' or '('");
    }
    --depth_;
    return e;
  }

  // ---- comparison expressions ----

  Result<ComparisonExpr> CompOr() {
    return NAry<ComparisonExpr>(TokenKind::kOr, ComparisonExpr::Kind::kOr, &Parser::CompAnd);
  }
  Result<ComparisonExpr> CompAnd() {
    return NAry<ComparisonExpr>(TokenKind::kAnd, ComparisonExpr::Kind::kAnd, &Parser::PropTest);
  }

  Result<ComparisonExpr> PropTest() {
    if (Accept(TokenKind::kLParen)) {
      BW_RETURN_IF_ERROR(Enter());
      BW_ASSIGN_OR_RETURN(ComparisonExpr inner, CompOr());
      BW_RETURN_IF_ERROR(Expect(TokenKind::kRParen));
      --depth_;
      return inner;
    }
    ComparisonExpr e;
    Comparison& c = e.comparison;
    if (At(TokenKind::kNot) || At(TokenKind::kExists)) {
      c.negated = Accept(TokenKind::kNot);
      BW_RETURN_IF_ERROR(Expect(TokenKind::kExists));
      c.op = CompareOp::kExists;
      BW_ASSIGN_OR_RETURN(c.path, Path());
      return e;
    }
    BW_ASSIGN_OR_RETURN(c.path, Path());
    c.negated = Accept(TokenKind::kNot);
    const Token& op = Cur();
    switch (op.kind) {
      case TokenKind::kEq: c.op = CompareOp::kEqual; break;
      case TokenKind::kNeq: c.op = CompareOp::kNotEqual; break;
      case TokenKind::kLt: c.op = CompareOp::kLess; break;
      case TokenKind::kLe: c.op = CompareOp::kLessEqual; break;
      case TokenKind::kGt: c.op = CompareOp::kGreater; break;
      case TokenKind::kGe: c.op = CompareOp::kGreaterEqual; break;
      case TokenKind::kIn: c.op = CompareOp::kIn; break;
      case TokenKind::kLike: c.op = CompareOp::kLike; break;
      case TokenKind::kMatches: c.op = CompareOp::kMatches; break;
      case TokenKind::kIsSubset: c.op = CompareOp::kIsSubset; break;
      case TokenKind::kIsSuperset: c.op = CompareOp::kIsSuperset; break;
      default: return Unexpected("a comparison operator");
    }
    ++pos_;
    if (c.op == CompareOp::kIn) {
      BW_ASSIGN_OR_RETURN(c.set, SetLiteral());
      return e;
    }
    const Token& lit = Cur();
    if (lit.kind != TokenKind::kLiteral) return Unexpected("a literal");
    ++pos_;
    c.value = lit.literal;
    BW_RETURN_IF_ERROR(CheckOperand(c, lit));
    return e;
  }

  Status CheckOperand(const Comparison& c, const Token& lit) {
    switch (c.op) {
      case CompareOp::kLess:
      case CompareOp::kLessEqual:
      case CompareOp::kGreater:
      case CompareOp::kGreaterEqual:
        if (c.value.kind == Literal::Kind::kBool) return ErrorAt(lit, "ordering comparison with a boolean");
        return Ok();
      case CompareOp::kLike:
      case CompareOp::kMatches:
      case CompareOp::kIsSubset:
      case CompareOp::kIsSuperset:
        if (c.value.kind != Literal::Kind::kString) {
          return ErrorAt(lit, std::string(CompareOpName(c.op)) + " needs a string literal");
        }
        if (c.op == CompareOp::kMatches) {
          auto re = Regex::Compile(c.value.bytes);
          if (!re.ok()) return ErrorAt(lit, re.error().message);
        }
        if (c.op == CompareOp::kIsSubset || c.op == CompareOp::kIsSuperset) {
          if (!Cidr::ParseMasked(c.value.bytes).ok()) {
            return ErrorAt(lit, std::string(CompareOpName(c.op)) + " needs an IP address or CIDR prefix");
          }
        }
        return Ok();
      default:
        return Ok();
    }
  }

  static int KindClass(const Literal& l) { return l.is_numeric() ? -1 : static_cast<int>(l.kind); }

  Result<std::vector<Literal>> SetLiteral() {
    BW_RETURN_IF_ERROR(Expect(TokenKind::kLParen));
    std::vector<Literal> set;
    if (Accept(TokenKind::kRParen)) return set;
    while (true) {
      const Token& lit = Cur();
      if (lit.kind != TokenKind::kLiteral) return Unexpected("a literal");
      ++pos_;
      if (!set.empty() && KindClass(set.front()) != KindClass(lit.literal)) {
        return ErrorAt(lit, "set literal mixes kinds of values");
      }
      set.push_back(lit.literal);
      if (Accept(TokenKind::kRParen)) return set;
      BW_RETURN_IF_ERROR(Expect(TokenKind::kComma));
    }
  }

  Result<ObjectPath> Path() {
    ObjectPath path;
    const Token& type = Cur();
    if (type.kind != TokenKind::kIdentifier) return Unexpected("an object type");
    ++pos_;
    if (type.text.size() > 250 || type.text.find("--") != std::string::npos || type.text.back() == '-') {
      return ErrorAt(type, "invalid object type '" + type.text.substr(0, 60) + "'");
    }
    path.object_type = type.text;
    BW_RETURN_IF_ERROR(Expect(TokenKind::kColon));
    BW_ASSIGN_OR_RETURN(std::string first, Key());
    path.steps.push_back(PathStep{PathStep::Kind::kKey, std::move(first), 0});
    while (true) {
      if (Accept(TokenKind::kDot)) {
        BW_ASSIGN_OR_RETURN(std::string key, Key());
        path.steps.push_back(PathStep{PathStep::Kind::kKey, std::move(key), 0});
      } else if (Accept(TokenKind::kLBracket)) {
        if (Accept(TokenKind::kAsterisk)) {
          path.steps.push_back(PathStep{PathStep::Kind::kAnyIndex, {}, 0});
        } else if (At(TokenKind::kLiteral) && Cur().literal.kind == Literal::Kind::kInt) {
          path.steps.push_back(PathStep{PathStep::Kind::kIndex, {}, Cur().literal.int_value});
          ++pos_;
        } else {
          return Unexpected("a list index or '*'");
        }
        BW_RETURN_IF_ERROR(Expect(TokenKind::kRBracket));
      } else {
        return path;
      }
    }
  }

  Result<std::string> Key() {
    const Token& t = Cur();
    if (t.kind == TokenKind::kIdentifier) {
      if (t.has_hyphen) return ErrorAt(t, "property name '" + t.text.substr(0, 60) + "' must be quoted");
      ++pos_;
      return t.text;
    }
    if (t.kind == TokenKind::kLiteral && t.literal.kind == Literal::Kind::kString) {
      ++pos_;
      return t.literal.bytes;
    }
    return Unexpected("a property name");
  }

  std::vector<Token> t_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

Result<Pattern> Parse(std::string_view text) {
  if (text.size() > kMaxPatternBytes) {
    return MakeError(ErrorCode::kTooLarge, "pattern longer than " + std::to_string(kMaxPatternBytes) + " bytes");
  }
  BW_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(text));
  return Parser(std::move(tokens)).Run();
}

}  // namespace bulwark::stix::pattern
