#include "parse/parse.h"

#include <charconv>
#include <typeinfo>
#include <cstdio>
#include <cstdlib>

#include "MonParser.h"
#include "parse/error_strategy.h"
#include "parse/lexer.h"
#include "parse/token_source.h"
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

bool isTerminal(ParseTree* t) { return typeid(*t) == typeid(antlr4::tree::TerminalNodeImpl); }
bool isError(ParseTree* t) { return typeid(*t) == typeid(antlr4::tree::ErrorNodeImpl); }
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
  AstBuilder(FileId file, std::string_view text, const std::vector<Token>& tokens, DiagEngine& diags)
      : file_(file), text_(text), tokens_(tokens), diags_(diags) {}

  /// Converts the statements among `parent`'s children.
  void stmts(ParserRuleContext* parent, std::vector<ast::StmtPtr>& out) {
    for (ParseTree* child : parent->children)
      if (ruleOf(child) == P::RuleStmt)
        if (auto st = stmt(static_cast<ParserRuleContext*>(child))) out.push_back(std::move(st));
  }

 private:
  Range tokenRange(antlr4::Token* t) const {
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
  std::string textOf(ParseTree* t) const {
    Range r = termRange(t);
    return std::string(text_.substr(r.begin, r.end - r.begin));
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
    if (c->children.empty() || !isRule(c->children[0])) return nullptr;
    auto* inner = static_cast<ParserRuleContext*>(c->children[0]);
    switch (inner->getRuleIndex()) {
      case P::RuleAttribute: return attribute(inner);
      case P::RuleBlock: return block(inner);
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

  ast::StmtPtr attribute(ParserRuleContext* c) {
    auto s = make(ast::StmtKind::Attribute, c);
    setName(*s, token(c, P::IDENT));
    s->value = expr(rule(c, P::RuleExpr));
    return s;
  }

  ast::StmtPtr block(ParserRuleContext* c) {
    auto s = make(ast::StmtKind::Block, c);
    setName(*s, token(c, P::IDENT));
    for (ParseTree* child : c->children) {
      if (ruleOf(child) == P::RuleLabel) {
        auto* l = static_cast<ParserRuleContext*>(child);
        ast::Label label;
        label.range = ctxRange(l);
        if (l->children.empty()) continue;
        if (present(l->children[0])) {
          label.isWord = true;
          label.word = textOf(l->children[0]);
        } else if (ruleOf(l->children[0]) == P::RuleString) {
          label.string = string(static_cast<ParserRuleContext*>(l->children[0]));
        } else {
          continue;
        }
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

  std::vector<ast::Arg> args(ParserRuleContext* c) {
    std::vector<ast::Arg> out;
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
    auto e = std::make_unique<ast::Expr>();
    e->kind = k;
    e->range = ctxRange(c);
    return e;
  }

  ast::ExprPtr errorExpr(ParserRuleContext* c) {
    auto e = std::make_unique<ast::Expr>();
    if (c) e->range = ctxRange(c);
    return e;
  }

  ast::ExprPtr sub(ParserRuleContext* c, size_t i) {
    return i < c->children.size() && ruleOf(c->children[i]) == P::RuleExpr
               ? expr(static_cast<ParserRuleContext*>(c->children[i]))
               : errorExpr(c);
  }

  // The alternatives of `expr` are told apart by their shape (see grammar/MonParser.g4).
  ast::ExprPtr expr(ParserRuleContext* c) {
    if (!c || c->exception || c->children.empty()) return errorExpr(c);
    auto& ch = c->children;
    size_t t0 = tokenType(ch[0]);
    if (ch.size() == 1) {
      switch (t0) {
        case P::NUMBER: return number(c, ch[0]);
        case P::DURATION: return duration(c, ch[0]);
        case P::IDENT: {
          auto e = newExpr(ast::ExprKind::Ident, c);
          e->text = textOf(ch[0]);
          return e;
        }
        case P::KW_TRUE:
        case P::KW_FALSE: {
          auto e = newExpr(ast::ExprKind::Bool, c);
          e->boolean = t0 == P::KW_TRUE;
          return e;
        }
        case P::KW_NULL: return newExpr(ast::ExprKind::Null, c);
      }
      switch (ruleOf(ch[0])) {
        case P::RuleString: return string(static_cast<ParserRuleContext*>(ch[0]));
        case P::RuleList: return list(static_cast<ParserRuleContext*>(ch[0]));
        case P::RuleMap: return map(static_cast<ParserRuleContext*>(ch[0]));
      }
      return errorExpr(c);
    }
    if (t0 == P::LPAREN) return sub(c, 1);
    if (t0 == P::NOT || t0 == P::MINUS) {
      auto e = newExpr(ast::ExprKind::Unary, c);
      e->text = t0 == P::NOT ? "!" : "-";
      e->items.push_back(sub(c, 1));
      return e;
    }
    size_t t1 = tokenType(ch[1]);
    switch (t1) {
      case P::DOT: {
        auto e = newExpr(ast::ExprKind::Member, c);
        e->items.push_back(sub(c, 0));
        if (ch.size() > 2 && present(ch[2])) e->text = textOf(ch[2]);
        else e->kind = ast::ExprKind::Error;
        return e;
      }
      case P::LBRACK: {
        auto e = newExpr(ast::ExprKind::Index, c);
        e->items.push_back(sub(c, 0));
        e->items.push_back(sub(c, 2));
        return e;
      }
      case P::LPAREN: {
        auto e = newExpr(ast::ExprKind::Call, c);
        e->items.push_back(sub(c, 0));
        if (auto* a = rule(c, P::RuleArgList)) e->args = args(a);
        return e;
      }
      case P::EQ: case P::NE: case P::LT: case P::GT: case P::LE: case P::GE:
      case P::AND: case P::OR: {
        auto e = newExpr(ast::ExprKind::Binary, c);
        e->text = t1 == P::EQ ? "==" : t1 == P::NE ? "!=" : t1 == P::LT ? "<" : t1 == P::GT ? ">"
                : t1 == P::LE ? "<=" : t1 == P::GE ? ">=" : t1 == P::AND ? "&&" : "||";
        e->items.push_back(sub(c, 0));
        e->items.push_back(sub(c, 2));
        return e;
      }
    }
    return errorExpr(c);
  }

  ast::ExprPtr number(ParserRuleContext* c, ParseTree* tok) {
    auto e = newExpr(ast::ExprKind::Number, c);
    e->text = textOf(tok);
    auto res = std::from_chars(e->text.data(), e->text.data() + e->text.size(), e->number);
    if (res.ec != std::errc() || res.ptr != e->text.data() + e->text.size()) {
      // Reported by the lexer already when malformed; out of range is ours to say.
      if (res.ec == std::errc::result_out_of_range) diags_.report(e->range, diag::err_bad_number, {e->text});
      e->kind = ast::ExprKind::Error;
    }
    return e;
  }

  ast::ExprPtr duration(ParserRuleContext* c, ParseTree* tok) {
    auto e = newExpr(ast::ExprKind::Duration, c);
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
          entry.key = key->parts.empty() ? "" : key->parts[0].text;
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
        part.expr = sub(c, i + 1);
        part.range = part.expr->range;
        e->parts.push_back(std::move(part));
      }
    }
    return e;
  }

  // Decodes escapes in a STR_TEXT token, reporting bad ones at their exact place.
  std::string decode(Range r) {
    std::string out;
    std::string_view s = text_.substr(r.begin, r.end - r.begin);
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '\\') {
        out += s[i];
        continue;
      }
      uint32_t at = r.begin + static_cast<uint32_t>(i);
      if (i + 1 >= s.size()) {
        diags_.report(Range{file_, at, at + 1}, diag::err_bad_escape, {""});
        break;
      }
      char c = s[++i];
      switch (c) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '$': out += '$'; break;
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
          appendUtf8(out, cp);
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
    return out;
  }

  FileId file_;
  std::string_view text_;
  const std::vector<Token>& tokens_;
  DiagEngine& diags_;
};

}  // namespace

ast::File parse(const SourceManager& sm, FileId file, DiagEngine& diags) {
  ast::File out;
  out.id = file;
  const std::string& text = sm.text(file);
  LexResult lexed = lex(file, text, diags);
  out.comments = std::move(lexed.comments);

  VectorTokenSource source(lexed.tokens);
  antlr4::CommonTokenStream stream(&source);
  MonParser parser(&stream);
  parser.removeErrorListeners();

  // Fast path: SLL prediction that bails on the first error. Only input with a syntax error
  // (or a rare SLL conflict) pays for the full LL pass with recovery.
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::SLL);
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  MonParser::FileContext* tree = nullptr;
  try {
    tree = parser.file();
  } catch (const antlr4::ParseCancellationException&) {
    tree = nullptr;
  }
  if (!tree) {
    if (std::getenv("MONITORC_TIMING")) std::fprintf(stderr, "timing: SLL bailed on %s\n", sm.path(file).c_str());
    stream.seek(0);
    parser.reset();
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::LL);
    parser.setErrorHandler(std::make_shared<DiagErrorStrategy>(file, lexed.tokens, diags));
    tree = parser.file();
  }
  AstBuilder builder(file, text, lexed.tokens, diags);
  builder.stmts(tree, out.stmts);
  return out;
}

}  // namespace mon
