#include "expand/eval.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>

#include "check/schema.h"

namespace mon {

void Scope::define(const std::string& name, Value v, Range at, DiagEngine& diags, bool) {
  auto it = names_.find(name);
  if (it != names_.end()) {
    diags.report(at, diag::err_redefined_name, {name}).note(it->second.at, "first defined here");
    return;
  }
  names_.emplace(name, Binding{std::move(v), at});
}

const Value* Scope::lookup(const std::string& name) const {
  for (const Scope* s = this; s; s = s->parent_) {
    auto it = s->names_.find(name);
    if (it != s->names_.end()) return &it->second.value;
  }
  return nullptr;
}

void Scope::defineTemplate(const std::string& name, const ast::Stmt* st, Scope* where, DiagEngine& diags) {
  auto it = templates_.find(name);
  if (it != templates_.end()) {
    if (it->second.stmt == st) return;  // the same file imported twice
    diags.report(st->nameRange, diag::err_redefined_template, {name}).note(it->second.stmt->nameRange, "first defined here");
    return;
  }
  templates_[name] = TemplateDef{st, where};
}

const TemplateDef* Scope::findTemplate(const std::string& name) const {
  for (const Scope* s = this; s; s = s->parent_) {
    auto it = s->templates_.find(name);
    if (it != s->templates_.end()) return &it->second;
  }
  return nullptr;
}

void Scope::importFrom(const Scope& other) {
  for (const auto& [n, b] : other.names_) names_.emplace(n, b);
  for (const auto& [n, t] : other.templates_) templates_.emplace(n, t);
}

std::string Scope::closestName(const std::string& name) const {
  std::vector<std::string> all;
  for (const Scope* s = this; s; s = s->parent_)
    for (const auto& [n, b] : s->names_) all.push_back(n);
  std::sort(all.begin(), all.end());
  return closestMatch(name, all);
}

std::string Scope::closestTemplate(const std::string& name) const {
  std::vector<std::string> all;
  for (const Scope* s = this; s; s = s->parent_)
    for (const auto& [n, t] : s->templates_) all.push_back(n);
  std::sort(all.begin(), all.end());
  return closestMatch(name, all);
}

Value Evaluator::eval(const ast::Expr& e, const Scope& scope) {
  if (depth_ >= kMaxEvalDepth) {
    diags_.report(e.range, diag::err_nesting_too_deep, {std::to_string(kMaxEvalDepth)});
    return fail(e.range);  // the callers above only pass the failure on
  }
  struct Depth {
    int& d;
    explicit Depth(int& x) : d(x) { ++d; }
    ~Depth() { --d; }
  } depth(depth_);
  Value v;
  v.range = e.range;
  switch (e.kind) {
    case ast::ExprKind::Error: return fail(e.range);
    case ast::ExprKind::Null: return v;
    case ast::ExprKind::Bool:
      v.kind = ValueKind::Bool;
      v.boolean = e.boolean;
      return v;
    case ast::ExprKind::Number:
      v.kind = ValueKind::Number;
      v.number = e.number;
      return v;
    case ast::ExprKind::Duration:
      v.kind = ValueKind::Duration;
      v.durationMs = e.durationMs;
      return v;
    case ast::ExprKind::String: return string(e, scope);
    case ast::ExprKind::Ident: return ident(e, scope);
    case ast::ExprKind::List:
      if (!charge(0, e.items.size(), e.range)) return fail(e.range);
      v.kind = ValueKind::List;
      v.items.reserve(e.items.size());
      for (const auto& item : e.items) {
        v.items.push_back(eval(*item, scope));
        if (failed(v.items.back())) return fail(e.range);
      }
      return v;
    case ast::ExprKind::Map:
      if (!charge(0, e.entries.size(), e.range)) return fail(e.range);
      v.kind = ValueKind::Map;
      for (const auto& entry : e.entries) {
        if (!entry.value) return fail(e.range);
        Value item = eval(*entry.value, scope);
        if (failed(item)) return fail(e.range);
        for (size_t i = 0; i < v.entries.size(); ++i)
          if (v.entries[i].first == entry.key) {
            diags_.report(entry.keyRange, diag::err_duplicate_field, {entry.key}).note(v.keyRanges[i], "first set here");
            return fail(e.range);
          }
        v.entries.emplace_back(entry.key, std::move(item));
        v.keyRanges.push_back(entry.keyRange);
      }
      return v;
    case ast::ExprKind::Member: return member(e, scope);
    case ast::ExprKind::Index: return index(e, scope);
    case ast::ExprKind::Call: return call(e, scope);
    case ast::ExprKind::Unary: return unary(e, scope);
    case ast::ExprKind::Binary: return binary(e, scope);
  }
  return fail(e.range);
}

bool Evaluator::toText(const Value& v, std::string& out, Range at) {
  switch (v.kind) {
    case ValueKind::String: out += v.str; return true;
    case ValueKind::Number: out += formatNumber(v.number); return true;
    case ValueKind::Bool: out += v.boolean ? "true" : "false"; return true;
    case ValueKind::Duration: out += formatDurationMs(v.durationMs); return true;
    case ValueKind::Word: {
      auto b = diags_.report(v.range, diag::err_undefined_name, {v.str});
      if (!v.suggestion.empty()) b.note(Range{}, "did you mean '" + v.suggestion + "'?").fix(v.range, v.suggestion);
      return false;
    }
    default:
      diags_.report(at, diag::err_cannot_interpolate, {describe(v.kind)});
      return false;
  }
}

Value Evaluator::string(const ast::Expr& e, const Scope& scope) {
  Value v;
  v.kind = ValueKind::String;
  v.range = e.range;
  for (const auto& part : e.parts) {
    if (!part.expr) {
      v.str += part.text;
      continue;
    }
    Value inner = eval(*part.expr, scope);
    if (failed(inner) || !toText(inner, v.str, part.expr->range)) return fail(e.range);
    if (tooLarge(v, e.range)) return fail(e.range);
  }
  // A plain literal is bounded by the source; only text put together here counts.
  if (e.parts.size() > 1 || (e.parts.size() == 1 && e.parts[0].expr))
    if (!charge(v.str.size(), 0, e.range)) return fail(e.range);
  return v;
}

bool Evaluator::tooLarge(const Value& v, Range at) {
  if (v.kind == ValueKind::String && v.str.size() > kMaxStringBytes) {
    diags_.report(at, diag::err_value_too_large, {"string", std::to_string(kMaxStringBytes) + " bytes"});
    return true;
  }
  if (v.kind == ValueKind::List && v.items.size() > kMaxListItems) {
    diags_.report(at, diag::err_value_too_large, {"list", std::to_string(kMaxListItems) + " elements"});
    return true;
  }
  return false;
}

bool Evaluator::charge(uint64_t textBytes, uint64_t elements, Range at) {
  if (exhausted_) return false;  // reported once; what follows only unwinds
  textBytes_ += textBytes;
  elements_ += elements;
  if (textBytes_ <= kMaxEvalTextBytes && elements_ <= kMaxEvalElements) return true;
  exhausted_ = true;
  diags_.report(at, diag::err_eval_budget,
                {textBytes_ > kMaxEvalTextBytes ? std::to_string(kMaxEvalTextBytes >> 20) + " MiB of text"
                                                : std::to_string(kMaxEvalElements) + " list and map elements"});
  return false;
}

namespace {
// The size of a value written out in full, each shared list or map computed once. Saturates
// far above the budget, so 2^63 leaves do not overflow.
struct ExpandedSize {
  uint64_t text = 0, elements = 0;
};
constexpr uint64_t kSaturated = uint64_t(1) << 62;

void add(ExpandedSize& to, const ExpandedSize& x) {
  to.text = std::min(kSaturated, to.text + x.text);
  to.elements = std::min(kSaturated, to.elements + x.elements);
}

ExpandedSize expandedSize(const Value& v, std::unordered_map<const void*, ExpandedSize>& memo) {
  ExpandedSize out;
  if (v.kind == ValueKind::String || v.kind == ValueKind::Word) out.text = v.str.size();
  if (v.kind != ValueKind::List && v.kind != ValueKind::Map) return out;
  const void* id = v.kind == ValueKind::List ? v.items.identity() : v.entries.identity();
  if (!id) return out;
  auto known = memo.find(id);
  if (known != memo.end()) return known->second;
  if (v.kind == ValueKind::List) {
    out.elements = v.items.size();
    for (const Value& item : v.items) add(out, expandedSize(item, memo));
  } else {
    out.elements = v.entries.size();
    for (const auto& [k, item] : v.entries) add(out, {k.size(), 0}), add(out, expandedSize(item, memo));
  }
  memo.emplace(id, out);
  return out;
}
}  // namespace

bool Evaluator::admit(const Value& v, Range at) {
  if (failed(v)) return true;  // reported where it failed
  std::unordered_map<const void*, ExpandedSize> memo;
  ExpandedSize size = expandedSize(v, memo);
  return charge(size.text, size.elements, at);
}

Value Evaluator::ident(const ast::Expr& e, const Scope& scope) {
  if (const Value* found = scope.lookup(e.text)) {
    if (!charge(found->str.size(), 0, e.range)) return fail(e.range);  // the copy below
    Value v = *found;
    v.range = e.range;  // diagnostics point at the use; the definition is one jump away
    return v;
  }
  // Not a variable: a bare word, meaningful only as an enum value (checked later).
  Value w;
  w.kind = ValueKind::Word;
  w.str = e.text;
  w.range = e.range;
  if (!schema::isEnumWord(e.text)) w.suggestion = scope.closestName(e.text);
  return w;
}

Value Evaluator::member(const ast::Expr& e, const Scope& scope) {
  const ast::Expr& base = *e.items[0];
  if (base.kind == ast::ExprKind::Ident && base.text == "var" && !scope.lookup("var")) {
    auto it = variables.find(e.text);
    if (it == variables.end()) {
      auto b = diags_.report(e.range, diag::err_undefined_variable, {e.text});
      std::vector<std::string> names;
      for (const auto& [n, info] : variables) names.push_back(n);
      std::string close = closestMatch(e.text, names);
      if (!close.empty()) b.note(Range{}, "did you mean 'var." + close + "'?");
      else b.note(Range{}, "declare it with: variable \"" + e.text + "\" { default = \"...\" }");
      return fail(e.range);
    }
    if (!it->second.hasValue) {
      diags_.report(e.range, diag::err_variable_not_set, {e.text})
          .note(it->second.declared, "declared here without a default; pass --var " + e.text + "=VALUE");
      return fail(e.range);
    }
    Value v = it->second.value;
    v.range = e.range;
    return v;
  }
  Value obj = eval(base, scope);
  if (failed(obj)) return obj;
  if (obj.kind != ValueKind::Map) {
    if (obj.kind == ValueKind::Word) return toText(obj, obj.str, e.range), fail(e.range);
    diags_.report(base.range, diag::err_type_mismatch, {"a map before '.'", describe(obj.kind)});
    return fail(e.range);
  }
  if (const Value* found = obj.find(e.text)) return *found;
  diags_.report(e.range, diag::err_no_such_key, {e.text});
  return fail(e.range);
}

Value Evaluator::index(const ast::Expr& e, const Scope& scope) {
  Value obj = eval(*e.items[0], scope);
  Value key = eval(*e.items[1], scope);
  if (failed(obj) || failed(key)) return fail(e.range);
  if (obj.kind == ValueKind::List) {
    if (key.kind != ValueKind::Number || key.number != std::floor(key.number)) {
      diags_.report(key.range, diag::err_type_mismatch, {"a whole number index", describe(key.kind)});
      return fail(e.range);
    }
    if (key.number < 0 || key.number >= static_cast<double>(obj.items.size())) {
      diags_.report(key.range, diag::err_index_out_of_range, {formatNumber(key.number), std::to_string(obj.items.size())});
      return fail(e.range);
    }
    return obj.items[static_cast<size_t>(key.number)];
  }
  if (obj.kind == ValueKind::Map) {
    if (key.kind != ValueKind::String) {
      diags_.report(key.range, diag::err_type_mismatch, {"a string key", describe(key.kind)});
      return fail(e.range);
    }
    if (const Value* found = obj.find(key.str)) return *found;
    diags_.report(key.range, diag::err_no_such_key, {key.str});
    return fail(e.range);
  }
  diags_.report(e.items[0]->range, diag::err_type_mismatch, {"a list or a map", describe(obj.kind)});
  return fail(e.range);
}

// A few pure functions, enough for names and memos; the language stays declarative.
Value Evaluator::call(const ast::Expr& e, const Scope& scope) {
  const ast::Expr& callee = *e.items[0];
  if (callee.kind != ast::ExprKind::Ident) {
    diags_.report(callee.range, diag::err_type_mismatch, {"a function name", "an expression"});
    return fail(e.range);
  }
  std::vector<Value> args;
  for (const auto& a : e.args) {
    if (!a.name.empty()) {
      diags_.report(a.nameRange, diag::err_function_args, {callee.text, "positional arguments only"});
      return fail(e.range);
    }
    args.push_back(a.value ? eval(*a.value, scope) : Value{});
    if (failed(args.back())) return fail(e.range);
  }
  Value out;
  out.range = e.range;
  const std::string& fn = callee.text;
  auto wantStrings = [&](size_t n) {
    if (args.size() != n) return false;
    for (const auto& a : args)
      if (a.kind != ValueKind::String) return false;
    return true;
  };
  if (fn == "lower" || fn == "upper") {
    if (!wantStrings(1)) {
      diags_.report(e.range, diag::err_function_args, {fn, "one string"});
      return fail(e.range);
    }
    out.kind = ValueKind::String;
    out.str = args[0].str;
    if (!charge(out.str.size(), 0, e.range)) return fail(e.range);
    for (char& c : out.str) c = fn == "lower" ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                                              : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
  }
  if (fn == "join") {
    if (args.size() != 2 || args[0].kind != ValueKind::List || args[1].kind != ValueKind::String) {
      diags_.report(e.range, diag::err_function_args, {fn, "a list and a separator string"});
      return fail(e.range);
    }
    out.kind = ValueKind::String;
    for (size_t i = 0; i < args[0].items.size(); ++i) {
      if (i) out.str += args[1].str;
      if (!toText(args[0].items[i], out.str, args[0].items[i].range)) return fail(e.range);
      if (tooLarge(out, e.range)) return fail(e.range);
    }
    if (!charge(out.str.size(), 0, e.range)) return fail(e.range);
    return out;
  }
  if (fn == "length") {
    if (args.size() != 1 || (args[0].kind != ValueKind::List && args[0].kind != ValueKind::Map && args[0].kind != ValueKind::String)) {
      diags_.report(e.range, diag::err_function_args, {fn, "one list, map or string"});
      return fail(e.range);
    }
    out.kind = ValueKind::Number;
    out.number = static_cast<double>(args[0].kind == ValueKind::List ? args[0].items.size()
                                     : args[0].kind == ValueKind::Map ? args[0].entries.size()
                                                                      : utf8Length(args[0].str));
    return out;
  }
  if (fn == "concat") {
    out.kind = ValueKind::List;
    for (const auto& a : args) {
      if (a.kind != ValueKind::List) {
        diags_.report(a.range, diag::err_function_args, {fn, "lists"});
        return fail(e.range);
      }
      if (out.items.size() + a.items.size() > kMaxListItems) {
        diags_.report(e.range, diag::err_value_too_large, {"list", std::to_string(kMaxListItems) + " elements"});
        return fail(e.range);
      }
      if (!charge(0, a.items.size(), e.range)) return fail(e.range);
      out.items.append(a.items.begin(), a.items.end());
    }
    return out;
  }
  auto b = diags_.report(callee.range, diag::err_unknown_function, {fn});
  std::string close = closestMatch(fn, {"concat", "join", "length", "lower", "upper"});
  if (!close.empty()) b.note(Range{}, "did you mean '" + close + "'?").fix(callee.range, close);
  return fail(e.range);
}

Value Evaluator::unary(const ast::Expr& e, const Scope& scope) {
  Value v = eval(*e.items[0], scope);
  if (failed(v)) return v;
  if (e.text == "!") {
    if (v.kind != ValueKind::Bool) {
      diags_.report(e.items[0]->range, diag::err_type_mismatch, {"a boolean after '!'", describe(v.kind)});
      return fail(e.range);
    }
    v.boolean = !v.boolean;
  } else if (v.kind == ValueKind::Number) {
    v.number = -v.number;
  } else if (v.kind == ValueKind::Duration) {
    v.durationMs = -v.durationMs;
  } else {
    diags_.report(e.items[0]->range, diag::err_type_mismatch, {"a number after '-'", describe(v.kind)});
    return fail(e.range);
  }
  v.range = e.range;
  return v;
}

namespace {
// Values share their lists and maps (`let b = [a, a]` holds `a` twice without copying), so a
// few lets make a structure of 2^N leaves. Equality visits each pair of shared vectors once:
// the same storage is equal at once, and a pair already found equal is not compared again.
struct SameValue {
  std::set<std::pair<const void*, const void*>> equal;

  bool operator()(const Value& a, const Value& b) {
    if (a.kind != b.kind) return false;
    switch (a.kind) {
      case ValueKind::Null: return true;
      case ValueKind::Bool: return a.boolean == b.boolean;
      case ValueKind::Number: return a.number == b.number;
      case ValueKind::Duration: return a.durationMs == b.durationMs;
      case ValueKind::String:
      case ValueKind::Word: return a.str == b.str;
      case ValueKind::List: {
        if (a.items.size() != b.items.size()) return false;
        if (a.items.identity() == b.items.identity() || equal.count({a.items.identity(), b.items.identity()})) return true;
        for (size_t i = 0; i < a.items.size(); ++i)
          if (!(*this)(a.items[i], b.items[i])) return false;
        equal.insert({a.items.identity(), b.items.identity()});
        return true;
      }
      case ValueKind::Map: {
        if (a.entries.size() != b.entries.size()) return false;
        if (a.entries.identity() == b.entries.identity() || equal.count({a.entries.identity(), b.entries.identity()})) return true;
        for (const auto& [k, v] : a.entries) {
          const Value* o = b.find(k);
          if (!o || !(*this)(v, *o)) return false;
        }
        equal.insert({a.entries.identity(), b.entries.identity()});
        return true;
      }
    }
    return false;
  }
};
}  // namespace

Value Evaluator::binary(const ast::Expr& e, const Scope& scope) {
  Value l = eval(*e.items[0], scope);
  if (failed(l)) return l;
  Value out;
  out.kind = ValueKind::Bool;
  out.range = e.range;
  if (e.text == "&&" || e.text == "||") {
    if (l.kind != ValueKind::Bool) {
      diags_.report(e.items[0]->range, diag::err_bad_operands, {e.text, describe(l.kind), "a boolean"});
      return fail(e.range);
    }
    if ((e.text == "&&" && !l.boolean) || (e.text == "||" && l.boolean)) return out.boolean = l.boolean, out;
    Value r = eval(*e.items[1], scope);
    if (failed(r)) return r;
    if (r.kind != ValueKind::Bool) {
      diags_.report(e.items[1]->range, diag::err_bad_operands, {e.text, "a boolean", describe(r.kind)});
      return fail(e.range);
    }
    out.boolean = r.boolean;
    return out;
  }
  Value r = eval(*e.items[1], scope);
  if (failed(r)) return r;
  for (const Value* side : {&l, &r})
    if (side->kind == ValueKind::Word) {
      auto b = diags_.report(side->range, diag::err_undefined_name, {side->str});
      if (!side->suggestion.empty()) b.note(Range{}, "did you mean '" + side->suggestion + "'?");
      b.note(Range{}, "write a string in quotes to compare with text");
      return fail(e.range);
    }
  if (e.text == "==" || e.text == "!=") {
    out.boolean = SameValue{}(l, r) == (e.text == "==");
    return out;
  }
  double a, b;
  if (l.kind == ValueKind::Number && r.kind == ValueKind::Number) a = l.number, b = r.number;
  else if (l.kind == ValueKind::Duration && r.kind == ValueKind::Duration) a = double(l.durationMs), b = double(r.durationMs);
  else if (l.kind == ValueKind::String && r.kind == ValueKind::String) {
    int c = l.str.compare(r.str);
    a = c, b = 0;
  } else {
    diags_.report(e.range, diag::err_bad_operands, {e.text, describe(l.kind), describe(r.kind)});
    return fail(e.range);
  }
  out.boolean = e.text == "<" ? a < b : e.text == ">" ? a > b : e.text == "<=" ? a <= b : a >= b;
  return out;
}

}  // namespace mon
