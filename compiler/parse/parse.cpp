#include "parse/parse.h"

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>
#include <cstring>
#include <typeinfo>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <new>
#include <type_traits>

#include "MonParser.h"
#include "parse/chunks.h"
#include "parse/error_strategy.h"
#include "parse/lexer.h"
#include "parse/token_source.h"
#include "support/memory.h"
#include "support/parallel.h"
#include "support/text.h"

namespace mon {

namespace {

using P = MonParser;
using antlr4::tree::TerminalNode;

// Converts the ANTLR parse tree into our AST. It walks `children` directly and tells nodes
// apart by rule index and token type: the generated accessors use dynamic_cast on every
// child, which was a fifth of the parse time on large inputs. Missing or error nodes become
// ExprKind::Error so later passes can skip them without reporting again.
using antlr4::ParserRuleContext;
using antlr4::tree::ParseTree;

// Node kinds by the address of their type_info: `==` on type_info falls back to strcmp of the
// names whenever the types differ (GCC, types with external linkage), which was 3 % of a large
// build. The runtime's node classes have one type_info each in the process (a default-
// visibility symbol of the runtime library, or of the static binary).
bool isTerminal(ParseTree* t) { return &typeid(*t) == &typeid(antlr4::tree::TerminalNodeImpl); }
bool isError(ParseTree* t) { return &typeid(*t) == &typeid(antlr4::tree::ErrorNodeImpl); }
bool isRule(ParseTree* t) { return !isTerminal(t) && !isError(t); }
size_t tokenType(ParseTree* t) {
  return isTerminal(t) ? static_cast<TerminalNode*>(t)->getSymbol()->getType() : antlr4::Token::INVALID_TYPE;
}
size_t ruleOf(ParseTree* t) { return isRule(t) ? static_cast<ParserRuleContext*>(t)->getRuleIndex() : size_t(-1); }
template <typename T>
T* as(ParseTree* t) {
  return static_cast<T*>(static_cast<ParserRuleContext*>(t));
}

class AstBuilder {
 public:
  // Names and plain literals become views into `text`, which the caller's tree keeps alive;
  // decoded escapes go to `store`.
  AstBuilder(FileId file, std::string_view text, const std::vector<Token>& tokens, ast::TextStore& store,
             DiagEngine& diags)
      : file_(file), text_(text), tokens_(tokens), store_(store), diags_(diags) {}

  /// Converts the statements among `parent`'s children.
  void stmts(ParserRuleContext* parent, ast::List<ast::StmtPtr>& out) {
    for (ParseTree* child : parent->children)
      if (ruleOf(child) == P::RuleStmt)
        if (auto st = stmt(static_cast<ParserRuleContext*>(child))) out.push_back(std::move(st));
  }

 private:
  Range tokenRange(antlr4::Token* t) const {
    // A token of the input carries its offsets: read directly, as this is asked of nearly every
    // node. A token error recovery conjured up (a CommonToken) has no place in the input.
    if (t && &typeid(*t) == &typeid(LiteToken)) {
      const auto* lite = static_cast<const LiteToken*>(t);
      return Range{file_, lite->begin(), lite->end()};
    }
    if (!t || t->getTokenIndex() >= tokens_.size()) return Range{file_, 0, 0};
    const Token& tok = tokens_[t->getTokenIndex()];
    return Range{file_, tok.begin, tok.end};
  }
  Range termRange(ParseTree* t) const { return tokenRange(static_cast<TerminalNode*>(t)->getSymbol()); }
  Range ctxRange(ParserRuleContext* c) const {
    Range b = tokenRange(c->getStart());
    Range e = c->getStop() ? tokenRange(c->getStop()) : b;
    if (e.end < b.begin) e = b;  // empty rule after an error
    return Range{file_, b.begin, e.end};
  }
  // A real token from the input (not one the error strategy conjured up, not EOF).
  bool present(ParseTree* t) const {
    if (!t || !isTerminal(t)) return false;
    antlr4::Token* sym = static_cast<TerminalNode*>(t)->getSymbol();
    return sym->getTokenIndex() < tokens_.size() && sym->getType() != antlr4::Token::EOF;
  }
  ast::Str textOf(ParseTree* t) const {
    Range r = termRange(t);
    return ast::Str::of(text_.substr(r.begin, r.end - r.begin));
  }
  // The first child that is token `type` / rule `rule`, from index `from`.
  ParseTree* token(ParserRuleContext* c, size_t type, size_t from = 0) const {
    for (size_t i = from; i < c->children.size(); ++i)
      if (tokenType(c->children[i]) == type) return c->children[i];
    return nullptr;
  }
  ParserRuleContext* rule(ParserRuleContext* c, size_t index, size_t from = 0) const {
    for (size_t i = from; i < c->children.size(); ++i)
      if (ruleOf(c->children[i]) == index) return static_cast<ParserRuleContext*>(c->children[i]);
    return nullptr;
  }

  ast::StmtPtr stmt(ParserRuleContext* c) {
    if (c->children.empty()) return nullptr;
    if (tokenType(c->children[0]) == P::IDENT) {
      if (c->children.size() > 1 && tokenType(c->children[1]) == P::ASSIGN) return attribute(c);
      // A name followed by neither '=' nor a block (reported already) is dropped, so later
      // passes do not complain about a block that was never written.
      return rule(c, P::RuleBody) ? block(c) : nullptr;
    }
    if (!isRule(c->children[0])) return nullptr;
    auto* inner = static_cast<ParserRuleContext*>(c->children[0]);
    switch (inner->getRuleIndex()) {
      case P::RuleLetStmt: return let(inner);
      case P::RuleImportStmt: return import(inner);
      case P::RuleUseStmt: return use(inner);
      case P::RuleForStmt: return forStmt(inner);
      case P::RuleIfStmt: return ifStmt(inner);
      case P::RuleTemplateStmt: return templateStmt(inner);
    }
    return nullptr;
  }

  ast::StmtPtr make(ast::StmtKind k, ParserRuleContext* c) {
    auto s = std::make_unique<ast::Stmt>();
    s->kind = k;
    s->range = ctxRange(c);
    return s;
  }
  void setName(ast::Stmt& s, ParseTree* n) {
    if (!present(n)) return;
    s.name = textOf(n);
    s.nameRange = termRange(n);
  }

  // `name = value`: children IDENT ASSIGN expr.
  ast::StmtPtr attribute(ParserRuleContext* c) {
    auto s = make(ast::StmtKind::Attribute, c);
    setName(*s, c->children[0]);
    s->value = expr(rule(c, P::RuleExpr));
    return s;
  }

  // `type label... { body }`: children IDENT (IDENT | string)* body.
  ast::StmtPtr block(ParserRuleContext* c) {
    auto s = make(ast::StmtKind::Block, c);
    setName(*s, c->children[0]);
    for (size_t i = 1; i < c->children.size(); ++i) {
      ParseTree* child = c->children[i];
      if (present(child) && tokenType(child) == P::IDENT) {
        ast::Label label;
        label.range = termRange(child);
        label.isWord = true;
        label.word = textOf(child);
        s->labels.push_back(std::move(label));
      } else if (ruleOf(child) == P::RuleString) {
        ast::Label label;
        label.range = ctxRange(static_cast<ParserRuleContext*>(child));
        label.string = string(static_cast<ParserRuleContext*>(child));
        s->labels.push_back(std::move(label));
      } else if (ruleOf(child) == P::RuleBody) {
        body(static_cast<ParserRuleContext*>(child), *s);
      }
    }
    return s;
  }

  void body(ParserRuleContext* b, ast::Stmt& s) {
    if (!b) return;
    s.bodyRange = ctxRange(b);
    stmts(b, s.body);
  }

  ast::StmtPtr let(ParserRuleContext* c) {
    auto s = make(ast::StmtKind::Let, c);
    setName(*s, token(c, P::IDENT));
    s->value = expr(rule(c, P::RuleExpr));
    return s;
  }

  ast::StmtPtr import(ParserRuleContext* c) {
    auto s = make(ast::StmtKind::Import, c);
    s->value = string(rule(c, P::RuleString));
    if (s->value && s->value->kind == ast::ExprKind::String)
      for (auto& part : s->value->parts)
        if (part.expr) diags_.report(s->value->range, diag::err_import_not_literal);
    return s;
  }

  ast::StmtPtr use(ParserRuleContext* c) {
    auto s = make(ast::StmtKind::Use, c);
    setName(*s, token(c, P::IDENT));
    if (auto* a = rule(c, P::RuleArgList)) s->args = args(a);
    return s;
  }

  ast::StmtPtr forStmt(ParserRuleContext* c) {
    auto s = make(ast::StmtKind::For, c);
    ParseTree* first = token(c, P::IDENT);
    setName(*s, first);
    if (ParseTree* comma = token(c, P::COMMA)) {
      (void)comma;
      ParseTree* second = nullptr;
      bool seenFirst = false;
      for (ParseTree* child : c->children)
        if (tokenType(child) == P::IDENT) {
          if (seenFirst) { second = child; break; }
          seenFirst = true;
        }
      if (present(second)) {
        s->name2 = textOf(second);
        s->name2Range = termRange(second);
      }
    }
    s->value = expr(rule(c, P::RuleExpr));
    body(rule(c, P::RuleBody), *s);
    return s;
  }

  ast::StmtPtr ifStmt(ParserRuleContext* c) {
    auto s = make(ast::StmtKind::If, c);
    s->value = expr(rule(c, P::RuleExpr));
    ParserRuleContext* thenBody = rule(c, P::RuleBody);
    body(thenBody, *s);
    for (size_t i = 0; i < c->children.size(); ++i) {
      if (tokenType(c->children[i]) != P::KW_ELSE) continue;
      s->hasElse = true;
      s->elseRange = termRange(c->children[i]);
      if (auto* elif = rule(c, P::RuleIfStmt, i + 1)) {
        s->elseIsIf = true;
        s->elseBody.push_back(ifStmt(elif));
      } else if (auto* elseBody = rule(c, P::RuleBody, i + 1)) {
        stmts(elseBody, s->elseBody);
      }
      break;
    }
    return s;
  }

  ast::StmtPtr templateStmt(ParserRuleContext* c) {
    auto s = make(ast::StmtKind::Template, c);
    setName(*s, token(c, P::IDENT));
    for (ParseTree* child : c->children) {
      if (ruleOf(child) == P::RuleParam) {
        auto* p = static_cast<ParserRuleContext*>(child);
        ast::Param param;
        if (ParseTree* n = token(p, P::IDENT); present(n)) param.name = textOf(n);
        param.range = ctxRange(p);
        if (auto* e = rule(p, P::RuleExpr)) param.defaultValue = expr(e);
        s->params.push_back(std::move(param));
      } else if (ruleOf(child) == P::RuleBody) {
        body(static_cast<ParserRuleContext*>(child), *s);
      }
    }
    return s;
  }

  ast::List<ast::Arg> args(ParserRuleContext* c) {
    ast::List<ast::Arg> out;
    for (ParseTree* child : c->children) {
      if (ruleOf(child) != P::RuleArg) continue;
      auto* a = static_cast<ParserRuleContext*>(child);
      ast::Arg arg;
      if (a->children.size() >= 2 && tokenType(a->children[1]) == P::ASSIGN && present(a->children[0])) {
        arg.name = textOf(a->children[0]);
        arg.nameRange = termRange(a->children[0]);
      }
      arg.value = expr(rule(a, P::RuleExpr));
      out.push_back(std::move(arg));
    }
    return out;
  }

  ast::ExprPtr newExpr(ast::ExprKind k, ParserRuleContext* c) {
    Range r = ctxRange(c);
    return node(k, r.begin, r.end);
  }

  ast::ExprPtr errorExpr(ParserRuleContext* c) {
    auto e = std::make_unique<ast::Expr>();
    if (c) e->range = ctxRange(c);
    return e;
  }

  // An operand or a combination of operands, with the bytes it covers including prefix
  // operators and parentheses (a parenthesised expression's own range leaves them out).
  struct Operand {
    ast::ExprPtr e;
    uint32_t begin = 0, end = 0;
  };

  // The byte range of child `i` of `c`, a token or a rule context.
  Range childRange(ParserRuleContext* c, size_t i) const {
    ParseTree* t = c->children[i];
    return isRule(t) ? ctxRange(static_cast<ParserRuleContext*>(t)) : termRange(t);
  }

  // A bracketed group at child `open` of `c`: the open token, an optional rule child, the close
  // token. After an error the close token may be missing; `end` is then the last byte read.
  struct Group {
    ParserRuleContext* inner = nullptr;  // the rule between the brackets, if any
    size_t next = 0;                     // index of the first child after the group
    uint32_t end = 0;
  };
  Group group(ParserRuleContext* c, size_t open, size_t closeType) const {
    Group g;
    size_t j = open + 1;
    if (j < c->children.size() && isRule(c->children[j])) g.inner = static_cast<ParserRuleContext*>(c->children[j++]);
    if (j < c->children.size() && tokenType(c->children[j]) == closeType) ++j;
    g.next = j;
    g.end = childRange(c, j - 1).end;
    return g;
  }

  ast::ExprPtr node(ast::ExprKind k, uint32_t begin, uint32_t end) {
    auto e = std::make_unique<ast::Expr>();
    e->kind = k;
    e->range = Range{file_, begin, end};
    return e;
  }

  // `expr` is a right-nested run `operand (op expr)?` (see grammar/MonParser.g4). The run is
  // collected without recursion, then precedence climbing builds the left-associative tree the
  // rest of the compiler expects.
  ast::ExprPtr expr(ParserRuleContext* c) {
    if (!c) return errorExpr(c);
    std::vector<Operand> operands;
    std::vector<size_t> ops;
    for (ParserRuleContext* at = c;;) {
      if (at->exception || at->children.empty()) {
        operands.push_back(Operand{errorExpr(at), ctxRange(at).begin, ctxRange(at).end});
        break;
      }
      size_t i = 0;
      operands.push_back(operand(at, i));
      if (i + 1 < at->children.size() && ruleOf(at->children[i + 1]) == P::RuleExpr) {
        ops.push_back(tokenType(at->children[i]));
        at = static_cast<ParserRuleContext*>(at->children[i + 1]);
        continue;
      }
      if (i < at->children.size()) {  // an operator without its right side, after an error
        ops.push_back(tokenType(at->children[i]));
        operands.push_back(Operand{errorExpr(at), childRange(at, i).end, childRange(at, i).end});
      }
      break;
    }
    size_t next = 0;
    return climb(operands, ops, next, 0).e;
  }

  static int precedence(size_t op) { return op == P::OR ? 1 : op == P::AND ? 2 : 3; }
  static ast::Str spelling(size_t op) {
    switch (op) {
      case P::EQ: return "==";
      case P::NE: return "!=";
      case P::LT: return "<";
      case P::GT: return ">";
      case P::LE: return "<=";
      case P::GE: return ">=";
      case P::AND: return "&&";
      default: return "||";
    }
  }

  // Combines operands[next..] joined by operators of precedence >= minPrec. Recursion depth is
  // bounded by the number of precedence levels, not by the length of the run.
  Operand climb(std::vector<Operand>& operands, const std::vector<size_t>& ops, size_t& next, int minPrec) {
    Operand lhs = std::move(operands[next]);
    while (next < ops.size() && precedence(ops[next]) >= minPrec) {
      size_t op = ops[next++];
      Operand rhs = std::move(operands[next]);
      while (next < ops.size() && precedence(ops[next]) > precedence(op)) {
        operands[next] = std::move(rhs);
        rhs = climb(operands, ops, next, precedence(op) + 1);
      }
      auto e = node(ast::ExprKind::Binary, lhs.begin, rhs.end);
      e->text = spelling(op);
      e->items.push_back(std::move(lhs.e));
      e->items.push_back(std::move(rhs.e));
      lhs = Operand{std::move(e), lhs.begin, rhs.end};
    }
    return lhs;
  }

  // Reads `(NOT | MINUS)* primary postfix*` from the children of `c` starting at `i`, leaving
  // `i` at the first child after it.
  Operand operand(ParserRuleContext* c, size_t& i) {
    auto& ch = c->children;
    size_t firstPrefix = i;
    while (i < ch.size() && (tokenType(ch[i]) == P::NOT || tokenType(ch[i]) == P::MINUS)) ++i;
    size_t lastPrefix = i;
    Operand out;
    if (i >= ch.size()) {
      out.e = errorExpr(c);
      out.begin = out.e->range.begin;
      out.end = out.e->range.end;
    } else {
      out = primary(c, i);
    }
    while (i < ch.size()) {
      size_t t = tokenType(ch[i]);
      if (t == P::DOT) {
        ParseTree* name = i + 1 < ch.size() ? ch[i + 1] : nullptr;
        bool ok = name && present(name) && tokenType(name) == P::IDENT;
        uint32_t end = ok ? termRange(name).end : termRange(ch[i]).end;
        auto e = node(ok ? ast::ExprKind::Member : ast::ExprKind::Error, out.begin, end);
        e->items.push_back(std::move(out.e));
        if (ok) e->text = textOf(name);
        out = Operand{std::move(e), out.begin, end};
        i += ok ? 2 : 1;
      } else if (t == P::LBRACK) {
        Group g = group(c, i, P::RBRACK);
        auto e = node(ast::ExprKind::Index, out.begin, g.end);
        e->items.push_back(std::move(out.e));
        e->items.push_back(g.inner && g.inner->getRuleIndex() == P::RuleExpr ? expr(g.inner) : errorExpr(c));
        out = Operand{std::move(e), out.begin, g.end};
        i = g.next;
      } else if (t == P::LPAREN) {
        Group g = group(c, i, P::RPAREN);
        auto e = node(ast::ExprKind::Call, out.begin, g.end);
        e->items.push_back(std::move(out.e));
        if (g.inner && g.inner->getRuleIndex() == P::RuleArgList) e->args = args(g.inner);
        out = Operand{std::move(e), out.begin, g.end};
        i = g.next;
      } else {
        break;
      }
    }
    // Prefix operators apply to the whole postfix chain, innermost (last written) first.
    for (size_t p = lastPrefix; p-- > firstPrefix;) {
      uint32_t begin = termRange(ch[p]).begin;
      auto e = node(ast::ExprKind::Unary, begin, out.end);
      e->text = tokenType(ch[p]) == P::NOT ? ast::Str("!") : ast::Str("-");
      e->items.push_back(std::move(out.e));
      out = Operand{std::move(e), begin, out.end};
    }
    return out;
  }

  // One primary at child `i` of `c`; advances `i` past it.
  Operand primary(ParserRuleContext* c, size_t& i) {
    auto& ch = c->children;
    ParseTree* t = ch[i];
    Range r = childRange(c, i);
    Operand out{nullptr, r.begin, r.end};
    switch (tokenType(t)) {
      case P::NUMBER: out.e = number(r, t); break;
      case P::DURATION: out.e = duration(r, t); break;
      case P::IDENT:
        out.e = node(ast::ExprKind::Ident, r.begin, r.end);
        out.e->text = textOf(t);
        break;
      case P::KW_TRUE:
      case P::KW_FALSE:
        out.e = node(ast::ExprKind::Bool, r.begin, r.end);
        out.e->boolean = tokenType(t) == P::KW_TRUE;
        break;
      case P::KW_NULL: out.e = node(ast::ExprKind::Null, r.begin, r.end); break;
      case P::LPAREN: {
        Group g = group(c, i, P::RPAREN);
        out.e = g.inner && g.inner->getRuleIndex() == P::RuleExpr ? expr(g.inner) : errorExpr(c);
        out.end = g.end;
        i = g.next;
        return out;
      }
      default:
        switch (ruleOf(t)) {
          case P::RuleString: out.e = string(static_cast<ParserRuleContext*>(t)); break;
          case P::RuleList: out.e = list(static_cast<ParserRuleContext*>(t)); break;
          case P::RuleMap: out.e = map(static_cast<ParserRuleContext*>(t)); break;
          default: out.e = errorExpr(c); break;
        }
    }
    ++i;
    return out;
  }

  ast::ExprPtr number(Range r, ParseTree* tok) {
    auto e = node(ast::ExprKind::Number, r.begin, r.end);
    e->text = textOf(tok);
    auto res = std::from_chars(e->text.data(), e->text.data() + e->text.size(), e->number);
    if (res.ec != std::errc() || res.ptr != e->text.data() + e->text.size()) {
      // Reported by the lexer already when malformed; out of range is ours to say.
      if (res.ec == std::errc::result_out_of_range) diags_.report(e->range, diag::err_bad_number, {e->text.str()});
      e->kind = ast::ExprKind::Error;
    }
    return e;
  }

  ast::ExprPtr duration(Range r, ParseTree* tok) {
    auto e = node(ast::ExprKind::Duration, r.begin, r.end);
    e->text = textOf(tok);
    if (!parseDurationMs(e->text, e->durationMs)) e->kind = ast::ExprKind::Error;  // the lexer reported it
    return e;
  }

  ast::ExprPtr list(ParserRuleContext* c) {
    auto e = newExpr(ast::ExprKind::List, c);
    for (ParseTree* child : c->children)
      if (ruleOf(child) == P::RuleExpr) e->items.push_back(expr(static_cast<ParserRuleContext*>(child)));
    return e;
  }

  ast::ExprPtr map(ParserRuleContext* c) {
    auto e = newExpr(ast::ExprKind::Map, c);
    for (ParseTree* child : c->children) {
      if (ruleOf(child) != P::RuleMapEntry) continue;
      auto* m = static_cast<ParserRuleContext*>(child);
      if (m->children.empty()) continue;
      ast::MapEntry entry;
      if (present(m->children[0])) {
        entry.key = textOf(m->children[0]);
        entry.keyRange = termRange(m->children[0]);
      } else if (ruleOf(m->children[0]) == P::RuleString) {
        ast::ExprPtr key = string(static_cast<ParserRuleContext*>(m->children[0]));
        entry.keyRange = key->range;
        entry.quotedKey = true;
        if (key->kind == ast::ExprKind::String && key->parts.size() <= 1 && (key->parts.empty() || !key->parts[0].expr))
          entry.key = key->parts.empty() ? ast::Str() : key->parts[0].text;
        else
          diags_.report(key->range, diag::err_type_mismatch, {"a plain string key", "an interpolated string"});
      }
      entry.value = expr(rule(m, P::RuleExpr));
      e->entries.push_back(std::move(entry));
    }
    return e;
  }

  ast::ExprPtr string(ParserRuleContext* c) {
    if (!c) return errorExpr(nullptr);
    auto e = newExpr(ast::ExprKind::String, c);
    for (size_t i = 0; i < c->children.size(); ++i) {
      ParseTree* child = c->children[i];
      size_t type = tokenType(child);
      if (type == P::STR_TEXT && present(child)) {
        ast::StringPart part;
        part.range = termRange(child);
        part.text = decode(part.range);
        e->parts.push_back(std::move(part));
      } else if (type == P::INTERP_OPEN) {
        ast::StringPart part;
        part.expr = i + 1 < c->children.size() && ruleOf(c->children[i + 1]) == P::RuleExpr
                        ? expr(static_cast<ParserRuleContext*>(c->children[i + 1]))
                        : errorExpr(c);
        part.range = part.expr->range;
        e->parts.push_back(std::move(part));
      }
    }
    return e;
  }

  // Decodes escapes in a STR_TEXT token, reporting bad ones at their exact place. Text without
  // escapes is the source's own bytes; decoded text is never longer than its spelling, so it is
  // written straight into room of that size in the store.
  ast::Str decode(Range r) {
    std::string_view s = text_.substr(r.begin, r.end - r.begin);
    size_t firstEscape = s.find('\\');
    if (firstEscape == std::string_view::npos) return ast::Str::of(s);
    char* const out = store_.reserve(s.size());
    std::memcpy(out, s.data(), firstEscape);
    size_t n = firstEscape;
    for (size_t i = firstEscape; i < s.size(); ++i) {
      if (s[i] != '\\') {  // copy the run up to the next escape at once
        size_t next = s.find('\\', i);
        if (next == std::string_view::npos) next = s.size();
        std::memcpy(out + n, s.data() + i, next - i);
        n += next - i;
        i = next - 1;
        continue;
      }
      uint32_t at = r.begin + static_cast<uint32_t>(i);
      if (i + 1 >= s.size()) {
        diags_.report(Range{file_, at, at + 1}, diag::err_bad_escape, {""});
        break;
      }
      char c = s[++i];
      switch (c) {
        case 'n': out[n++] = '\n'; break;
        case 't': out[n++] = '\t'; break;
        case 'r': out[n++] = '\r'; break;
        case '"': out[n++] = '"'; break;
        case '\\': out[n++] = '\\'; break;
        case '$': out[n++] = '$'; break;
        case 'u': {
          size_t close = s.find('}', i);
          uint32_t cp = 0;
          bool ok = i + 1 < s.size() && s[i + 1] == '{' && close != std::string_view::npos && close > i + 2 &&
                    close - i - 2 <= 6;
          if (ok) {
            auto res = std::from_chars(s.data() + i + 2, s.data() + close, cp, 16);
            ok = res.ptr == s.data() + close && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
          }
          if (!ok) {
            diags_.report(Range{file_, at, at + 2}, diag::err_bad_unicode_escape);
            break;
          }
          // `\u{X}` is at least five bytes and a code point at most four; one of four bytes
          // needs five hex digits.
          std::string utf8;
          appendUtf8(utf8, cp);
          std::memcpy(out + n, utf8.data(), utf8.size());
          n += utf8.size();
          i = close;
          break;
        }
        default: {
          size_t len = 1;
          while (i + len < s.size() && (static_cast<unsigned char>(s[i + len]) & 0xC0) == 0x80) ++len;
          diags_.report(Range{file_, at, at + 1 + static_cast<uint32_t>(len)}, diag::err_bad_escape,
                        {std::string(s.substr(i, len))});
        }
      }
    }
    return store_.commit(n);
  }

  FileId file_;
  std::string_view text_;
  const std::vector<Token>& tokens_;
  ast::TextStore& store_;
  DiagEngine& diags_;
};

}  // namespace

namespace {

// Files up to this many tokens are one piece; larger ones are parsed in pieces of about this
// size (about 10 KB of source), on several cores from kParallelTokens on. A piece's ANTLR
// tree lives until its statements are built: pieces of 8,192 tokens held 1.5 MB more at the
// peak of a 10,000-monitor build, at the same speed (docs/performance.md).
constexpr size_t kChunkTokens = 2048;
constexpr size_t kParallelTokens = 150000;

struct Piece {
  ast::List<ast::StmtPtr> stmts;
  ast::TextStore strings;  // decoded literals; views into the text need nothing more
  DiagEngine diags;  // what AstBuilder reports (bad escapes and the like)
  bool ok = false;
};

// The parser of the fast path. It builds the same tree as MonParser with less work per node:
// ANTLR allocates every terminal node on its own and records it for deletion (a piece of
// 8,192 tokens makes about 5,000 of them), finds each rule's parent with a dynamic_cast, and
// grows each child list one push at a time. Here terminal nodes come from blocks owned by the
// parser, and a rule's child list starts with room for a few children. Error recovery never
// runs on this path (BailErrorStrategy throws instead), but should it, ANTLR's own code runs.
class TreeParser : public MonParser {
 public:
  explicit TreeParser(antlr4::TokenStream* input) : MonParser(input) {}
  ~TreeParser() override {
    for (auto& block : blocks_)
      for (size_t i = 0; i < block.used; ++i) block.node(i)->~TerminalNodeImpl();
  }

  antlr4::Token* consume() override {
    if (!_buildParseTrees || _errHandler->inErrorRecoveryMode(this)) return MonParser::consume();
    antlr4::Token* o = _input->LT(1);
    if (o->getType() != antlr4::Token::EOF) _input->consume();
    antlr4::tree::TerminalNodeImpl* node = newTerminal(o);
    node->parent = _ctx;
    _ctx->children.push_back(node);
    return o;
  }

 protected:
  void addContextToParseTree() override {
    if (!_ctx->parent) return;
    // Rule contexts are always children of rule contexts in a parser.
    static_cast<antlr4::ParserRuleContext*>(_ctx->parent)->children.push_back(_ctx);
    _ctx->children.reserve(4);
  }

 private:
  static constexpr size_t kBlockNodes = 128;  // 6 KB: a small size class, reused, not mapped anew
  struct Block {
    std::unique_ptr<std::aligned_storage_t<sizeof(antlr4::tree::TerminalNodeImpl),
                                           alignof(antlr4::tree::TerminalNodeImpl)>[]>
        slots{new std::aligned_storage_t<sizeof(antlr4::tree::TerminalNodeImpl),
                                         alignof(antlr4::tree::TerminalNodeImpl)>[kBlockNodes]};
    size_t used = 0;
    antlr4::tree::TerminalNodeImpl* node(size_t i) {
      return std::launder(reinterpret_cast<antlr4::tree::TerminalNodeImpl*>(&slots[i]));
    }
  };

  antlr4::tree::TerminalNodeImpl* newTerminal(antlr4::Token* t) {
    if (blocks_.empty() || blocks_.back().used == kBlockNodes) blocks_.emplace_back();
    Block& b = blocks_.back();
    return new (&b.slots[b.used++]) antlr4::tree::TerminalNodeImpl(t);
  }

  std::vector<Block> blocks_;
};

// The fast path for one piece: SLL prediction that bails on the first syntax error.
void parsePiece(FileId file, const std::string& text, const std::vector<Token>& all, TokenRange range, Piece& out) {
  std::vector<Token> tokens(all.begin() + range.begin, all.begin() + range.end);
  tokens.push_back(all.back());  // the end-of-file token
  ArrayTokenStream stream(tokens);
  TreeParser parser(&stream);
  parser.removeErrorListeners();
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::SLL);
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  MonParser::FileContext* tree = nullptr;
  try {
    tree = parser.file();
  } catch (const antlr4::ParseCancellationException&) {
    return;
  }
  out.diags.setErrorLimit(1000);
  AstBuilder(file, text, tokens, out.strings, out.diags).stmts(tree, out.stmts);
  out.ok = true;
}

// The syntax of the tokens from `begin` on, parsed as the rest of the file with error recovery
// (LL prediction, reported to `syntax`), its statements appended to `out` (and what converting
// them reports, bad escapes and the like, to `built`). At a statement boundary the parser is in
// the state it would be in had it parsed the file from the start: the tokens before `begin`
// parsed as whole statements, and every decision of the grammar is made on the next token.
void parseRestWithRecovery(FileId file, const std::string& text, const LexResult& lexed, size_t begin, ast::File& out,
                           DiagEngine& syntax, DiagEngine& built) {
  ArrayTokenStream stream(lexed.tokens);
  MonParser parser(&stream);
  stream.seek(begin);  // after the parser's constructor, which starts the stream over
  parser.removeErrorListeners();
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::LL);
  parser.setErrorHandler(std::make_shared<DiagErrorStrategy>(file, lexed.tokens, syntax));
  MonParser::FileContext* tree = parser.file();
  AstBuilder(file, text, lexed.tokens, out.strings, built).stmts(tree, out.stmts);
  // The statement the lexer cut off is not kept: later passes would only report the cut again
  // (a truncated operator run nested one level too deep, say).
  if (lexed.stopped && !out.stmts.empty()) out.stmts.pop_back();
}

// Appends a parse's diagnostics to `to` in the order a parse of the whole file with recovery
// reports them: the syntax errors, then the statements' own (those of the pieces that parsed
// alone, then those of the rest). When the lexer stopped early the input ends mid-construct:
// syntax errors at the cut would only repeat the lexer's, so they are left out; those before
// it are reported.
void reportInOrder(const LexResult& lexed, const DiagEngine& syntax, const std::vector<Diagnostic>& pieces,
                   const DiagEngine& rest, DiagEngine& to) {
  std::vector<Diagnostic> shown;
  for (const Diagnostic& d : syntax.all())
    if (!lexed.stopped || d.range.begin < lexed.stoppedAt) shown.push_back(d);
  to.replay(shown);
  to.replay(pieces);
  to.replay(rest.all());
}

}  // namespace

// The pieces of one file (parse/chunks.h) are started in order by whichever thread is free,
// at most kPiecesAhead beyond the one the caller takes next, and taken in order. A piece that
// does not parse alone (a syntax error, or a rare SLL conflict) stops the pieces after it: the
// rest of the file, from that piece on, is parsed once more with recovery, so a file with
// errors reports and holds exactly what a parse of the whole file with recovery does.
struct StatementFeed::Impl {
  // Enough that the caller seldom waits for a piece, few enough that the trees not expanded
  // yet stay small.
  static constexpr size_t kPiecesAhead = 8;

  FileId file = kNoFile;
  std::shared_ptr<const std::string> text;
  LexResult lexed;
  std::vector<TokenRange> ranges;
  std::vector<Piece> pieces;
  std::vector<char> parsed;       // by piece; under mu
  size_t claimed = 0;             // pieces [0, claimed) have been started
  size_t taken = 0;               // pieces [0, taken) have been handed to the caller
  size_t running = 0;             // pieces being parsed now
  bool failed = false;            // a piece did not parse alone: no further one is started
  bool stopping = false;
  bool reported = false;
  std::vector<Diagnostic> built;  // the taken pieces' own diagnostics, in order
  DiagEngine syntax, recoveredBuilt;
  std::mutex mu;
  std::condition_variable changed;
  std::vector<std::thread> threads;

  // Starts the next piece when the window allows. Call with mu held.
  bool claim(size_t& k) {
    if (failed || stopping || claimed >= ranges.size() || claimed >= taken + kPiecesAhead) return false;
    k = claimed++;
    ++running;
    return true;
  }

  // Parses a claimed piece without the lock; returns with it held again.
  void parse(size_t k, std::unique_lock<std::mutex>& lock) {
    lock.unlock();
    try {
      parsePiece(file, *text, lexed.tokens, ranges[k], pieces[k]);
    } catch (...) {  // out of memory, say: the caller parses the rest itself, where it may throw
      pieces[k].ok = false;
    }
    lock.lock();
    parsed[k] = 1;
    --running;
    if (!pieces[k].ok) failed = true;
    changed.notify_all();
  }

  void work(unsigned heap, bool callerHeap) {
    if (callerHeap) useHeap(heap);
    std::unique_lock<std::mutex> lock(mu);
    while (!stopping && !failed && claimed < ranges.size()) {
      size_t k;
      if (claim(k)) parse(k, lock);
      else changed.wait(lock);
    }
  }

  bool next(ast::File& out, DiagEngine& diags) {
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      if (taken == ranges.size()) {
        if (!reported) reportInOrder(lexed, syntax, built, recoveredBuilt, diags);
        reported = true;
        return false;
      }
      if (parsed[taken] && pieces[taken].ok) {
        Piece piece = std::move(pieces[taken++]);
        changed.notify_all();  // the window moved
        lock.unlock();
        for (auto& st : piece.stmts) out.stmts.push_back(std::move(st));
        out.strings.splice(std::move(piece.strings));
        built.insert(built.end(), piece.diags.all().begin(), piece.diags.all().end());
        return true;
      }
      if (parsed[taken]) {  // the first piece, in order, that does not parse alone
        changed.wait(lock, [&] { return running == 0; });
        size_t from = ranges[taken].begin;
        taken = ranges.size();
        lock.unlock();
        if (std::getenv("MONITORC_TIMING")) std::fprintf(stderr, "timing: SLL bailed at token %zu\n", from);
        pieces.clear();
        parseRestWithRecovery(file, *text, lexed, from, out, syntax, recoveredBuilt);
        return true;
      }
      size_t k;
      if (claim(k)) parse(k, lock);
      else changed.wait(lock);
    }
  }
};

StatementFeed::StatementFeed(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

StatementFeed::~StatementFeed() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->changed.notify_all();
  for (auto& t : impl_->threads) t.join();
}

bool StatementFeed::next(ast::File& file, DiagEngine& diags) { return impl_->next(file, diags); }

namespace {

// Lexes the file and cuts it into pieces. A file parsed on several threads (kParallelTokens)
// is left to `rest` when `incremental`; any other is parsed whole here: a smaller one is
// parsed on one thread anyway, the loader's parse-ahead thread when there is one.
ast::File startParse(FileId file, const std::shared_ptr<const std::string>& sharedText, DiagEngine& diags,
                     bool incremental, std::unique_ptr<StatementFeed>& rest) {
  ast::File out;
  out.id = file;
  out.strings.keep(sharedText);  // names, literals and comments are views into it
  auto impl = std::make_unique<StatementFeed::Impl>();
  impl->file = file;
  impl->text = sharedText;
  impl->lexed = lex(file, *sharedText, diags);
  out.comments = std::move(impl->lexed.comments);
  impl->syntax.setErrorLimit(1000);  // as the driver does: a binary file is not a million errors
  if (impl->lexed.stopped) {
    // The rest is unreadable: only the parse with recovery makes sense of what comes before.
    parseRestWithRecovery(file, *sharedText, impl->lexed, 0, out, impl->syntax, impl->recoveredBuilt);
    reportInOrder(impl->lexed, impl->syntax, {}, impl->recoveredBuilt, diags);
    return out;
  }
  impl->ranges = statementChunks(impl->lexed.tokens, kChunkTokens);
  impl->pieces.resize(impl->ranges.size());
  impl->parsed.assign(impl->ranges.size(), 0);
  bool large = impl->lexed.tokens.size() >= kParallelTokens;
  // The caller parses pieces too, whenever the one it needs next has not been started.
  size_t helpers = large ? std::min(workerThreads(), impl->ranges.size()) - 1 : 0;
  // Incremental, the caller frees the trees as it goes: the helpers allocate from its heap, so
  // that what it allocates next reuses their pages. Otherwise the caller keeps the trees, and
  // each thread allocates from its own heap, without contention.
  unsigned heap = currentHeap();
  StatementFeed::Impl* feed = impl.get();
  rest = std::make_unique<StatementFeed>(std::move(impl));  // which stops the threads started, whatever happens
  for (size_t t = 0; t < helpers; ++t) {
    try {
      feed->threads.emplace_back([feed, heap, incremental] { feed->work(heap, incremental); });
    } catch (const std::system_error&) {  // no more threads to be had: fewer helpers
      break;
    }
  }
  if (incremental && large) return out;
  while (rest->next(out, diags)) {
  }
  rest.reset();
  return out;
}

}  // namespace

ast::File parse(const SourceManager& sm, FileId file, DiagEngine& diags) {
  return parse(file, sm.sharedText(file), diags);
}

ast::File parse(FileId file, const std::shared_ptr<const std::string>& sharedText, DiagEngine& diags) {
  std::unique_ptr<StatementFeed> rest;
  return startParse(file, sharedText, diags, /*incremental=*/false, rest);
}

ast::File parseWithRecovery(const SourceManager& sm, FileId file, DiagEngine& diags) {
  ast::File out;
  out.id = file;
  out.strings.keep(sm.sharedText(file));
  const std::string& text = sm.text(file);
  LexResult lexed = lex(file, text, diags);
  out.comments = std::move(lexed.comments);
  DiagEngine syntax, built;
  syntax.setErrorLimit(1000);
  parseRestWithRecovery(file, text, lexed, 0, out, syntax, built);
  reportInOrder(lexed, syntax, {}, built, diags);
  return out;
}

ast::File parseIncrementally(FileId file, const std::shared_ptr<const std::string>& text, DiagEngine& diags,
                             std::unique_ptr<StatementFeed>& rest) {
  return startParse(file, text, diags, /*incremental=*/true, rest);
}

}  // namespace mon
