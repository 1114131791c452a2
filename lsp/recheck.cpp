#include "recheck.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <unordered_map>

#include "backend.h"
#include "expand/eval.h"
#include "expand/expand.h"
#include "lint/config.h"
#include "lint/reporter.h"
#include "lint/rules.h"
#include "lint/suppress.h"
#include "lint_pass.h"
#include "lower/lower.h"

namespace mon::lsp {

namespace {

constexpr std::string_view kSuppressionMarker = "monitorc-lint:";  // lint/suppress.cpp's directive marker
constexpr const char* kDuplicateRule = "MON009";                 // compares monitors with each other
constexpr size_t kErrorLimit = 1000;                             // as the full path's DiagEngine
constexpr FileId kConfigFile = 1;  // where lintAnalysis() adds the configuration: after the root, in a program of one file

bool isObjectStmt(const ast::Stmt& s) {
  return s.kind == ast::StmtKind::Block && (s.name == "monitor" || s.name == "dashboard");
}

// A target block: the backends' checks of every monitor read the targets, and their settings'
// own checks (and clashes between targets) read nothing else, so its findings are kept while
// only monitors and dashboards are edited.
bool isTargetStmt(const ast::Stmt& s) { return s.kind == ast::StmtKind::Block && s.name == "target"; }

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

// A number no other run of findings had (see forEachFindingRun): given to findings when they are
// made, or when the lines and columns they point at may have changed.
uint64_t newStamp() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

// One top-level statement's findings and what other statements' checks need of it.
struct StatementResult {
  uint64_t stamp = newStamp();  // its findings' run ids (see forEachFindingRun)
  bool object = false;  // a monitor or dashboard block: checked alone after an edit
  bool target = false;  // a target block: never edited by the shortcut, its findings kept
  std::vector<Diagnostic> front, backend, lint;  // compile; backends' checks; lint without MON009
  bool backendKnown = false, lintKnown = false;  // whether those ran for it (they need a clean program)
  std::vector<std::string> keys;                 // names that must be unique: "m\0name", "d\0url_path"
  size_t monitors = 0;                           // how many of RecheckState::module.monitors it made
  size_t nodes = 0, blocks = 0, uses = 0, refs = 0, bytes = 0;  // its size (see Size): bounds its expansion
};

// MON009 for one monitor of RecheckState::module (at the same position): the earlier monitor
// it is reported against, and the finding. Kept from edit to edit, so that an edit compares only
// the monitors that share an identity with the ones it made or took away.
struct DuplicateState {
  lint::MonitorIdentity identity;
  long match = kUnknown;             // position of that earlier monitor; kNone: none
  std::vector<Diagnostic> finding;   // none, or its finding (none either when MON009 is off)
  uint64_t stamp = newStamp();       // the finding's run id (see forEachFindingRun)
  static constexpr long kNone = -1, kUnknown = -2;
};

// Sums over every statement, kept up to date by each edit (the replaced statements' taken away,
// the new ones' added) so that an edit does not walk every statement of a large file.
struct Totals {
  size_t frontErrors = 0, backendErrors = 0, lintErrors = 0;  // lint's without MON009
  size_t backendUnknown = 0, lintUnknown = 0;  // monitors, dashboards and targets those checks did not run for
  size_t nodes = 0, blocks = 0, uses = 0, spent = 0;  // what farFromLimits() bounds
};

struct RecheckState {
  std::vector<StatementResult> stmts;  // by top-level statement
  Totals totals;
  ir::Module module;                   // the monitors of every statement, in order (for MON009)
  std::vector<DuplicateState> duplicates;                       // by position in module.monitors
  std::unordered_map<std::string, std::vector<size_t>> groups;  // identity key -> positions, ascending
  std::map<std::string, int> keyCount;
  size_t templateNodes = 0;            // the largest template's statements: what one `use` costs
  size_t letBytes = 0;                 // the longest let or variable (their values are literals)
  size_t templateCost = 0;             // the most one `use` can hand to blocks (bytes + names read)
  bool hasConfig = false;
  std::string configPath, configText;
  lint::Config config;
  std::vector<Diagnostic> configDiags;  // the configuration's own warnings, in file kConfigFile
  uint64_t configStamp = newStamp();
  SourceManager reporterSources;        // what lint::Reporter reads: an empty root, the configuration
  // What the last check published, as the full pipeline gates it: the backends' checks only
  // without compile errors, lint only without any error.
  bool showBackend = false, showLint = false;
  std::vector<size_t> definitions;  // the statements that are not monitors or dashboards, ascending
};

namespace {

// Where the definitions (and targets) are after `edit`: an edit touches objects only.
std::vector<size_t> definitionsAfter(const RecheckState& st, const StatementEdit& edit) {
  std::vector<size_t> out = st.definitions;
  for (size_t& i : out)
    if (i >= edit.oldLast) i = i - (edit.oldLast - edit.first) + edit.newCount;
  return out;
}

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
    if (delta == 0) return;  // nothing moves; the block (above) says whether it reaches into the region
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
  if (!m.rules.empty() || !m.channels.empty() || !m.routes.empty() || !m.maintenances.empty() ||
      !m.routeTests.empty() || !m.tests.empty())
    return false;
  for (const auto& mon : m.monitors) {
    StatementResult* r = resultOf(ownerOfRange(mon.range, tree, root));
    if (!r || !r->object) return false;
    ++r->monitors;
    r->keys.push_back(std::string("m") + '\0' + mon.name);
  }
  for (const auto& d : m.dashboards) {
    StatementResult* r = resultOf(ownerOfRange(d.range, tree, root));
    if (!r || !r->object) return false;
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
  const Totals& t = st.totals;
  size_t extra = t.uses * st.templateNodes;
  return t.nodes + extra < kMaxSteps / 2 && t.blocks + extra < kMaxObjects / 2 && t.spent < kMaxEvalElements / 2;
}

// Adds statement `r` to the totals (sign 1) or takes it away (sign -1).
void tally(RecheckState& st, const StatementResult& r, int sign) {
  Totals& t = st.totals;
  auto add = [&](size_t& sum, size_t v) { sum = sign > 0 ? sum + v : sum - v; };
  add(t.frontErrors, errorsIn(r.front));
  add(t.backendErrors, errorsIn(r.backend));
  add(t.lintErrors, errorsIn(r.lint));
  add(t.backendUnknown, (r.object || r.target) && !r.backendKnown);
  add(t.lintUnknown, (r.object || r.target) && !r.lintKnown);
  add(t.nodes, r.nodes);
  add(t.blocks, r.blocks);
  add(t.uses, r.uses);
  add(t.spent, r.bytes + r.refs * st.letBytes + r.uses * st.templateCost);
}

void sizeOf(const ast::Stmt& s, StatementResult& r, Size& size) {
  measure(s, size);
  r.nodes = size.nodes;
  r.blocks = size.blocks;
  r.uses = size.uses;
  r.refs = size.refs;
  r.bytes = s.range.end - s.range.begin;
}

// The configuration as lint reads it, parsed once (sameConfig() sends a changed one to the full
// path). False when it has errors: lint stops at them, which only the full path reports.
bool loadConfig(RecheckState& st, const std::string& rootPath, FileReader& reader) {
  st.reporterSources.add(rootPath, "");
  st.hasConfig = findLintConfig(rootPath, reader, st.configPath, st.configText);
  if (!st.hasConfig) return true;
  if (st.reporterSources.add(st.configPath, st.configText) != kConfigFile) return false;
  DiagEngine diags;
  st.config = lint::parseConfig(kConfigFile, st.reporterSources, diags);
  if (diags.errorCount() != 0) return false;
  st.configDiags = diags.all();
  return true;
}

// Makes the MON009 finding of the monitor at `p` against the one at `match` (kNone: none).
void remakeFinding(RecheckState& st, size_t p, long match) {
  DuplicateState& d = st.duplicates[p];
  d.match = match;
  d.finding.clear();
  d.stamp = newStamp();
  if (match < 0) return;
  DiagEngine out;
  lint::Suppressions none;  // the program has no suppression comments
  lint::Reporter reporter(st.reporterSources, st.config, none, out);
  lint::reportDuplicateMonitor(st.module.monitors[p], st.module.monitors[static_cast<size_t>(match)], d.identity.what, reporter);
  reporter.finish();
  d.finding = std::move(out.mutableAll());
}

// The monitors of identity `key` from position `from` on are compared with the ones before them
// again, as lint::checkDuplicates() does: each against the first earlier one with a common
// target. Only findings whose match changed are made again.
void recompare(RecheckState& st, const std::string& key, size_t from) {
  auto it = st.groups.find(key);
  if (it == st.groups.end()) return;
  const std::vector<size_t>& members = it->second;
  const auto& mons = st.module.monitors;
  for (auto m = std::lower_bound(members.begin(), members.end(), from); m != members.end(); ++m) {
    long match = DuplicateState::kNone;
    for (auto q = members.begin(); q != m; ++q)
      if (lint::targetsOverlap(mons[*q].targets, mons[*m].targets)) {
        match = static_cast<long>(*q);
        break;
      }
    if (match != st.duplicates[*m].match) remakeFinding(st, *m, match);
  }
}

// MON009 over every monitor of the state, from scratch.
void indexDuplicates(RecheckState& st) {
  const auto& mons = st.module.monitors;
  st.duplicates.assign(mons.size(), DuplicateState{});
  st.groups.clear();
  for (size_t p = 0; p < mons.size(); ++p) {
    st.duplicates[p].stamp = newStamp();
    st.duplicates[p].identity = lint::monitorIdentity(mons[p]);
    st.groups[st.duplicates[p].identity.key].push_back(p);
  }
  for (const auto& [key, members] : st.groups) recompare(st, key, 0);
}

// The monitors at [at, at + gone) were replaced by `made`: moves the others' positions, ranges
// (by the edit's size change) and findings, and compares again only the monitors that share an
// identity with one that went or came. False when a kept range reaches into the edited region.
bool replaceMonitors(RecheckState& st, size_t at, size_t gone, std::vector<ir::Monitor> made, Mover move) {
  auto& mons = st.module.monitors;
  auto& dups = st.duplicates;
  size_t added = made.size();
  auto moved = [&](size_t q) { return q + added - gone; };  // a position at or after at + gone, after the edit
  std::vector<std::string> affected;
  for (size_t p = at; p < at + gone; ++p) affected.push_back(dups[p].identity.key);
  std::sort(affected.begin(), affected.end());
  affected.erase(std::unique(affected.begin(), affected.end()), affected.end());
  for (const auto& key : affected) {
    auto it = st.groups.find(key);
    if (it == st.groups.end()) continue;
    auto& g = it->second;
    g.erase(std::remove_if(g.begin(), g.end(), [&](size_t q) { return q >= at && q < at + gone; }), g.end());
    if (g.empty()) st.groups.erase(it);
  }
  if (added != gone)
    for (auto& [key, g] : st.groups)
      for (auto& q : g)
        if (q >= at + gone) q = moved(q);
  auto update = [&](size_t p) {
    DuplicateState& d = dups[p];
    if (d.match >= static_cast<long>(at) && d.match < static_cast<long>(at + gone)) {  // its match went: found again below
      d.match = DuplicateState::kUnknown;
      d.finding.clear();
      d.stamp = newStamp();
    } else if (d.match >= static_cast<long>(at + gone)) {
      d.match = static_cast<long>(moved(static_cast<size_t>(d.match)));
    }
  };
  if (added == gone) {
    // No position moves: only a monitor sharing an identity with one that went can have had it
    // as its match (a match has the same identity).
    for (const auto& key : affected)
      if (auto it = st.groups.find(key); it != st.groups.end())
        for (size_t p : it->second) update(p);
  } else {
    for (size_t p = 0; p < dups.size(); ++p)
      if (p < at || p >= at + gone) update(p);
  }
  // An edit that keeps the text's size moves no offset, and the kept monitors and their findings
  // lie in kept statements (a finding whose match went was cleared above): nothing to move.
  if (move.delta != 0) {
    for (size_t p = 0; p < mons.size(); ++p) {
      if (p >= at && p < at + gone) continue;
      move.monitor(mons[p]);
      for (auto& f : dups[p].finding) move.diag(f);  // same lines and columns unless the edit moves them (linesMove)
    }
    if (!move.ok) return false;
  }
  std::vector<DuplicateState> fresh(added);
  for (size_t k = 0; k < added; ++k) fresh[k].identity = lint::monitorIdentity(made[k]);
  auto first = static_cast<std::ptrdiff_t>(at), last = static_cast<std::ptrdiff_t>(at + gone);
  if (added == gone) {  // the usual edit: one monitor changed in place, none of the others moves
    std::move(made.begin(), made.end(), mons.begin() + first);
    std::move(fresh.begin(), fresh.end(), dups.begin() + first);
  } else {
    mons.erase(mons.begin() + first, mons.begin() + last);
    dups.erase(dups.begin() + first, dups.begin() + last);
    mons.insert(mons.begin() + first, std::make_move_iterator(made.begin()), std::make_move_iterator(made.end()));
    dups.insert(dups.begin() + first, std::make_move_iterator(fresh.begin()), std::make_move_iterator(fresh.end()));
  }
  for (size_t p = at; p < at + added; ++p) {
    const std::string& key = dups[p].identity.key;
    auto& g = st.groups[key];
    g.insert(std::lower_bound(g.begin(), g.end(), p), p);
    affected.push_back(key);
  }
  std::sort(affected.begin(), affected.end());
  affected.erase(std::unique(affected.begin(), affected.end()), affected.end());
  for (const auto& key : affected) recompare(st, key, at);
  return true;
}

}  // namespace

void forEachFindingRun(const RecheckState& st, const std::function<void(uint64_t, const std::vector<Diagnostic>&)>& f) {
  // A stamp names a statement's three lists (front, backend, lint) or one other list.
  for (const auto& r : st.stmts)
    if (!r.front.empty()) f(r.stamp * 4, r.front);
  if (!st.showBackend) return;
  for (const auto& r : st.stmts)
    if (!r.backend.empty()) f(r.stamp * 4 + 1, r.backend);
  if (!st.showLint) return;
  if (!st.configDiags.empty()) f(st.configStamp * 4, st.configDiags);
  size_t p = 0;
  for (const auto& r : st.stmts) {
    if (!r.lint.empty()) f(r.stamp * 4 + 2, r.lint);
    for (size_t k = 0; k < r.monitors && p < st.duplicates.size(); ++k, ++p)
      if (!st.duplicates[p].finding.empty()) f(st.duplicates[p].stamp * 4, st.duplicates[p].finding);
  }
}

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
    } else if (!isObjectStmt(s) && !isTargetStmt(s)) {
      return nullptr;
    }
    st->stmts[i].object = isObjectStmt(s);
    st->stmts[i].target = isTargetStmt(s);
    if (!st->stmts[i].object) st->definitions.push_back(i);
  }
  for (size_t i = 0; i < tree->stmts.size(); ++i)
    if (tree->stmts[i]->kind == ast::StmtKind::Template) {
      const StatementResult& r = st->stmts[i];
      st->templateCost = std::max(st->templateCost, r.bytes + r.refs * st->letBytes);
      st->stmts[i].refs = 0;  // a template costs where it is used
    }
  auto isObject = [&](long i) {
    return i >= 0 && static_cast<size_t>(i) < st->stmts.size() && (st->stmts[i].object || st->stmts[i].target);
  };
  auto resultOf = [&](long i) -> StatementResult* { return isObject(i) ? &st->stmts[i] : nullptr; };
  if (!distribute(c, a.root, *tree, frontEnd, backendEnd, isObject, resultOf)) return nullptr;
  for (const auto& r : st->stmts) tally(*st, r, 1);
  if (!farFromLimits(*st)) return nullptr;
  for (const auto& r : st->stmts)
    for (const auto& k : r.keys)
      if (++st->keyCount[k] > 1) return nullptr;
  st->module.monitors = std::move(c.module.monitors);  // the language server reads no IR
  if (!loadConfig(*st, rootPath, reader)) return nullptr;
  indexDuplicates(*st);
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
    // The slice reads the compile's own sources, lent and given back (a copy of a large root's
    // text cost as much as the checks), unless lint is to add its configuration to them.
    bool lendSources = !st.hasConfig && c.sources.fileCount() == 1;
    if (lendSources) slice.sources = std::move(c.sources);
    else if (slice.sources.add(rootPath, text) != root) return nullptr;
    FileId sid = root;
    LoadedFile& lf = slice.program.files[sid];
    lf.ast.id = sid;
    std::vector<size_t> lent;
    std::vector<size_t> definitions = definitionsAfter(st, edit);
    auto lend = [&](size_t i) {
      lent.push_back(i);
      lf.ast.stmts.push_back(std::move(tree.stmts[i]));
    };
    {  // in source order: the definitions before the edit, the edited statements, the rest
      auto d = definitions.begin();
      for (; d != definitions.end() && *d < edit.first; ++d) lend(*d);
      for (size_t i = edit.first; i < edit.first + edit.newCount; ++i) lend(i);
      for (; d != definitions.end(); ++d) lend(*d);
    }
    struct GiveBack {
      ast::File& to;
      ast::File& from;
      const std::vector<size_t>& lent;
      SourceManager* sources;  // the compile's, when lent
      SourceManager& slice;
      ~GiveBack() {
        for (size_t k = 0; k < lent.size(); ++k) to.stmts[lent[k]] = std::move(from.stmts[k]);
        if (sources) *sources = std::move(slice);
      }
    } giveBack{tree, lf.ast, lent, lendSources ? &c.sources : nullptr, slice.sources};
    slice.program.roots = {sid};
    Expanded expanded = expand(slice.program, slice.sources, ExpandOptions{}, slice.diags);
    slice.module = lower(std::move(expanded.objects), slice.diags);
    size_t frontEnd = slice.diags.all().size();
    if (slice.diags.errorCount() == 0) checkBackends(slice.module, slice.diags);
    size_t backendEnd = slice.diags.all().size();
    lintAnalysis(slice, rootPath, reader);
    // Findings and objects belong to the slice's statements k = index in lf.ast.stmts.
    // A target's findings come again, as they were: the kept ones stand, these go to `ignored`.
    StatementResult ignored;
    ignored.target = true;
    auto freshOf = [&](long k) -> StatementResult* {
      if (k < 0 || static_cast<size_t>(k) >= lent.size()) return nullptr;
      size_t i = lent[k];
      if (i >= edit.first && i < edit.first + edit.newCount) return &fresh[i - edit.first];
      return isTargetStmt(*lf.ast.stmts[static_cast<size_t>(k)]) ? &ignored : nullptr;
    };
    auto isFresh = [&](long k) { return freshOf(k) != nullptr; };
    if (!distribute(slice, sid, lf.ast, frontEnd, backendEnd, isFresh, freshOf)) return nullptr;
    // The slice's monitors, in order, replace the edited statements' ones below.
    made = std::move(slice.module.monitors);
  }
  if (c.sources.fileCount() != 1) return nullptr;  // the checks of the slice added a file to the lent sources
  {
    size_t at = 0, gone = 0;
    for (size_t i = 0; i < edit.first; ++i) at += st.stmts[i].monitors;
    for (size_t i = edit.first; i < edit.oldLast; ++i) gone += st.stmts[i].monitors;
    if (at + gone > st.module.monitors.size() || st.duplicates.size() != st.module.monitors.size()) return nullptr;
    if (!replaceMonitors(st, at, gone, std::move(made), Mover{root, edit.regionBegin, edit.oldRegionEnd, edit.delta})) return nullptr;
  }

  // Names: the edited statements' leave, the new ones' come; a duplicate goes the full path.
  for (size_t i = edit.first; i < edit.oldLast; ++i)
    for (const auto& k : st.stmts[i].keys)
      if (--st.keyCount[k] == 0) st.keyCount.erase(k);
  for (const auto& r : fresh)
    for (const auto& k : r.keys)
      if (++st.keyCount[k] > 1) return nullptr;

  // The kept statements' findings move with their text.
  // (An edit that keeps the size moves nothing: the kept statements' findings are in them, or in
  // the definitions and targets, which an edit here never touches.)
  Mover move{root, edit.regionBegin, edit.oldRegionEnd, edit.delta};
  for (size_t i = 0; i < st.stmts.size() && edit.delta != 0; ++i) {
    if (i >= edit.first && i < edit.oldLast) continue;
    for (auto* list : {&st.stmts[i].front, &st.stmts[i].backend, &st.stmts[i].lint})
      for (auto& d : *list) move.diag(d);
  }
  if (!move.ok) return nullptr;
  // Moved findings keep their run ids: a run's JSON holds lines and columns, not offsets, and
  // those stay unless the edit changes the number of lines or the columns after it.
  if (edit.linesMove) {  // the kept findings' offsets may stand for other lines or columns now
    for (size_t i = 0; i < st.stmts.size(); ++i)
      if (i < edit.first || i >= edit.oldLast) st.stmts[i].stamp = newStamp();
    for (auto& d : st.duplicates) d.stamp = newStamp();
  }
  for (size_t i = edit.first; i < edit.oldLast; ++i) tally(st, st.stmts[i], -1);
  for (const auto& r : fresh) tally(st, r, 1);
  st.definitions = definitionsAfter(st, edit);
  auto first = st.stmts.begin() + static_cast<std::ptrdiff_t>(edit.first);
  if (edit.oldLast - edit.first == fresh.size()) {
    std::move(fresh.begin(), fresh.end(), first);
  } else {
    first = st.stmts.erase(first, st.stmts.begin() + static_cast<std::ptrdiff_t>(edit.oldLast));
    st.stmts.insert(first, std::make_move_iterator(fresh.begin()), std::make_move_iterator(fresh.end()));
  }
  if (!farFromLimits(st)) return nullptr;

  // What the whole program reports, as the full pipeline gates it: the backends' checks only
  // without compile errors, lint only without any error. Nothing is copied: forEachFindingRun()
  // reads the statements' findings where they are.
  const Totals& t = st.totals;
  size_t errors = t.frontErrors;
  if (errors >= kErrorLimit / 2) return nullptr;
  st.showBackend = errors == 0;
  st.showLint = false;
  if (st.showBackend) {
    if (t.backendUnknown != 0) return nullptr;
    errors += t.backendErrors;
    if (t.backendErrors == 0) {
      if (t.lintUnknown != 0) return nullptr;
      errors += t.lintErrors;
      for (const auto& d : st.duplicates) errors += errorsIn(d.finding);
      // The configuration's warnings point into it: it joins the sources where the full path adds it.
      if (st.hasConfig && c.sources.add(st.configPath, st.configText) != kConfigFile) return nullptr;
      st.showLint = true;
    }
  }
  if (errors >= kErrorLimit / 2) return nullptr;
  return state;
}

}  // namespace mon::lsp
