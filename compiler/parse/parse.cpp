#include "parse/parse.h"

#include <charconv>

#include "MonParser.h"
#include "parse/error_strategy.h"
#include "parse/lexer.h"
#include "parse/token_source.h"
#include "support/text.h"

namespace mon {

namespace {

using P = MonParser;
using antlr4::tree::TerminalNode;

// Converts the ANTLR parse tree into our AST. Missing or error nodes become ExprKind::Error
// so later passes can skip them without reporting again.
class AstBuilder {
 public:
  AstBuilder(FileId file, std::string_view text, const std::vector<Token>& tokens, DiagEngine& diags)
      : file_(file), text_(text), tokens_(tokens), diags_(diags) {}

  void stmts(const std::vector<P::StmtContext*>& in, std::vector<ast::StmtPtr>& out) {
    out.reserve(in.size());
    for (auto* s : in)
      if (auto st = stmt(s)) out.push_back(std::move(st));
  }

 private:
  Range tokenRange(antlr4::Token* t) const {
    if (!t || t->getTokenIndex() >= tokens_.size()) return Range{file_, 0, 0};
    const Token& tok = tokens_[t->getTokenIndex()];
    return Range{file_, tok.begin, tok.end};
  }
  Range ctxRange(antlr4::ParserRuleContext* c) const {
    Range b = tokenRange(c->getStart());
    Range e = c->getStop() ? tokenRange(c->getStop()) : b;
    if (e.end < b.begin) e = b;  // empty rule after an error
    return Range{file_, b.begin, e.end};
  }
  bool present(TerminalNode* n) const {
    return n && n->getSymbol()->getTokenIndex() < tokens_.size() && n->getSymbol()->getType() != antlr4::Token::EOF;
  }
  std::string textOf(TerminalNode* n) const {
    Range r = tokenRange(n->getSymbol());
    return std::string(text_.substr(r.begin, r.end - r.begin));
  }

  ast::StmtPtr stmt(P::StmtContext* c) {
    if (!c) return nullptr;
    if (auto* s = c->attribute()) return attribute(s);
    if (auto* s = c->block()) return block(s);
    if (auto* s = c->letStmt()) return let(s);
    if (auto* s = c->importStmt()) return import(s);
    if (auto* s = c->useStmt()) return use(s);
    if (auto* s = c->forStmt()) return forStmt(s);
    if (auto* s = c->ifStmt()) return ifStmt(s);
    if (auto* s = c->templateStmt()) return templateStmt(s);
    return nullptr;
  }

  ast::StmtPtr make(ast::StmtKind k, antlr4::ParserRuleContext* c) {
    auto s = std::make_unique<ast::Stmt>();
    s->kind = k;
    s->range = ctxRange(c);
    return s;
  }
  void setName(ast::Stmt& s, TerminalNode* n) {
    if (!present(n)) return;
    s.name = textOf(n);
    s.nameRange = tokenRange(n->getSymbol());
  }

  ast::StmtPtr attribute(P::AttributeContext* c) {
    auto s = make(ast::StmtKind::Attribute, c);
    setName(*s, c->IDENT());
    s->value = expr(c->expr());
    return s;
  }

  ast::StmtPtr block(P::BlockContext* c) {
    auto s = make(ast::StmtKind::Block, c);
    setName(*s, c->IDENT());
    for (auto* l : c->label()) {
      ast::Label label;
      label.range = ctxRange(l);
      if (l->IDENT()) {
        label.isWord = true;
        label.word = textOf(l->IDENT());
      } else {
        label.string = string(l->string());
      }
      s->labels.push_back(std::move(label));
    }
    body(c->body(), *s);
    return s;
  }

  void body(P::BodyContext* b, ast::Stmt& s) {
    if (!b) return;
    s.bodyRange = ctxRange(b);
    stmts(b->stmt(), s.body);
  }

  ast::StmtPtr let(P::LetStmtContext* c) {
    auto s = make(ast::StmtKind::Let, c);
    setName(*s, c->IDENT());
    s->value = expr(c->expr());
    return s;
  }

  ast::StmtPtr import(P::ImportStmtContext* c) {
    auto s = make(ast::StmtKind::Import, c);
    s->value = string(c->string());
    if (s->value && s->value->kind == ast::ExprKind::String)
      for (auto& part : s->value->parts)
        if (part.expr) diags_.report(s->value->range, diag::err_import_not_literal);
    return s;
  }

  ast::StmtPtr use(P::UseStmtContext* c) {
    auto s = make(ast::StmtKind::Use, c);
    setName(*s, c->IDENT());
    if (c->argList()) s->args = args(c->argList());
    return s;
  }

  ast::StmtPtr forStmt(P::ForStmtContext* c) {
    auto s = make(ast::StmtKind::For, c);
    auto names = c->IDENT();
    if (!names.empty()) setName(*s, names[0]);
    if (names.size() > 1 && present(names[1])) {
      s->name2 = textOf(names[1]);
      s->name2Range = tokenRange(names[1]->getSymbol());
    }
    s->value = expr(c->expr());
    body(c->body(), *s);
    return s;
  }

  ast::StmtPtr ifStmt(P::IfStmtContext* c) {
    auto s = make(ast::StmtKind::If, c);
    s->value = expr(c->expr());
    auto bodies = c->body();
    if (!bodies.empty()) body(bodies[0], *s);
    if (c->KW_ELSE()) {
      s->hasElse = true;
      s->elseRange = tokenRange(c->KW_ELSE()->getSymbol());
      if (auto* elif = c->ifStmt()) {
        s->elseIsIf = true;
        s->elseBody.push_back(ifStmt(elif));
      } else if (bodies.size() > 1) {
        stmts(bodies[1]->stmt(), s->elseBody);
      }
    }
    return s;
  }

  ast::StmtPtr templateStmt(P::TemplateStmtContext* c) {
    auto s = make(ast::StmtKind::Template, c);
    setName(*s, c->IDENT());
    for (auto* p : c->param()) {
      ast::Param param;
      if (present(p->IDENT())) param.name = textOf(p->IDENT());
      param.range = ctxRange(p);
      if (p->expr()) param.defaultValue = expr(p->expr());
      s->params.push_back(std::move(param));
    }
    body(c->body(), *s);
    return s;
  }

  std::vector<ast::Arg> args(P::ArgListContext* c) {
    std::vector<ast::Arg> out;
    for (auto* a : c->arg()) {
      ast::Arg arg;
      if (a->IDENT() && present(a->IDENT())) {
        arg.name = textOf(a->IDENT());
        arg.nameRange = tokenRange(a->IDENT()->getSymbol());
      }
      arg.value = expr(a->expr());
      out.push_back(std::move(arg));
    }
    return out;
  }

  ast::ExprPtr newExpr(ast::ExprKind k, antlr4::ParserRuleContext* c) {
    auto e = std::make_unique<ast::Expr>();
    e->kind = k;
    e->range = ctxRange(c);
    return e;
  }

  ast::ExprPtr errorExpr(antlr4::ParserRuleContext* c) {
    auto e = std::make_unique<ast::Expr>();
    if (c) e->range = ctxRange(c);
    return e;
  }

  ast::ExprPtr expr(P::ExprContext* c) {
    if (!c || c->exception) return errorExpr(c);
    if (auto* x = dynamic_cast<P::NumberExprContext*>(c)) return number(x);
    if (auto* x = dynamic_cast<P::StringExprContext*>(c)) return string(x->string());
    if (auto* x = dynamic_cast<P::IdentExprContext*>(c)) {
      auto e = newExpr(ast::ExprKind::Ident, c);
      e->text = textOf(x->IDENT());
      return e;
    }
    if (auto* x = dynamic_cast<P::DurationExprContext*>(c)) return duration(x);
    if (auto* x = dynamic_cast<P::BoolExprContext*>(c)) {
      auto e = newExpr(ast::ExprKind::Bool, c);
      e->boolean = x->KW_TRUE() != nullptr;
      return e;
    }
    if (dynamic_cast<P::NullExprContext*>(c)) return newExpr(ast::ExprKind::Null, c);
    if (auto* x = dynamic_cast<P::ListExprContext*>(c)) return list(x->list());
    if (auto* x = dynamic_cast<P::MapExprContext*>(c)) return map(x->map());
    if (auto* x = dynamic_cast<P::ParenExprContext*>(c)) return expr(x->expr());
    if (auto* x = dynamic_cast<P::MemberExprContext*>(c)) {
      auto e = newExpr(ast::ExprKind::Member, c);
      e->items.push_back(expr(x->expr()));
      if (present(x->IDENT())) e->text = textOf(x->IDENT());
      else e->kind = ast::ExprKind::Error;
      return e;
    }
    if (auto* x = dynamic_cast<P::IndexExprContext*>(c)) {
      auto e = newExpr(ast::ExprKind::Index, c);
      e->items.push_back(expr(x->expr(0)));
      e->items.push_back(expr(x->expr(1)));
      return e;
    }
    if (auto* x = dynamic_cast<P::CallExprContext*>(c)) {
      auto e = newExpr(ast::ExprKind::Call, c);
      e->items.push_back(expr(x->expr()));
      if (x->argList()) e->args = args(x->argList());
      return e;
    }
    if (auto* x = dynamic_cast<P::UnaryExprContext*>(c)) {
      auto e = newExpr(ast::ExprKind::Unary, c);
      e->text = x->NOT() ? "!" : "-";
      e->items.push_back(expr(x->expr()));
      return e;
    }
    if (auto* x = dynamic_cast<P::CompareExprContext*>(c)) {
      auto e = newExpr(ast::ExprKind::Binary, c);
      e->text = x->EQ() ? "==" : x->NE() ? "!=" : x->LT() ? "<" : x->GT() ? ">" : x->LE() ? "<=" : ">=";
      e->items.push_back(expr(x->expr(0)));
      e->items.push_back(expr(x->expr(1)));
      return e;
    }
    if (auto* x = dynamic_cast<P::AndExprContext*>(c)) return binary(c, "&&", x->expr(0), x->expr(1));
    if (auto* x = dynamic_cast<P::OrExprContext*>(c)) return binary(c, "||", x->expr(0), x->expr(1));
    return errorExpr(c);
  }

  ast::ExprPtr binary(P::ExprContext* c, const char* op, P::ExprContext* l, P::ExprContext* r) {
    auto e = newExpr(ast::ExprKind::Binary, c);
    e->text = op;
    e->items.push_back(expr(l));
    e->items.push_back(expr(r));
    return e;
  }

  ast::ExprPtr number(P::NumberExprContext* c) {
    auto e = newExpr(ast::ExprKind::Number, c);
    e->text = textOf(c->NUMBER());
    auto res = std::from_chars(e->text.data(), e->text.data() + e->text.size(), e->number);
    if (res.ec != std::errc() || res.ptr != e->text.data() + e->text.size()) {
      // Reported by the lexer already when malformed; out of range is ours to say.
      if (res.ec == std::errc::result_out_of_range) diags_.report(e->range, diag::err_bad_number, {e->text});
      e->kind = ast::ExprKind::Error;
    }
    return e;
  }

  ast::ExprPtr duration(P::DurationExprContext* c) {
    auto e = newExpr(ast::ExprKind::Duration, c);
    e->text = textOf(c->DURATION());
    if (!parseDurationMs(e->text, e->durationMs)) {
      e->kind = ast::ExprKind::Error;  // the lexer reported the bad unit
    }
    return e;
  }

  ast::ExprPtr list(P::ListContext* c) {
    auto e = newExpr(ast::ExprKind::List, c);
    for (auto* x : c->expr()) e->items.push_back(expr(x));
    return e;
  }

  ast::ExprPtr map(P::MapContext* c) {
    auto e = newExpr(ast::ExprKind::Map, c);
    for (auto* m : c->mapEntry()) {
      ast::MapEntry entry;
      if (m->IDENT() && present(m->IDENT())) {
        entry.key = textOf(m->IDENT());
        entry.keyRange = tokenRange(m->IDENT()->getSymbol());
      } else if (m->string()) {
        ast::ExprPtr key = string(m->string());
        entry.keyRange = key->range;
        entry.quotedKey = true;
        if (key->kind == ast::ExprKind::String && key->parts.size() <= 1 && (key->parts.empty() || !key->parts[0].expr))
          entry.key = key->parts.empty() ? "" : key->parts[0].text;
        else
          diags_.report(key->range, diag::err_type_mismatch, {"a plain string key", "an interpolated string"});
      }
      entry.value = expr(m->expr());
      e->entries.push_back(std::move(entry));
    }
    return e;
  }

  ast::ExprPtr string(P::StringContext* c) {
    if (!c) return errorExpr(nullptr);
    auto e = newExpr(ast::ExprKind::String, c);
    P::ExprContext* pendingInterp = nullptr;
    size_t exprIndex = 0;
    auto exprs = c->expr();
    for (auto* child : c->children) {
      auto* term = dynamic_cast<TerminalNode*>(child);
      if (!term) continue;
      size_t type = term->getSymbol()->getType();
      if (type == P::STR_TEXT && present(term)) {
        ast::StringPart part;
        part.range = tokenRange(term->getSymbol());
        part.text = decode(part.range);
        e->parts.push_back(std::move(part));
      } else if (type == P::INTERP_OPEN) {
        pendingInterp = exprIndex < exprs.size() ? exprs[exprIndex++] : nullptr;
        ast::StringPart part;
        part.expr = expr(pendingInterp);
        part.range = part.expr->range;
        e->parts.push_back(std::move(part));
      }
    }
    // Merge adjacent text parts (only one per token run, but keep the invariant simple).
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
    stream.seek(0);
    parser.reset();
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::LL);
    parser.setErrorHandler(std::make_shared<DiagErrorStrategy>(file, lexed.tokens, diags));
    tree = parser.file();
  }
  AstBuilder builder(file, text, lexed.tokens, diags);
  builder.stmts(tree->stmt(), out.stmts);
  return out;
}

}  // namespace mon
