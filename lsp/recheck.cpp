#include "recheck.h"

#include <algorithm>
#include <functional>
#include <map>

#include "backend.h"
#include "expand/eval.h"
#include "expand/expand.h"
#include "lint/config.h"
#include "lint/reporter.h"
#include "lint/rules.h"
#include "lint_pass.h"
#include "lower/lower.h"

namespace mon::lsp {

namespace {

constexpr std::string_view kSuppressionMarker = "monitorc-lint:";  // lint/suppress.cpp's directive marker
constexpr const char* kDuplicateRule = "MON009";                 // compares monitors with each other
constexpr size_t kErrorLimit = 1000;                             // as the full path's DiagEngine

bool isObjectStmt(const ast::Stmt& s) {
  return s.kind == ast::StmtKind::Block && (s.name == "monitor" || s.name == "dashboard");
}

// Statements (and blocks, `use`s and names read) inside a statement: what bounds its expansion
// steps, objects and evaluation budget (expand.h, eval.h).
struct Size {
  size_t nodes = 0, blocks = 0, uses = 0, refs = 0;
  bool loops = false, calls = false;
};
void measure(const ast::Expr* e, Size& out) {
  if (!e) return;
  if (e->kind == ast::ExprKind::Ident) ++out.refs;
  if (e->kind == ast::ExprKind::Call) out.calls = true;  // a function can build any size from a few bytes
  for (const auto& p : e->parts) measure(p.expr.get(), out);
  for (const auto& i : e->items) measure(i.get(), out);
  for (const auto& m : e->entries) measure(m.value.get(), out);
  for (const auto& a : e->args) measure(a.value.get(), out);
}
void measure(const ast::Stmt& s, Size& out) {
  ++out.nodes;
  if (s.kind == ast::StmtKind::Block) ++out.blocks;
  if (s.kind == ast::StmtKind::Use) ++out.uses;
  if (s.kind == ast::StmtKind::For) out.loops = true;
  measure(s.value.get(), out);
  for (const auto& l : s.labels) measure(l.string.get(), out);
  for (const auto& p : s.params) measure(p.defaultValue.get(), out);
  for (const auto& a : s.args) measure(a.value.get(), out);
  for (const auto& b : s.body) measure(*b, out);
  for (const auto& b : s.elseBody) measure(*b, out);
}

}  // namespace

// One top-level statement's findings and what other statements' checks need of it.
struct StatementResult {
  bool object = false;  // a monitor or dashboard block: checked alone after an edit
  std::vector<Diagnostic> front, backend, lint;  // compile; backends' checks; lint without MON009
  bool backendKnown = false, lintKnown = false;  // whether those ran for it (they need a clean program)
  std::vector<std::string> keys;                 // names that must be unique: "m\0name", "d\0url_path"
  size_t monitors = 0;                           // how many of RecheckState::module.monitors it made
  size_t nodes = 0, blocks = 0, uses = 0, refs = 0, bytes = 0;  // its size (see Size): bounds its expansion
};

struct RecheckState {
  std::vector<StatementResult> stmts;  // by top-level statement
  ir::Module module;                   // the monitors of every statement, in order (for MON009)
  std::map<std::string, int> keyCount;
  size_t templateNodes = 0;            // the largest template's statements: what one `use` costs
  size_t letBytes = 0;                 // the longest let or variable (their values are literals)
  size_t templateCost = 0;             // the most one `use` can hand to blocks (bytes + names read)
  bool hasConfig = false;
  std::string configText;
};

namespace {

// The index of the statement of `spans` (sorted, disjoint) holding offset `at`, or -1.
long statementAt(const ast::File& tree, uint32_t at) {
  const auto& s = tree.stmts;
  size_t lo = 0, hi = s.size();
  while (lo < hi) {  // first statement beginning after `at`
    size_t mid = (lo + hi) / 2;
    if (s[mid]->range.begin <= at) lo = mid + 1;
    else hi = mid;
  }
  if (lo == 0) return -1;
  const Range& r = s[lo - 1]->range;
  return at <= r.end ? static_cast<long>(lo - 1) : -1;
}

// The object statement a finding belongs to: where it is, else the first note in one (a
// template's finding names the `use` that expanded it); -1 when none.
long ownerOf(const Diagnostic& d, const ast::File& tree, FileId root, const std::function<bool(long)>& isObject) {
  if (d.range.valid() && d.range.file == root) {
    long i = statementAt(tree, d.range.begin);
    if (i >= 0 && isObject(i)) return i;
  }
  for (const Note& n : d.notes)
    if (n.range.valid() && n.range.file == root) {
      long i = statementAt(tree, n.range.begin);
      if (i >= 0 && isObject(i)) return i;
    }
  return -1;
}

long ownerOfRange(Range r, const ast::File& tree, FileId root) {
  return r.valid() && r.file == root ? statementAt(tree, r.begin) : -1;
}

// Moves offsets after an edit: unchanged before the region, by `delta` after it; false for a
// range that reaches into the re-parsed region (whose findings were all made again).
struct Mover {
  FileId root;
  uint32_t regionBegin, oldRegionEnd;
  int64_t delta;
  bool ok = true;
  void range(Range& r) {
    if (!r.valid() || r.file != root) return;
    if (r.begin >= oldRegionEnd) {
      r.begin = static_cast<uint32_t>(r.begin + delta);
      r.end = static_cast<uint32_t>(r.end + delta);
    } else if (r.end > regionBegin) {
      ok = false;
    }
  }
  void diag(Diagnostic& d) {
    range(d.range);
    for (auto& n : d.notes) range(n.range);
    for (auto& f : d.fixits) range(f.range);
  }
  void monitor(ir::Monitor& m) {
    range(m.range);
    range(m.nameRange);
    for (auto& p : m.props.list) range(p.range);
    for (auto& r : m.targetRanges) range(r);
    for (auto& s : m.loopSteps) range(s.at);
    for (auto& r : m.madeBy.useSites) range(r);
    for (auto& r : m.channelRanges) range(r);
  }
};

bool sameConfig(const RecheckState& st, const std::string& rootPath, FileReader& reader) {
  std::string path, text;
  bool has = findLintConfig(rootPath, reader, path, text);
  return has == st.hasConfig && (!has || text == st.configText);
}

size_t errorsIn(const std::vector<Diagnostic>& ds) {
  size_t n = 0;
  for (const auto& d : ds) n += d.severity == Severity::Error;
  return n;
}

// Fills the results of statements from the diagnostics and module of one compile (a full one,
// or one of the edited statements with the definitions they read). False when a finding or an
// object belongs to no object statement (the shortcut could not keep it right).
bool distribute(const Compilation& c, FileId root, const ast::File& tree, size_t frontEnd, size_t backendEnd,
                const std::function<bool(long)>& isObject, const std::function<StatementResult*(long)>& resultOf) {
  bool frontClean = true, backendClean = true;
  for (size_t k = 0; k < c.diags.all().size(); ++k) {
    const Diagnostic& d = c.diags.all()[k];
    if (d.severity != Severity::Error) continue;
    if (k < frontEnd) frontClean = false;
    else if (k < backendEnd) backendClean = false;
  }
  for (size_t k = 0; k < c.diags.all().size(); ++k) {
    const Diagnostic& d = c.diags.all()[k];
    if (d.rule == kDuplicateRule) continue;  // made again over every monitor
    if (d.kind == diag::err_duplicate_monitor || d.kind == diag::err_duplicate_url_path) return false;
    long i = ownerOf(d, tree, root, isObject);
    StatementResult* r = i >= 0 ? resultOf(i) : nullptr;
    if (!r) return false;
    (k < frontEnd ? r->front : k < backendEnd ? r->backend : r->lint).push_back(d);
  }
  const ir::Module& m = c.module;
  if (!m.targets.empty() || !m.rules.empty() || !m.channels.empty() || !m.routes.empty() || !m.maintenances.empty() ||
      !m.routeTests.empty() || !m.tests.empty())
    return false;
  for (const auto& mon : m.monitors) {
    StatementResult* r = resultOf(ownerOfRange(mon.range, tree, root));
    if (!r) return false;
    ++r->monitors;
    r->keys.push_back(std::string("m") + '\0' + mon.name);
  }
  for (const auto& d : m.dashboards) {
    StatementResult* r = resultOf(ownerOfRange(d.range, tree, root));
    if (!r) return false;
    r->keys.push_back(std::string("d") + '\0' + d.urlPath);
  }
  for (long i = 0; i < static_cast<long>(tree.stmts.size()); ++i)
    if (StatementResult* r = resultOf(i)) {
      r->backendKnown = frontClean;
      r->lintKnown = frontClean && backendClean;
    }
  return true;
}

// Whether a program's expansion stays far from expand.h's limits (so they cannot fire in the
// full pipeline while the statements checked alone stay under them). Without loops and nested
// templates, a statement costs its own statements plus, per `use`, one template's.
// The evaluation budget: without function calls and with literal lets, what a statement hands
// to blocks is at most its own text, plus a let's per name read, plus a template's per `use`.
bool farFromLimits(const RecheckState& st) {
  size_t nodes = 0, blocks = 0, uses = 0, spent = 0;
  for (const auto& r : st.stmts) {
    nodes += r.nodes;
    blocks += r.blocks;
    uses += r.uses;
    spent += r.bytes + r.refs * st.letBytes + r.uses * st.templateCost;
  }
  size_t extra = uses * st.templateNodes;
  return nodes + extra < kMaxSteps / 2 && blocks + extra < kMaxObjects / 2 && spent < kMaxEvalElements / 2;
}

void sizeOf(const ast::Stmt& s, StatementResult& r, Size& size) {
  measure(s, size);
  r.nodes = size.nodes;
  r.blocks = size.blocks;
  r.uses = size.uses;
  r.refs = size.refs;
  r.bytes = s.range.end - s.range.begin;
}

}  // namespace

std::shared_ptr<RecheckState> buildRecheckState(Analysis& a, size_t frontEnd, size_t backendEnd, const std::string& rootPath,
                                                FileReader& reader) {
  if (!a.comp || !a.cleanSyntax || a.root == kNoFile) return nullptr;
  Compilation& c = *a.comp;
  if (c.program.files.size() != 1 || c.sources.text(a.root).find(kSuppressionMarker) != std::string::npos) return nullptr;
  if (c.diags.errorCount() >= kErrorLimit / 2) return nullptr;
  const ast::File* tree = a.file();
  if (!tree) return nullptr;
  auto st = std::make_shared<RecheckState>();
  st->stmts.resize(tree->stmts.size());
  for (size_t i = 0; i < tree->stmts.size(); ++i) {
    const ast::Stmt& s = *tree->stmts[i];
    Size size;
    sizeOf(s, st->stmts[i], size);
    if (size.loops || size.calls) return nullptr;
    bool definition = s.kind == ast::StmtKind::Let || (s.kind == ast::StmtKind::Block && s.name == "variable");
    if (s.kind == ast::StmtKind::Template) {
      if (size.uses) return nullptr;  // nested templates: a `use` could cost any number of steps
      st->templateNodes = std::max(st->templateNodes, size.nodes);
    } else if (definition) {
      if (size.refs) return nullptr;  // a let of lets can double its size at every step
      st->letBytes = std::max(st->letBytes, st->stmts[i].bytes);
    } else if (!isObjectStmt(s)) {
      return nullptr;
    }
    st->stmts[i].object = isObjectStmt(s);
  }
  for (size_t i = 0; i < tree->stmts.size(); ++i)
    if (tree->stmts[i]->kind == ast::StmtKind::Template) {
      const StatementResult& r = st->stmts[i];
      st->templateCost = std::max(st->templateCost, r.bytes + r.refs * st->letBytes);
      st->stmts[i].refs = 0;  // a template costs where it is used
    }
  if (!farFromLimits(*st)) return nullptr;
  auto isObject = [&](long i) { return i >= 0 && static_cast<size_t>(i) < st->stmts.size() && st->stmts[i].object; };
  auto resultOf = [&](long i) -> StatementResult* { return isObject(i) ? &st->stmts[i] : nullptr; };
  if (!distribute(c, a.root, *tree, frontEnd, backendEnd, isObject, resultOf)) return nullptr;
  for (const auto& r : st->stmts)
    for (const auto& k : r.keys)
      if (++st->keyCount[k] > 1) return nullptr;
  st->module.monitors = std::move(c.module.monitors);  // the language server reads no IR
  std::string path;
  st->hasConfig = findLintConfig(rootPath, reader, path, st->configText);
  return st;
}

std::shared_ptr<RecheckState> recheckStatements(std::shared_ptr<RecheckState> state, const StatementEdit& edit,
                                                Compilation& c, FileId root, const std::string& rootPath, FileReader& reader) {
  if (!state || c.program.files.size() != 1) return nullptr;
  RecheckState& st = *state;
  ast::File& tree = c.program.files.at(root).ast;
  const std::string& text = c.sources.text(root);
  if (edit.oldLast > st.stmts.size() || edit.first > edit.oldLast ||
      st.stmts.size() - (edit.oldLast - edit.first) + edit.newCount != tree.stmts.size())
    return nullptr;
  for (size_t i = edit.first; i < edit.oldLast; ++i)
    if (!st.stmts[i].object) return nullptr;
  std::string_view region(text.data() + edit.regionBegin,
                          static_cast<size_t>(static_cast<int64_t>(edit.oldRegionEnd) + edit.delta) - edit.regionBegin);
  if (region.find(kSuppressionMarker) != std::string_view::npos) return nullptr;
  std::vector<StatementResult> fresh(edit.newCount);
  for (size_t k = 0; k < edit.newCount; ++k) {
    const ast::Stmt& s = *tree.stmts[edit.first + k];
    Size size;
    sizeOf(s, fresh[k], size);
    if (!isObjectStmt(s) || size.loops || size.calls) return nullptr;
    fresh[k].object = true;
  }
  if (!sameConfig(st, rootPath, reader)) return nullptr;

  // The edited statements with every definition (let, template, variable), in source order,
  // through the whole pipeline; the statements' trees are lent and given back.
  std::vector<ir::Monitor> made;
  if (edit.newCount > 0) {
    Compilation slice;
    slice.diags.setErrorLimit(kErrorLimit);
    FileId sid = slice.sources.add(rootPath, text);
    if (sid != root) return nullptr;
    LoadedFile& lf = slice.program.files[sid];
    lf.ast.id = sid;
    std::vector<size_t> lent;
    for (size_t i = 0; i < tree.stmts.size(); ++i)
      if ((i >= edit.first && i < edit.first + edit.newCount) || !isObjectStmt(*tree.stmts[i])) {
        lent.push_back(i);
        lf.ast.stmts.push_back(std::move(tree.stmts[i]));
      }
    struct GiveBack {
      ast::File& to;
      ast::File& from;
      const std::vector<size_t>& lent;
      ~GiveBack() {
        for (size_t k = 0; k < lent.size(); ++k) to.stmts[lent[k]] = std::move(from.stmts[k]);
      }
    } giveBack{tree, lf.ast, lent};
    slice.program.roots = {sid};
    Expanded expanded = expand(slice.program, slice.sources, ExpandOptions{}, slice.diags);
    slice.module = lower(std::move(expanded.objects), slice.diags);
    size_t frontEnd = slice.diags.all().size();
    if (slice.diags.errorCount() == 0) checkBackends(slice.module, slice.diags);
    size_t backendEnd = slice.diags.all().size();
    lintAnalysis(slice, rootPath, reader);
    // Findings and objects belong to the slice's statements k = index in lf.ast.stmts.
    auto freshOf = [&](long k) -> StatementResult* {
      if (k < 0 || static_cast<size_t>(k) >= lent.size()) return nullptr;
      size_t i = lent[k];
      return i >= edit.first && i < edit.first + edit.newCount ? &fresh[i - edit.first] : nullptr;
    };
    auto isFresh = [&](long k) { return freshOf(k) != nullptr; };
    if (!distribute(slice, sid, lf.ast, frontEnd, backendEnd, isFresh, freshOf)) return nullptr;
    // The slice's monitors, in order, replace the edited statements' ones below.
    made = std::move(slice.module.monitors);
  }
  {
    size_t at = 0, gone = 0;
    for (size_t i = 0; i < edit.first; ++i) at += st.stmts[i].monitors;
    for (size_t i = edit.first; i < edit.oldLast; ++i) gone += st.stmts[i].monitors;
    auto& mons = st.module.monitors;
    if (at + gone > mons.size()) return nullptr;
    mons.erase(mons.begin() + static_cast<std::ptrdiff_t>(at), mons.begin() + static_cast<std::ptrdiff_t>(at + gone));
    Mover move{root, edit.regionBegin, edit.oldRegionEnd, edit.delta};
    if (edit.delta != 0)
      for (auto& m : mons) move.monitor(m);
    mons.insert(mons.begin() + static_cast<std::ptrdiff_t>(at), std::make_move_iterator(made.begin()),
                std::make_move_iterator(made.end()));
    if (!move.ok) return nullptr;
  }

  // Names: the edited statements' leave, the new ones' come; a duplicate goes the full path.
  for (size_t i = edit.first; i < edit.oldLast; ++i)
    for (const auto& k : st.stmts[i].keys)
      if (--st.keyCount[k] == 0) st.keyCount.erase(k);
  for (const auto& r : fresh)
    for (const auto& k : r.keys)
      if (++st.keyCount[k] > 1) return nullptr;

  // The kept statements' findings move with their text.
  Mover move{root, edit.regionBegin, edit.oldRegionEnd, edit.delta};
  for (size_t i = 0; i < st.stmts.size(); ++i) {
    if (i >= edit.first && i < edit.oldLast) continue;
    for (auto* list : {&st.stmts[i].front, &st.stmts[i].backend, &st.stmts[i].lint})
      for (auto& d : *list) move.diag(d);
  }
  if (!move.ok) return nullptr;
  st.stmts.erase(st.stmts.begin() + static_cast<std::ptrdiff_t>(edit.first),
                 st.stmts.begin() + static_cast<std::ptrdiff_t>(edit.oldLast));
  st.stmts.insert(st.stmts.begin() + static_cast<std::ptrdiff_t>(edit.first), std::make_move_iterator(fresh.begin()),
                  std::make_move_iterator(fresh.end()));
  if (!farFromLimits(st)) return nullptr;

  // The findings of the whole program, as the full pipeline gates them: the backends' checks
  // only without compile errors, lint only without any error.
  DiagEngine out;
  out.setErrorLimit(kErrorLimit);
  size_t frontErrors = 0;
  for (const auto& r : st.stmts) frontErrors += errorsIn(r.front);
  if (frontErrors >= kErrorLimit / 2) return nullptr;
  for (const auto& r : st.stmts)
    for (const auto& d : r.front) out.append(d);
  if (frontErrors == 0) {
    size_t backendErrors = 0;
    for (const auto& r : st.stmts) {
      if (r.object && !r.backendKnown) return nullptr;
      backendErrors += errorsIn(r.backend);
      for (const auto& d : r.backend) out.append(d);
    }
    if (backendErrors == 0) {
      for (const auto& r : st.stmts)
        if (r.object && !r.lintKnown) return nullptr;
      lint::Config config;
      FileId configFile = kNoFile;
      std::string path, configText;
      if (findLintConfig(rootPath, reader, path, configText)) {
        configFile = c.sources.add(path, configText);
        config = lint::parseConfig(configFile, c.sources, out);
        if (out.errorCount() != 0) return nullptr;
      }
      size_t mark = out.all().size();
      for (const auto& r : st.stmts)
        for (const auto& d : r.lint) out.append(d);
      lint::Suppressions none;  // the program has no suppression comments
      lint::Reporter reporter(c.sources, config, none, out);
      lint::checkDuplicates(st.module, reporter);
      reporter.finish();
      auto& all = out.mutableAll();
      std::stable_sort(all.begin() + static_cast<std::ptrdiff_t>(mark), all.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return a.range.file != b.range.file ? a.range.file < b.range.file : a.range.begin < b.range.begin;
      });
      out.mergeLoopRepeats();
    }
  }
  if (out.errorCount() >= kErrorLimit / 2) return nullptr;
  if (c.diags.all().empty()) c.diags = std::move(out);
  else
    for (const auto& d : out.all()) c.diags.append(d);
  return state;
}

}  // namespace mon::lsp
