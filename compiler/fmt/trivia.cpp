#include "fmt/trivia.h"

#include <algorithm>

namespace mon::fmt {

namespace {

// Places each comment by walking down from the file: into the body, list or map that holds
// it, then between that sequence's elements. A comment inside an element but in no nested
// sequence (in a block header, between `else` and `{`, inside a call or a string
// interpolation) is moved out to lead that element, so no comment is ever lost.
class Attacher {
 public:
  Attacher(const SourceManager& sm, const ast::File& file) : sm_(sm), file_(file.id), text_(sm.text(file.id)) {}

  Trivia run(const ast::File& file) {
    for (const auto& c : file.comments) inStmts(file.stmts, &file.stmts, kNoOpen, c);
    for (const auto& s : file.stmts) moveToBrace(*s);
    return std::move(out_);
  }

 private:
  static constexpr uint32_t kNoOpen = 0xffffffffu;

  uint32_t line(uint32_t offset) const { return sm_.lineCol(file_, offset).line; }
  CommentRef ref(const ast::Comment& c) const { return CommentRef{&c, blankLineBefore(text_, c.range.begin)}; }
  void hoist(const void* elem, const ast::Comment& c) { out_.elems[elem].leading.push_back(CommentRef{&c, false}); }

  // Between elements [begin, end) of one sequence: trailing on the line where the previous one
  // ends, else on the line of the opening bracket (bodies), else leading the next, else dangling.
  template <typename Elems, typename RangeOf, typename Inside, typename Key>
  void place(const Elems& elems, const void* seqKey, uint32_t open, bool bodyOpen, const ast::Comment& c,
             RangeOf rangeOf, Inside inside, Key key) {
    uint32_t p = c.range.begin;
    auto it = std::partition_point(elems.begin(), elems.end(), [&](const auto& e) { return rangeOf(e).first <= p; });
    size_t i = static_cast<size_t>(it - elems.begin());
    if (i > 0 && rangeOf(elems[i - 1]).second > p) {
      if (!inside(elems[i - 1])) hoist(key(elems[i - 1]), c);
      return;
    }
    if (i > 0 && line(rangeOf(elems[i - 1]).second - 1) == line(p)) {
      out_.elems[key(elems[i - 1])].trailing.push_back(ref(c));
    } else if (i == 0 && bodyOpen && open != kNoOpen && line(open) == line(p)) {
      out_.seqs[seqKey].open.push_back(ref(c));
    } else if (i < elems.size()) {
      out_.elems[key(elems[i])].leading.push_back(ref(c));
    } else {
      out_.seqs[seqKey].dangling.push_back(ref(c));
    }
  }

  void inStmts(const ast::List<ast::StmtPtr>& stmts, const void* key, uint32_t open, const ast::Comment& c) {
    place(
        stmts, key, open, true, c,
        [](const ast::StmtPtr& s) { return std::pair<uint32_t, uint32_t>(s->range.begin, s->range.end); },
        [&](const ast::StmtPtr& s) { return inside(*s, c); }, [](const ast::StmtPtr& s) { return static_cast<const void*>(s.get()); });
  }

  // Places `c` somewhere inside statement `s`; false when no body, list or map of it holds it.
  bool inside(const ast::Stmt& s, const ast::Comment& c) {
    uint32_t p = c.range.begin;
    if (s.bodyRange.valid() && p > s.bodyRange.begin && p < s.bodyRange.end) {
      inStmts(s.body, &s.body, s.bodyRange.begin, c);
      return true;
    }
    if (s.hasElse && s.elseIsIf && !s.elseBody.empty()) {
      const ast::Stmt& elif = *s.elseBody[0];
      if (p >= elif.range.begin && p < elif.range.end && inside(elif, c)) return true;
    } else if (s.hasElse) {
      uint32_t brace = openBrace(s.elseRange.end);
      if (brace < s.range.end && p > brace && p < s.range.end) {
        inStmts(s.elseBody, &s.elseBody, brace, c);
        return true;
      }
    }
    if (s.value && inExpr(*s.value, c)) return true;
    for (const auto& a : s.args)
      if (a.value && inExpr(*a.value, c)) return true;
    for (const auto& prm : s.params)
      if (prm.defaultValue && inExpr(*prm.defaultValue, c)) return true;
    return false;
  }

  // Places `c` in a list or map inside `e`; false when none holds it. Strings are not entered:
  // a comment inside `${...}` is moved out.
  bool inExpr(const ast::Expr& e, const ast::Comment& c) {
    uint32_t p = c.range.begin;
    if (p < e.range.begin || p >= e.range.end) return false;
    if (e.kind == ast::ExprKind::List) {
      place(
          e.items, &e, e.range.begin, false, c,
          [](const ast::ExprPtr& x) { return std::pair<uint32_t, uint32_t>(x->range.begin, x->range.end); },
          [&](const ast::ExprPtr& x) { return inExpr(*x, c); }, [](const ast::ExprPtr& x) { return static_cast<const void*>(x.get()); });
      return true;
    }
    if (e.kind == ast::ExprKind::Map) {
      place(
          e.entries, &e, e.range.begin, false, c,
          [](const ast::MapEntry& m) {
            return std::pair<uint32_t, uint32_t>(m.keyRange.begin, m.value ? m.value->range.end : m.keyRange.end);
          },
          [&](const ast::MapEntry& m) { return m.value && inExpr(*m.value, c); },
          [](const ast::MapEntry& m) { return static_cast<const void*>(&m); });
      return true;
    }
    if (e.kind == ast::ExprKind::String) return false;
    for (const auto& x : e.items)
      if (x && inExpr(*x, c)) return true;
    for (const auto& a : e.args)
      if (a.value && inExpr(*a.value, c)) return true;
    return false;
  }

  // `target x "y" { a = 1 }  # why`: the body gets lines of its own, so the comment moves
  // up to the line of the `{` instead of trailing the distant `}`.
  void moveToBrace(const ast::Stmt& s) {
    for (const auto& b : s.body) moveToBrace(*b);
    for (const auto& b : s.elseBody) moveToBrace(*b);
    if (s.body.empty() || !s.bodyRange.valid() || (s.kind == ast::StmtKind::If && s.hasElse)) return;
    auto t = out_.elems.find(&s);
    if (t == out_.elems.end() || t->second.trailing.empty() || out_.seqs[&s.body].open.size()) return;
    if (line(s.bodyRange.begin) != line(s.bodyRange.end - 1)) return;
    out_.seqs[&s.body].open = std::move(t->second.trailing);
    t->second.trailing.clear();
  }

  // Offset of the `{` that follows `pos`, skipping spaces and comments.
  uint32_t openBrace(uint32_t pos) const {
    size_t i = pos;
    while (i < text_.size()) {
      char ch = text_[i];
      if (ch == '#' || (ch == '/' && i + 1 < text_.size() && text_[i + 1] == '/')) {
        while (i < text_.size() && text_[i] != '\n') ++i;
      } else if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
        ++i;
      } else {
        return ch == '{' ? static_cast<uint32_t>(i) : kNoOpen;
      }
    }
    return kNoOpen;
  }

  const SourceManager& sm_;
  FileId file_;
  const std::string& text_;
  Trivia out_;
};

}  // namespace

const ElemTrivia* Trivia::elem(const void* key) const {
  auto it = elems.find(key);
  return it == elems.end() ? nullptr : &it->second;
}

const SeqTrivia* Trivia::seq(const void* key) const {
  auto it = seqs.find(key);
  return it == seqs.end() ? nullptr : &it->second;
}

Trivia attachComments(const SourceManager& sm, const ast::File& file) { return Attacher(sm, file).run(file); }

bool blankLineBefore(const std::string& text, uint32_t offset) {
  int newlines = 0;
  for (size_t i = std::min<size_t>(offset, text.size()); i > 0; --i) {
    char ch = text[i - 1];
    if (ch == '\n') ++newlines;
    else if (ch != ' ' && ch != '\t' && ch != '\r') break;
  }
  return newlines >= 2;
}

}  // namespace mon::fmt
