#pragma once
// Scopes and expression evaluation for the expand pass.
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "ast/ast.h"
#include "diag/diag_engine.h"
#include "expand/value.h"
#include "support/text.h"

namespace mon {

class Scope;

struct TemplateDef {
  const ast::Stmt* stmt = nullptr;
  Scope* scope = nullptr;  // where it was defined: its body sees that scope's names
};

/// Names visible at a point: lets, loop variables, template parameters, templates.
class Scope {
 public:
  explicit Scope(Scope* parent = nullptr) : parent_(parent) {}
  Scope* parent() const { return parent_; }

  void define(const std::string& name, Value v, Range at, DiagEngine& diags, bool markUsed = false);
  const Value* lookup(const std::string& name) const;
  void defineTemplate(const std::string& name, const ast::Stmt* st, Scope* where, DiagEngine& diags);
  const TemplateDef* findTemplate(const std::string& name) const;
  /// Makes an imported file's top-level lets and templates visible here.
  void importFrom(const Scope& other);
  std::string closestName(const std::string& name) const;
  std::string closestTemplate(const std::string& name) const;

 private:
  struct Binding {
    Value value;
    Range at;
  };
  Scope* parent_;
  std::unordered_map<std::string, Binding> names_;
  std::unordered_map<std::string, TemplateDef> templates_;
};

struct VarInfo {
  Value value;
  bool hasValue = false;
  Range declared;
};

/// Deepest expression evaluated. The parser accepts long operator chains (`a.b.c...`,
/// `x || y || ...`; the formatter prints them) and each link is one nested eval() call.
constexpr int kMaxEvalDepth = 1000;
/// Largest string and list a computation may build: strings that interpolate themselves or
/// lists that concat themselves grow exponentially with each `let`.
constexpr size_t kMaxStringBytes = 1 << 20;
constexpr size_t kMaxListItems = 200000;
/// What one compilation's evaluation may produce in all: text interpolated or copied from a
/// variable, and list and map elements built; plus every value handed to a block (a field or a
/// label) counted fully expanded, as the lowering writes it out (`let b = [a, a]` shares `a`, its
/// JSON holds it twice). A few lets that double a value are otherwise exponential in time and
/// memory. The benchmark workloads (10,000 monitors) use 4.7 MB and 19,000 elements.
constexpr uint64_t kMaxEvalTextBytes = uint64_t(256) << 20;
constexpr uint64_t kMaxEvalElements = uint64_t(4) << 20;

class Evaluator {
 public:
  explicit Evaluator(DiagEngine& diags) : diags_(diags) {}
  /// Evaluates an expression; on error reports it and returns a Null marked as failed.
  Value eval(const ast::Expr& e, const Scope& scope);
  bool failed(const Value& v) const { return v.kind == ValueKind::Null && v.str == kFailed; }

  /// Counts a value given to a block (a field or a label) at its fully expanded size; false,
  /// once reported at `at`, when the evaluation budget is spent.
  bool admit(const Value& v, Range at);
  /// The budget is spent: every later evaluation fails, and expansion stops.
  bool exhausted() const { return exhausted_; }

  std::map<std::string, VarInfo> variables;

 private:
  static constexpr const char* kFailed = "\x01" "failed";
  Value fail(Range r) {
    Value v;
    v.range = r;
    v.str = kFailed;
    return v;
  }
  Value string(const ast::Expr& e, const Scope& scope);
  Value ident(const ast::Expr& e, const Scope& scope);
  Value member(const ast::Expr& e, const Scope& scope);
  Value index(const ast::Expr& e, const Scope& scope);
  Value call(const ast::Expr& e, const Scope& scope);
  Value unary(const ast::Expr& e, const Scope& scope);
  Value binary(const ast::Expr& e, const Scope& scope);
  bool toText(const Value& v, std::string& out, Range at);
  bool tooLarge(const Value& v, Range at);
  bool charge(uint64_t textBytes, uint64_t elements, Range at);

  DiagEngine& diags_;
  int depth_ = 0;  // eval() calls on the stack
  uint64_t textBytes_ = 0;
  uint64_t elements_ = 0;
  bool exhausted_ = false;
};

}  // namespace mon
