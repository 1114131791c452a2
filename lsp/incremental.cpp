#include "incremental.h"

#include <algorithm>
#include <cstring>
#include <filesystem>

#include <string.h>  // memmem

#include "lower/lower.h"
#include "parse/parse.h"
#include "recheck.h"

namespace mon::lsp {

namespace {

namespace fs = std::filesystem;

bool isSyntaxKind(diag::Kind k) { return k >= diag::err_invalid_utf8 && k <= diag::err_import_not_literal; }

// Moves every range of a syntax tree by `delta` bytes.
struct Shifter {
  int64_t delta;
  void range(Range& r) const {
    if (!r.valid()) return;
    r.begin = static_cast<uint32_t>(r.begin + delta);
    r.end = static_cast<uint32_t>(r.end + delta);
  }
  void expr(ast::Expr* e) const {
    if (!e) return;
    range(e->range);
    for (auto& p : e->parts) {
      range(p.range);
      expr(p.expr.get());
    }
    for (auto& i : e->items) expr(i.get());
    for (auto& m : e->entries) {
      range(m.keyRange);
      expr(m.value.get());
    }
    for (auto& a : e->args) {
      range(a.nameRange);
      expr(a.value.get());
    }
  }
  void stmt(ast::Stmt& s) const {
    for (Range* r : {&s.range, &s.nameRange, &s.name2Range, &s.bodyRange, &s.elseRange}) range(*r);
    expr(s.value.get());
    for (auto& l : s.labels) {
      range(l.range);
      expr(l.string.get());
    }
    for (auto& p : s.params) {
      range(p.range);
      expr(p.defaultValue.get());
    }
    for (auto& a : s.args) {
      range(a.nameRange);
      expr(a.value.get());
    }
    for (auto& b : s.body) stmt(*b);
    for (auto& b : s.elseBody) stmt(*b);
  }
};

// The part of the text an edit changed: [begin, oldEnd) in the old text is [begin, newEnd) now.
struct Change {
  uint32_t begin, oldEnd, newEnd;
};
Change diff(const std::string& a, const std::string& b) {
  size_t n = std::min(a.size(), b.size()), p = 0;
  // Whole blocks first: a large file is mostly the same on both sides.
  constexpr size_t kBlock = 4096;
  while (p + kBlock <= n && std::memcmp(a.data() + p, b.data() + p, kBlock) == 0) p += kBlock;
  while (p < n && a[p] == b[p]) ++p;
  size_t s = 0;
  while (s + kBlock <= n - p && std::memcmp(a.data() + a.size() - s - kBlock, b.data() + b.size() - s - kBlock, kBlock) == 0)
    s += kBlock;
  while (s < n - p && a[a.size() - 1 - s] == b[b.size() - 1 - s]) ++s;
  return {static_cast<uint32_t>(p), static_cast<uint32_t>(a.size() - s), static_cast<uint32_t>(b.size() - s)};
}

// Import targets of a tree, in order; false if one is not a plain path.
bool importTargets(const ast::File& f, const std::string& rootPath, std::vector<std::string>& out) {
  for (const auto& st : f.stmts) {
    if (st->kind != ast::StmtKind::Import) continue;
    const ast::Expr* v = st->value.get();
    if (!v || v->kind != ast::ExprKind::String || v->parts.size() != 1 || v->parts[0].expr) return false;
    out.push_back((fs::path(rootPath).parent_path() / v->parts[0].text.view()).lexically_normal().string());
  }
  return true;
}

}  // namespace

bool syntaxClean(const Analysis& a) {
  for (const Diagnostic& d : a.comp->diags.all())
    if (isSyntaxKind(d.kind) && d.range.file == a.root) return false;
  return a.file() != nullptr;
}

bool reanalyze(Analysis& prev, const std::string& text, FileReader& reader, Analysis& out) {
  if (!prev.comp || prev.root != 0 || !prev.cleanSyntax) return false;
  const std::string& old = prev.text();
  ast::File* tree = &prev.comp->program.files.at(prev.root).ast;
  Change ch = diff(old, text);
  int64_t delta = static_cast<int64_t>(ch.newEnd) - ch.oldEnd;
  // Statements touched by the change (touching an edge counts) are parsed again, with the
  // gaps around them; the ones before keep their place, the ones after move by `delta`.
  auto& stmts = tree->stmts;
  size_t first = static_cast<size_t>(
      std::partition_point(stmts.begin(), stmts.end(), [&](const ast::StmtPtr& st) { return st->range.end < ch.begin; }) -
      stmts.begin());
  size_t last = static_cast<size_t>(
      std::partition_point(stmts.begin() + first, stmts.end(), [&](const ast::StmtPtr& st) { return st->range.begin <= ch.oldEnd; }) -
      stmts.begin());
  uint32_t regionBegin = first == 0 ? 0 : stmts[first - 1]->range.end;
  uint32_t oldRegionEnd = last == stmts.size() ? static_cast<uint32_t>(old.size()) : stmts[last]->range.begin;
  uint32_t regionEnd = static_cast<uint32_t>(oldRegionEnd + delta);
  if (regionBegin > ch.begin || regionEnd < ch.newEnd || regionEnd > text.size()) return false;
  // A comment on the region's last line would run on into the next statement in the full text.
  size_t lineStart = text.rfind('\n', regionEnd == 0 ? 0 : regionEnd - 1);
  lineStart = lineStart == std::string::npos || lineStart < regionBegin ? regionBegin : lineStart;
  std::string_view tail(text.data() + lineStart, regionEnd - lineStart);
  if (tail.find('#') != std::string_view::npos || tail.find("//") != std::string_view::npos) return false;

  // Parse the region alone, then move it to where it is in the text. It begins where a statement
  // may begin (or at the start), so it reads as it does in the whole text; only a byte order
  // mark is read differently at a text's start.
  std::string_view regionText(text.data() + regionBegin, regionEnd - regionBegin);
  if (regionBegin != 0 && regionText.substr(0, 3) == "\xEF\xBB\xBF") return false;
  // The kept statements' names and literals are views into the texts their tree's store keeps
  // (the text of the last full parse, the regions parsed since): after many edits that could be
  // far more than the text itself, and a full parse starts afresh.
  if (tree->strings.keptBytes() > 2 * text.size() + (1u << 20)) return false;
  SourceManager scratch;
  FileId id = scratch.add(prev.path(), std::string(regionText));
  DiagEngine regionDiags;
  ast::File region = parse(scratch, id, regionDiags);
  if (regionDiags.all().size() != 0 || id != prev.root) return false;
  if (regionBegin != 0) {
    Shifter place{regionBegin};
    for (auto& st : region.stmts) place.stmt(*st);
    for (auto& cm : region.comments) place.range(cm.range);
  }

  std::vector<std::string> imports;
  std::string rootPath = prev.path();
  // Assemble the new tree: prefix, region, shifted suffix (statements and comments).
  ast::File next;
  next.id = prev.root;
  next.strings = std::move(tree->strings);  // the bytes of both trees' strings go along
  next.strings.splice(std::move(region.strings));
  size_t regionCount = region.stmts.size();
  Shifter shift{delta};
  if (delta != 0)
    for (size_t i = last; i < stmts.size(); ++i) shift.stmt(*stmts[i]);
  if (regionCount == last - first) {  // the usual edit: as many statements as before, replaced in place
    for (size_t k = 0; k < regionCount; ++k) stmts[first + k] = std::move(region.stmts[k]);
    next.stmts = std::move(stmts);
  } else {
    for (size_t i = 0; i < first; ++i) next.stmts.push_back(std::move(stmts[i]));
    for (auto& s : region.stmts) next.stmts.push_back(std::move(s));
    for (size_t i = last; i < stmts.size(); ++i) next.stmts.push_back(std::move(stmts[i]));
  }
  for (auto& c : tree->comments)
    if (c.range.end <= regionBegin) next.comments.push_back(std::move(c));
  for (auto& c : region.comments) next.comments.push_back(std::move(c));
  for (auto& c : tree->comments)
    if (c.range.begin >= oldRegionEnd && !c.text.empty()) {
      shift.range(c.range);
      next.comments.push_back(std::move(c));
    }
  prev.cleanSyntax = false;  // its tree is gone now
  // Without the word anywhere there is no import (and no walk over every statement to find one).
  // A text without it before the edit can have it now only where the edit wrote.
  size_t wordBegin = ch.begin >= 5 ? ch.begin - 5 : 0, wordEnd = std::min<size_t>(text.size(), ch.newEnd + 5);
  out.importFree = prev.importFree ? !memmem(text.data() + wordBegin, wordEnd - wordBegin, "import", 6)
                                   : !memmem(text.data(), text.size(), "import", 6);
  if (!out.importFree && !importTargets(next, rootPath, imports)) return false;

  for (const auto& target : imports) {  // unreadable imports are reported at the import by load()
    std::string body, error;
    if (!reader.read(target, body, error)) return false;
  }
  // The rest of the pipeline, as compile() runs it, with this tree for the root.
  out.comp = std::make_unique<Compilation>();
  Compilation& c = *out.comp;
  c.diags.setErrorLimit(1000);
  FileId root = c.sources.add(rootPath, text);
  Program loaded = load(imports, c.sources, c.diags, reader);
  for (size_t i = 1; i < c.sources.fileCount(); ++i)
    if (Workspace::normalize(c.sources.path(static_cast<FileId>(i))) == Workspace::normalize(rootPath)) return false;  // a cycle
  c.program.files = std::move(loaded.files);
  LoadedFile& lf = c.program.files[root];
  lf.ast = std::move(next);
  for (const auto& target : imports) lf.imports.push_back(c.sources.find(target));
  c.program.roots = {root};
  out.root = root;
  out.cleanSyntax = true;
  // The checks again for the edited statements only, when that is known to be right.
  StatementEdit edit{first, last, regionCount, regionBegin, oldRegionEnd, delta};
  // Text after the region keeps its lines and columns when the edit keeps the number of lines
  // and a line ends between the edit and the region's end (text before the edit keeps them anyway).
  auto newlines = [](const std::string& t, uint32_t b, uint32_t e) { return std::count(t.begin() + b, t.begin() + e, '\n'); };
  edit.linesMove = newlines(old, ch.begin, ch.oldEnd) != newlines(text, ch.begin, ch.newEnd) ||
                   std::find(text.begin() + ch.newEnd, text.begin() + regionEnd, '\n') == text.begin() + regionEnd;
  if (imports.empty())
    if (auto state = recheckStatements(std::move(prev.recheck), edit, c, root, rootPath, reader)) {
      out.recheck = std::move(state);
      out.statementRecheck = true;
      return true;
    }
  Expanded expanded = expand(c.program, c.sources, ExpandOptions{}, c.diags);
  c.module = lower(std::move(expanded.objects), c.diags);
  return true;
}

}  // namespace mon::lsp
