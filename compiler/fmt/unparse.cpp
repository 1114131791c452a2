#include "fmt/unparse.h"

#include <utility>

#include "support/text.h"

namespace mon::fmt {

namespace {

using ast::ExprKind;
using ast::StmtKind;

// Binding strength, from grammar/MonParser.g4: postfix (member, index, call) and primaries
// bind tightest, then unary, then comparisons, `&&`, `||`.
enum Prec { kOr = 1, kAnd = 2, kCompare = 3, kUnary = 4, kPostfix = 5 };

int precedence(const ast::Expr& e) {
  if (e.kind == ExprKind::Unary) return kUnary;
  if (e.kind != ExprKind::Binary) return kPostfix;
  if (e.text == "||") return kOr;
  if (e.text == "&&") return kAnd;
  return kCompare;
}

std::string commentText(const ast::Comment& c, const char* prefix = "") {
  std::string t = prefix;
  t += c.text;
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t' || t.back() == '\r')) t.pop_back();
  return t;
}

// Top-level statements with a body get a blank line on each side.
bool hasBody(const ast::Stmt& s) {
  return s.kind == StmtKind::Block || s.kind == StmtKind::Template || s.kind == StmtKind::For || s.kind == StmtKind::If;
}

class Unparser {
 public:
  Unparser(const SourceManager& sm, const ast::File& file, const Trivia& trivia)
      : src_(sm.text(file.id)), trivia_(trivia) {}

  DocPtr file(const ast::File& f) { return stmts(f.stmts, &f.stmts, true); }

 private:
  // ---- statements ----

  // Statements one per line, each preceded by its leading comments; at most one blank line
  // where the source had one (always one between top-level blocks); then dangling comments.
  DocPtr stmts(const ast::List<ast::StmtPtr>& list, const void* key, bool top) {
    std::vector<DocPtr> out;
    auto separate = [&](bool blank) {
      if (out.empty()) return;
      out.push_back(hardLine());
      if (blank) out.push_back(hardLine());
    };
    for (size_t i = 0; i < list.size(); ++i) {
      const ast::Stmt& s = *list[i];
      const ElemTrivia* t = trivia_.elem(&s);
      // Blank lines before each leading comment and before the statement. A comment moved out
      // of the statement takes over the statement's blank line.
      std::vector<bool> blanks;
      bool stmtBlank = blankLineBefore(src_, s.range.begin);
      if (t)
        for (const auto& c : t->leading) {
          bool moved = c.comment->range.begin > s.range.begin;
          blanks.push_back(moved ? std::exchange(stmtBlank, false) : c.blankBefore);
        }
      blanks.push_back(stmtBlank);
      separate(blanks[0] || (top && i > 0 && (hasBody(s) || hasBody(*list[i - 1]))));
      for (size_t j = 0; t && j < t->leading.size(); ++j) {
        out.push_back(text(commentText(*t->leading[j].comment)));
        separate(blanks[j + 1]);
      }
      out.push_back(stmt(s));
      if (t) trailing(t->trailing, out);
    }
    if (const SeqTrivia* st = trivia_.seq(key))
      for (const auto& c : st->dangling) {
        separate(c.blankBefore);
        out.push_back(text(commentText(*c.comment)));
      }
    return out.empty() ? nullptr : concat(std::move(out));
  }

  // The first trailing comment stays on the element's last line; any more go below it.
  static void trailing(const std::vector<CommentRef>& cs, std::vector<DocPtr>& out) {
    for (size_t i = 0; i < cs.size(); ++i) {
      if (i == 0) out.push_back(unmeasured(commentText(*cs[i].comment, " ")));
      else out.push_back(concat({hardLine(), text(commentText(*cs[i].comment))}));
      out.push_back(breakParent());
    }
  }

  DocPtr body(const ast::List<ast::StmtPtr>& list) {
    const SeqTrivia* st = trivia_.seq(&list);
    DocPtr inner = stmts(list, &list, false);
    bool open = st && !st->open.empty();
    if (!inner && !open) return text("{}");
    std::vector<DocPtr> parts{text("{")};
    if (open) trailing(st->open, parts);
    if (inner) parts.push_back(nest(concat({hardLine(), inner})));
    parts.push_back(hardLine());
    parts.push_back(text("}"));
    return concat(std::move(parts));
  }

  DocPtr stmt(const ast::Stmt& s) {
    switch (s.kind) {
      case StmtKind::Import: return concat({text("import "), expr(s.value.get())});
      case StmtKind::Let: return concat({text("let " + s.name + " = "), expr(s.value.get())});
      case StmtKind::Attribute: return concat({text(s.name + " = "), expr(s.value.get())});
      case StmtKind::Use: return concat({text("use " + s.name), args(s.args)});
      case StmtKind::Template: return concat({text("template " + s.name), params(s.params), text(" "), body(s.body)});
      case StmtKind::For: {
        std::string head = "for " + s.name + (s.name2.empty() ? "" : ", " + s.name2) + " in ";
        return concat({text(head), expr(s.value.get()), text(" "), body(s.body)});
      }
      case StmtKind::If: return ifStmt(s);
      case StmtKind::Block: {
        std::vector<DocPtr> parts{text(s.name)};
        for (const auto& l : s.labels) {
          parts.push_back(text(" "));
          parts.push_back(l.isWord ? text(l.word) : expr(l.string.get()));
        }
        parts.push_back(text(" "));
        parts.push_back(body(s.body));
        return concat(std::move(parts));
      }
    }
    return text("");
  }

  DocPtr ifStmt(const ast::Stmt& s) {
    std::vector<DocPtr> parts{text("if "), expr(s.value.get()), text(" "), body(s.body)};
    if (s.hasElse) {
      parts.push_back(text(" else "));
      if (s.elseIsIf && !s.elseBody.empty()) parts.push_back(ifStmt(*s.elseBody[0]));
      else parts.push_back(body(s.elseBody));
    }
    return concat(std::move(parts));
  }

  // ---- bracketed sequences ----

  struct Item {
    const void* key;  // trivia key, or null
    DocPtr doc;
  };

  // `[a, b]` / `{ a = 1 }` / `(a, b)` on one line when it fits, else one item per line with a
  // trailing comma. Comments force the broken form.
  DocPtr sequence(const char* open, const char* close, bool spaced, const std::vector<Item>& items, const void* key) {
    const SeqTrivia* st = key ? trivia_.seq(key) : nullptr;
    bool dangling = st && !st->dangling.empty();
    if (items.empty() && !dangling) return text(std::string(open) + close);
    std::vector<DocPtr> inner;
    for (size_t i = 0; i < items.size(); ++i) {
      const ElemTrivia* t = items[i].key ? trivia_.elem(items[i].key) : nullptr;
      if (i > 0) inner.push_back(line());
      if (t)
        for (const auto& c : t->leading) inner.push_back(concat({text(commentText(*c.comment)), hardLine()}));
      inner.push_back(items[i].doc);
      inner.push_back(i + 1 < items.size() ? text(",") : ifBreak(text(","), text("")));
      if (t) trailing(t->trailing, inner);
    }
    if (dangling)
      for (size_t i = 0; i < st->dangling.size(); ++i) {
        if (i > 0 || !items.empty()) inner.push_back(hardLine());
        inner.push_back(text(commentText(*st->dangling[i].comment)));
        inner.push_back(breakParent());
      }
    DocPtr brk = spaced ? line() : softLine();
    return group(concat({text(open), nest(concat({brk, concat(std::move(inner))})), brk, text(close)}));
  }

  DocPtr args(const ast::List<ast::Arg>& list) {
    std::vector<Item> items;
    for (const auto& a : list) {
      DocPtr v = expr(a.value.get());
      items.push_back(Item{nullptr, a.name.empty() ? v : concat({text(a.name + " = "), v})});
    }
    return sequence("(", ")", false, items, nullptr);
  }

  DocPtr params(const ast::List<ast::Param>& list) {
    std::vector<Item> items;
    for (const auto& p : list)
      items.push_back(Item{nullptr, p.defaultValue ? concat({text(p.name + " = "), expr(p.defaultValue.get())}) : text(p.name)});
    return sequence("(", ")", false, items, nullptr);
  }

  // ---- expressions ----

  DocPtr operand(const ast::Expr* e, int minPrec) {
    if (e && precedence(*e) < minPrec) return concat({text("("), expr(e), text(")")});
    return expr(e);
  }

  DocPtr expr(const ast::Expr* e) {
    if (!e) return text("");
    switch (e->kind) {
      case ExprKind::Null: return text("null");
      case ExprKind::Bool: return text(e->boolean ? "true" : "false");
      case ExprKind::Number:
      case ExprKind::Duration:
      case ExprKind::Ident: return text(e->text);
      case ExprKind::String: return text(stringLiteral(*e));
      case ExprKind::List: {
        std::vector<Item> items;
        for (const auto& x : e->items) items.push_back(Item{x.get(), expr(x.get())});
        return sequence("[", "]", false, items, e);
      }
      case ExprKind::Map: {
        std::vector<Item> items;
        for (const auto& m : e->entries) {
          std::string key = m.quotedKey ? quoteSource(m.key) : m.key;
          items.push_back(Item{&m, concat({text(key + " = "), expr(m.value.get())})});
        }
        return sequence("{", "}", true, items, e);
      }
      case ExprKind::Member:
      case ExprKind::Index:
      case ExprKind::Call: return postfixChain(e);
      case ExprKind::Unary: return concat({text(e->text), operand(e->items[0].get(), kUnary)});
      case ExprKind::Binary: return binaryChain(e);
      case ExprKind::Error: break;
    }
    // Only reached for a tree with syntax errors: keep the source text.
    if (e->range.end > e->range.begin && e->range.end <= src_.size())
      return text(src_.substr(e->range.begin, e->range.end - e->range.begin));
    return text("");
  }

  static bool isPostfix(const ast::Expr* e) {
    return e && !e->items.empty() &&
           (e->kind == ExprKind::Member || e->kind == ExprKind::Index || e->kind == ExprKind::Call);
  }

  // `a.b[0](x).c`: walks the left spine in a loop, so a long chain does not recurse deeply.
  DocPtr postfixChain(const ast::Expr* e) {
    std::vector<const ast::Expr*> spine;
    for (; isPostfix(e); e = e->items[0].get()) spine.push_back(e);
    std::vector<DocPtr> parts{operand(e, kPostfix)};
    for (auto it = spine.rbegin(); it != spine.rend(); ++it) {
      const ast::Expr& x = **it;
      if (x.kind == ExprKind::Member) parts.push_back(text("." + x.text));
      else if (x.kind == ExprKind::Call) parts.push_back(args(x.args));
      else parts.push_back(concat({text("["), expr(x.items.size() > 1 ? x.items[1].get() : nullptr), text("]")}));
    }
    return concat(std::move(parts));
  }

  // `a || b || c`: operators of one level are left-associative, so the left spine needs no
  // parentheses; it is walked in a loop. A right operand of the same level needs them.
  DocPtr binaryChain(const ast::Expr* e) {
    int p = precedence(*e);
    std::vector<const ast::Expr*> spine;
    for (; e && e->kind == ExprKind::Binary && e->items.size() == 2 && precedence(*e) == p; e = e->items[0].get())
      spine.push_back(e);
    std::vector<DocPtr> parts{operand(e, p)};
    for (auto it = spine.rbegin(); it != spine.rend(); ++it) {
      std::string op = " ";
      op += (*it)->text;
      op += " ";
      parts.push_back(text(std::move(op)));
      parts.push_back(operand((*it)->items[1].get(), p + 1));
    }
    return concat(std::move(parts));
  }

  std::string stringLiteral(const ast::Expr& e) {
    std::string out = "\"";
    for (const auto& part : e.parts) {
      if (part.expr) out += "${" + renderFlat(expr(part.expr.get())) + "}";
      else out += escapeStringText(part.text);
    }
    return out + "\"";
  }

  const std::string& src_;
  const Trivia& trivia_;
};

}  // namespace

std::string escapeStringText(const std::string& decoded) {
  std::string quoted = quoteSource(decoded);
  return quoted.substr(1, quoted.size() - 2);
}

DocPtr unparse(const SourceManager& sm, const ast::File& file, const Trivia& trivia) {
  DocPtr d = Unparser(sm, file, trivia).file(file);
  return d ? d : text("");
}

}  // namespace mon::fmt
