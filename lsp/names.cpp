#include "names.h"

#include <deque>
#include <memory>
#include <set>

#include "expand/eval.h"
#include "support/text.h"

namespace mon::lsp {

namespace {

bool contains(Range r, uint32_t offset) { return r.valid() && offset >= r.begin && offset <= r.end; }

class Collector {
 public:
  Collector(const Program& p) : program_(p) {}

  // Top-level lets and templates of `file` and, before them, of what it imports.
  void fileTopLevel(FileId file) {
    if (!seen_.insert(file).second) return;
    auto it = program_.files.find(file);
    if (it == program_.files.end()) return;
    size_t imp = 0;
    for (const auto& st : it->second.ast.stmts) {
      if (st->kind == ast::StmtKind::Import) {
        if (imp < it->second.imports.size() && it->second.imports[imp] != kNoFile) fileTopLevel(it->second.imports[imp]);
        ++imp;
      } else if (st->kind == ast::StmtKind::Let && !st->name.empty()) {
        out.push_back({NameDef::Let, st->name, st->nameRange, st.get(), nullptr});
      } else if (st->kind == ast::StmtKind::Template && !st->name.empty()) {
        out.push_back({NameDef::Template, st->name, st->nameRange, st.get(), nullptr});
      }
    }
  }

  // Imports of `file` (whole), then `body` down to the statement holding `offset`.
  void body(const ast::List<ast::StmtPtr>& stmts, uint32_t offset) {
    for (const auto& st : stmts)
      if (st->kind == ast::StmtKind::Template && !st->name.empty())
        out.push_back({NameDef::Template, st->name, st->nameRange, st.get(), nullptr});
    const ast::Stmt* inside = nullptr;
    for (const auto& st : stmts) {
      if (st->range.begin > offset) break;
      if (st->kind == ast::StmtKind::Let && !st->name.empty())
        out.push_back({NameDef::Let, st->name, st->nameRange, st.get(), nullptr});
      if (contains(st->range, offset)) inside = st.get();
    }
    if (inside) descend(*inside, offset);
  }

  void descend(const ast::Stmt& st, uint32_t offset) {
    switch (st.kind) {
      case ast::StmtKind::Template:
        for (const auto& p : st.params)
          if (!p.name.empty()) out.push_back({NameDef::Param, p.name, p.range, &st, &p});
        return body(st.body, offset);
      case ast::StmtKind::For:
        if (!st.name.empty()) out.push_back({NameDef::LoopVar, st.name, st.nameRange, &st, nullptr});
        if (!st.name2.empty()) out.push_back({NameDef::LoopVar, st.name2, st.name2Range, &st, nullptr});
        return body(st.body, offset);
      case ast::StmtKind::If:
        if (st.hasElse && st.elseRange.valid() && offset >= st.elseRange.begin) return body(st.elseBody, offset);
        return body(st.body, offset);
      case ast::StmtKind::Block: return body(st.body, offset);
      default: return;
    }
  }

  std::vector<NameDef> out;

 private:
  const Program& program_;
  std::set<FileId> seen_;
};

}  // namespace

std::vector<NameDef> visibleNames(const Program& program, FileId file, uint32_t offset) {
  Collector c(program);
  auto it = program.files.find(file);
  if (it == program.files.end()) return {};
  const LoadedFile& lf = it->second;
  for (size_t i = 0; i < lf.imports.size(); ++i)
    if (lf.imports[i] != kNoFile) c.fileTopLevel(lf.imports[i]);
  c.body(lf.ast.stmts, offset);
  return c.out;
}

std::optional<NameDef> resolve(const Program& program, FileId file, uint32_t offset, const std::string& name) {
  auto names = visibleNames(program, file, offset);
  for (auto it = names.rbegin(); it != names.rend(); ++it)
    if (it->name == name) return *it;
  return std::nullopt;
}

namespace {

// Evaluates lets the way expand does, but only along the path to one let.
class LetEvaluator {
 public:
  LetEvaluator(const Program& p) : program_(p), eval_(diags_) {
    for (const auto& [id, lf] : p.files)
      for (const auto& st : lf.ast.stmts)
        if (st->kind == ast::StmtKind::Block && st->name == "variable" && st->labels.size() == 1 && st->labels[0].string)
          variable(*st);
  }

  std::optional<Value> valueOf(const ast::Stmt& target) {
    for (const auto& [id, lf] : program_.files)
      if (target.range.file == id) {
        std::optional<Value> v = walk(lf, lf.ast.stmts, *newScope(nullptr), target, true);
        if (v && eval_.failed(*v)) return std::nullopt;
        return v;
      }
    return std::nullopt;
  }

 private:
  void variable(const ast::Stmt& st) {
    Scope empty;
    std::string name = eval_.eval(*st.labels[0].string, empty).str;
    VarInfo info;
    for (const auto& f : st.body)
      if (f->kind == ast::StmtKind::Attribute && f->name == "default" && f->value) {
        info.value = eval_.eval(*f->value, empty);
        info.hasValue = true;
      }
    eval_.variables.emplace(name, std::move(info));
  }

  Scope* newScope(Scope* parent) {
    scopes_.push_back(std::make_unique<Scope>(parent));
    return scopes_.back().get();
  }

  Scope* fileScope(FileId id) {
    auto known = files_.find(id);
    if (known != files_.end()) return known->second;
    Scope* s = newScope(nullptr);
    files_[id] = s;
    auto it = program_.files.find(id);
    if (it != program_.files.end()) walk(it->second, it->second.ast.stmts, *s, ast::Stmt{}, true);
    return s;
  }

  std::optional<Value> walk(const LoadedFile& lf, const ast::List<ast::StmtPtr>& stmts, Scope& scope,
                            const ast::Stmt& target, bool top) {
    size_t imp = 0;
    for (const auto& st : stmts) {
      if (st.get() == &target) return eval_.eval(*st->value, scope);
      bool holds = target.range.valid() && st->range.begin <= target.range.begin && target.range.end <= st->range.end;
      if (holds) {
        if (st->kind == ast::StmtKind::Block) return walk(lf, st->body, *newScope(&scope), target, false);
        if (st->kind == ast::StmtKind::If) {
          bool inElse = st->hasElse && st->elseRange.valid() && target.range.begin >= st->elseRange.begin;
          return walk(lf, inElse ? st->elseBody : st->body, *newScope(&scope), target, false);
        }
        return std::nullopt;  // inside a template or loop: depends on arguments
      }
      if (st->kind == ast::StmtKind::Import && top) {
        if (imp < lf.imports.size() && lf.imports[imp] != kNoFile) scope.importFrom(*fileScope(lf.imports[imp]));
        ++imp;
      } else if (st->kind == ast::StmtKind::Let && st->value && !st->name.empty()) {
        scope.define(st->name, eval_.eval(*st->value, scope), st->nameRange, diags_, true);
      } else if (st->kind == ast::StmtKind::Template && !st->name.empty()) {
        scope.defineTemplate(st->name, st.get(), &scope, diags_);
      }
    }
    return std::nullopt;
  }

  const Program& program_;
  DiagEngine diags_;
  Evaluator eval_;
  std::deque<std::unique_ptr<Scope>> scopes_;
  std::map<FileId, Scope*> files_;
};

}  // namespace

std::optional<Value> letValue(const Program& program, const NameDef& def) {
  if (def.kind != NameDef::Let || !def.stmt || !def.stmt->value) return std::nullopt;
  LetEvaluator ev(program);
  return ev.valueOf(*def.stmt);
}

const ast::Stmt* findVariable(const Program& program, const std::string& name, FileId* file) {
  for (const auto& [id, lf] : program.files)
    for (const auto& st : lf.ast.stmts)
      if (st->kind == ast::StmtKind::Block && st->name == "variable" && st->labels.size() == 1 && st->labels[0].string &&
          st->labels[0].string->parts.size() == 1 && st->labels[0].string->parts[0].text == name) {
        if (file) *file = id;
        return st.get();
      }
  return nullptr;
}

std::string sourceText(const SourceManager& sm, Range r) {
  if (!r.valid() || r.file >= sm.fileCount()) return "";
  const std::string& t = sm.text(r.file);
  if (r.begin > t.size() || r.end < r.begin) return "";
  return t.substr(r.begin, std::min<size_t>(r.end, t.size()) - r.begin);
}

namespace {
void render(const Value& v, std::string& out, size_t budget) {
  if (out.size() > budget) return;
  switch (v.kind) {
    case ValueKind::String: out += quoteSource(v.str); return;
    case ValueKind::List:
      out += "[";
      for (size_t i = 0; i < v.items.size() && out.size() <= budget; ++i) {
        if (i) out += ", ";
        render(v.items[i], out, budget);
      }
      out += "]";
      return;
    case ValueKind::Map:
      out += "{";
      for (size_t i = 0; i < v.entries.size() && out.size() <= budget; ++i) {
        out += i ? ", " : " ";
        const std::string& k = v.entries[i].first;
        bool plain = !k.empty() && (isalpha(static_cast<unsigned char>(k[0])) || k[0] == '_') &&
                     k.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == std::string::npos;
        out += plain ? k : quoteSource(k);
        out += " = ";
        render(v.entries[i].second, out, budget);
      }
      out += v.entries.empty() ? "}" : " }";
      return;
    default: out += show(v); return;
  }
}
}  // namespace

std::string renderValue(const Value& v, size_t budget) {
  std::string out;
  render(v, out, budget);
  if (out.size() > budget) out = out.substr(0, budget) + " ...";
  return out;
}

}  // namespace mon::lsp
