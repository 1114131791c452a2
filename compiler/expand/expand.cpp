#include "expand/expand.h"

#include <cstddef>
#include <memory>
#include <optional>
#include <unordered_map>

#include "expand/eval.h"

namespace mon {

namespace {

// Collects the output of a statement list: attributes become fields, blocks become objects.
struct Sink {
  std::vector<Field>* fields = nullptr;  // null at top level: attributes are not allowed there
  std::vector<Object>* objects = nullptr;
};

class Expander {
 public:
  Expander(const Program& program, const SourceManager& sm, DiagEngine& diags,
           Program* releasable = nullptr, const std::function<void(Object&&)>* consume = nullptr)
      : program_(program), releasable_(releasable), consume_(consume), sm_(sm), diags_(diags), eval_(diags) {}

  Expanded run(const ExpandOptions& opts) {
    collectVariables(opts);
    Expanded out;
    Sink sink{nullptr, &out.objects};
    for (FileId root : program_.roots) expandFile(root, sink);
    // After a runaway recursion or loop, what was made so far is a fragment: checking it would
    // bury the one real error under follow-on ones (duplicate names from every level).
    if (stopped_) out.objects.clear();
    return out;
  }

  // One file of a streaming expansion (ExpandSession): objects go to consume_ as they are made.
  void expandRoot(FileId id, const ExpandSession::Imports* imports) {
    imports_ = imports;
    std::vector<Object> none;
    Sink sink{nullptr, &none};
    expandFile(id, sink);
  }

  // Pass over every file for `variable "name" { default = ... }` so that var.x works
  // regardless of file order, then apply --var values.
  void collectVariables(const ExpandOptions& opts) {
    for (const auto& [id, lf] : program_.files) {
      for (const auto& st : lf.ast.stmts) {
        // A file expanded before the variables were collected has freed its statements.
        if (!st || st->kind != ast::StmtKind::Block || st->name != "variable") continue;
        if (st->labels.size() != 1 || !st->labels[0].string) {
          diags_.report(st->nameRange, diag::err_missing_label, {"variable", "a quoted name, e.g. variable \"env\""});
          continue;
        }
        Scope empty;
        Value nameV = eval_.eval(*st->labels[0].string, empty);
        std::string name = nameV.str;
        if (eval_.variables.count(name)) {
          diags_.report(st->labels[0].range, diag::err_duplicate_variable, {name})
              .note(eval_.variables[name].declared, "first declared here");
          continue;
        }
        VarInfo info;
        info.declared = st->labels[0].range;
        for (const auto& f : st->body) {
          if (f->kind == ast::StmtKind::Attribute && f->name == "default" && f->value) {
            info.value = eval_.eval(*f->value, empty);
            info.hasValue = true;
          } else if (f->kind == ast::StmtKind::Attribute && f->name == "description") {
          } else {
            diags_.report(f->nameRange.valid() ? f->nameRange : f->range, diag::err_unknown_field,
                          {f->name, "a variable (use 'default' or 'description')"});
          }
        }
        eval_.variables[name] = std::move(info);
      }
    }
    for (const auto& [name, text] : opts.vars) {
      auto it = eval_.variables.find(name);
      if (it == eval_.variables.end()) {
        diags_.report(Range{}, diag::err_cli_var_undeclared, {name});
        continue;
      }
      Value v;
      v.kind = ValueKind::String;
      v.str = text;
      v.range = it->second.declared;
      it->second.value = v;
      it->second.hasValue = true;
    }
  }

 private:
  void expandFile(FileId id, Sink& sink) {
    if (done_.count(id)) return;
    done_[id] = std::make_shared<Scope>();
    auto lfIt = program_.files.find(id);
    if (lfIt == program_.files.end()) return;
    const LoadedFile& lf = lfIt->second;
    Scope& scope = *done_[id];
    FileDefaults defaults;  // per file: imported files have their own
    size_t importIndex = 0;
    for (size_t i = 0; hasStatement(id, lf, i); ++i) {
      const ast::Stmt& st = *lf.ast.stmts[i];
      if (st.kind == ast::StmtKind::Import) {
        FileId dep = imports_ && imports_->resolve ? imports_->resolve(id, st, importIndex)
                     : importIndex < lf.imports.size()   ? lf.imports[importIndex]
                                                         : kNoFile;
        ++importIndex;
        if (dep == kNoFile) continue;
        expandFile(dep, sink);
        scope.importFrom(*done_[dep]);
        continue;
      }
      if (st.kind == ast::StmtKind::Block && st.name == "variable") continue;
      size_t before = sink.objects->size();
      stmt(st, scope, sink, 0);
      if (eval_.exhausted()) stopped_ = true;  // what follows would only fail, unreported
      if (st.kind == ast::StmtKind::Block && st.name == "defaults") takeDefaults(st, before, sink, defaults);
      else applyDefaults(st, before, sink, defaults);
      if (consume_ && !stopped_) {
        for (Object& o : *sink.objects) (*consume_)(std::move(o));
        sink.objects->clear();
      }
      // Each file is expanded once (done_), and only templates are referred to afterwards.
      if (releasable_ && st.kind != ast::StmtKind::Template) releasable_->files.at(id).ast.stmts[i].reset();
    }
    if (imports_ && imports_->done) imports_->done(id);
  }

  // Whether the file has an i-th top-level statement: its statements may still be being parsed.
  bool hasStatement(FileId id, const LoadedFile& lf, size_t i) {
    while (i >= lf.ast.stmts.size())
      if (!imports_ || !imports_->more || !imports_->more(id)) return false;
    return true;
  }

  // `defaults { targets = [...] }` of one file: what it gives the objects made by the file's
  // later top-level statements (not those of imported files, which run through their own
  // expandFile), and where the file's first such object came from.
  struct FileDefaults {
    bool seen = false;
    Range at;                      // the first defaults block's type word
    std::optional<Field> targets;  // copied into objects without their own `targets`
    bool sawObject = false;
    Range firstObject;
  };

  static bool takesDefaults(const std::string& type) {
    return type == "monitor" || type == "dashboard" || type == "record" || type == "alert";
  }

  // The statement `defaults { ... }` has just been expanded into sink.objects[before]. The object
  // stays there: the lowering checks its fields against schema::defaultsKind() (unknown fields,
  // types) and drops it.
  void takeDefaults(const ast::Stmt& st, size_t before, Sink& sink, FileDefaults& d) {
    if (d.seen) {
      diags_.report(st.nameRange, diag::err_duplicate_defaults).note(d.at, "the first defaults block is here");
      return;
    }
    d.seen = true;
    d.at = st.nameRange;
    if (d.sawObject) {
      diags_.report(st.nameRange, diag::err_defaults_after_objects)
          .note(d.firstObject, "the file's first monitor, dashboard, record or alert is made here")
          .note(Range{}, "a defaults block applies to the whole file, so it goes before them (after the imports)");
      return;
    }
    if (sink.objects->size() <= before) return;  // a label failed to evaluate (reported)
    const Field* t = (*sink.objects)[before].field("targets");
    if (!t || t->value.kind != ValueKind::List) return;  // a wrong type is reported by the lowering
    for (const Value& item : t->value.items)
      if (item.kind != ValueKind::String) return;
    d.targets = *t;
  }

  // Gives the objects that one top-level statement made (sink.objects[before..]) the file's
  // defaults, and drops `defaults` blocks that came out of an `if`, a `for` or a template.
  void applyDefaults(const ast::Stmt& st, size_t before, Sink& sink, FileDefaults& d) {
    auto& objs = *sink.objects;
    for (size_t i = before; i < objs.size();) {
      Object& o = objs[i];
      if (o.type == "defaults") {
        auto b = diags_.report(o.typeRange, diag::err_defaults_not_top_level);
        for (const Range& site : o.useSites) b.note(site, "in a template used here");
        objs.erase(objs.begin() + static_cast<std::ptrdiff_t>(i));
        continue;
      }
      if (takesDefaults(o.type)) {
        if (!d.sawObject) {
          d.sawObject = true;
          d.firstObject = st.kind == ast::StmtKind::Block ? st.nameRange : st.range;
        }
        if (d.targets && !o.field("targets")) o.fields.push_back(*d.targets);
      }
      ++i;
    }
  }

  void stmts(const ast::List<ast::StmtPtr>& list, Scope& scope, Sink& sink, int depth) {
    for (const auto& st : list) {
      if (!step(st->range)) return;
      stmt(*st, scope, sink, depth);
    }
  }

  // Counts one statement or loop step; false once expansion has to stop.
  bool step(Range at) {
    if (eval_.exhausted()) stopped_ = true;  // reported where it was spent
    if (stopped_) return false;
    if (++steps_ > kMaxSteps) {
      diags_.report(at, diag::err_too_many_steps, {std::to_string(kMaxSteps)});
      stopped_ = true;
      return false;
    }
    return true;
  }

  void stmt(const ast::Stmt& st, Scope& scope, Sink& sink, int depth) {
    switch (st.kind) {
      case ast::StmtKind::Import:
        diags_.report(st.range, diag::err_import_not_top_level);
        return;
      case ast::StmtKind::Let: {
        if (st.name.empty() || !st.value) return;
        Value v = eval_.eval(*st.value, scope);
        scope.define(st.name, std::move(v), st.nameRange, diags_);
        return;
      }
      case ast::StmtKind::Template:
        scope.defineTemplate(st.name, &st, &scope, diags_);
        return;
      case ast::StmtKind::Use:
        use(st, scope, sink, depth);
        return;
      case ast::StmtKind::For:
        forLoop(st, scope, sink, depth);
        return;
      case ast::StmtKind::If: {
        if (!st.value) return;
        Value cond = eval_.eval(*st.value, scope);
        if (cond.kind == ValueKind::Null && eval_.failed(cond)) return;
        if (cond.kind != ValueKind::Bool) {
          diags_.report(st.value->range, diag::err_type_mismatch, {"a boolean condition", describe(cond.kind)});
          return;
        }
        Scope inner(&scope);
        if (cond.boolean) stmts(st.body, inner, sink, depth);
        else if (st.hasElse) stmts(st.elseBody, inner, sink, depth);
        return;
      }
      case ast::StmtKind::Attribute: {
        if (!sink.fields) {
          diags_.report(st.nameRange, diag::err_field_not_here, {st.name, "the top level of a file (put it inside a block)"});
          return;
        }
        if (!st.value || st.name.empty()) return;
        Value v = eval_.eval(*st.value, scope);
        // The lowering writes the value out in full: a shared structure counts every copy.
        if (!eval_.admit(v, st.value->range)) v = Value{};
        if (eval_.exhausted()) stopped_ = true;
        sink.fields->push_back(Field{st.name, st.nameRange, std::move(v)});
        return;
      }
      case ast::StmtKind::Block:
        block(st, scope, sink, depth);
        return;
    }
  }

  void block(const ast::Stmt& st, Scope& scope, Sink& sink, int depth) {
    if (st.name.empty()) return;
    if (++objectCount_ > kMaxObjects) {
      if (!stopped_) diags_.report(st.range, diag::err_too_many_objects, {std::to_string(kMaxObjects)});
      stopped_ = true;
      return;
    }
    Object obj;
    obj.type = st.name;
    obj.typeRange = st.nameRange;
    obj.range = st.range;
    obj.useSites = useSites_;
    obj.useTemplates = useTemplates_;
    for (auto f = loopFrames_.rbegin(); f != loopFrames_.rend(); ++f) obj.loopSteps.push_back(stepNote(*f));
    bool labelFailed = false;
    for (const auto& l : st.labels) {
      if (l.isWord) {
        Value w;
        w.kind = ValueKind::Word;
        w.str = l.word;
        w.range = l.range;
        obj.labels.push_back(std::move(w));
      } else if (l.string) {
        obj.labels.push_back(eval_.eval(*l.string, scope));
        labelFailed |= eval_.failed(obj.labels.back()) || !eval_.admit(obj.labels.back(), l.range);
      }
    }
    Scope inner(&scope);
    // Room for one field per statement: a Value is large, and growing the list moved each
    // field several times.
    obj.fields.reserve(st.body.size());
    Sink childSink{&obj.fields, &obj.children};
    stmts(st.body, inner, childSink, depth);
    // A label that failed to evaluate has been reported; without its name the block would
    // only collect follow-on errors (a missing name, a duplicate of the default name).
    if (labelFailed) return;
    sink.objects->push_back(std::move(obj));
  }

  void forLoop(const ast::Stmt& st, Scope& scope, Sink& sink, int depth) {
    if (!st.value) return;
    Value seq = eval_.eval(*st.value, scope);
    if (eval_.failed(seq)) return;
    if (seq.kind == ValueKind::List) {
      if (!st.name2.empty()) {
        diags_.report(st.name2Range, diag::err_for_two_vars_list, {st.name});
        return;
      }
      for (const Value& item : seq.items) {
        if (!step(st.range)) return;
        Scope inner(&scope);
        inner.define(st.name, item, st.nameRange, diags_, /*markUsed=*/true);
        loopBody(st, item, nullptr, inner, sink, depth);
      }
    } else if (seq.kind == ValueKind::Map) {
      for (size_t i = 0; i < seq.entries.size(); ++i) {
        if (!step(st.range)) return;
        Scope inner(&scope);
        Value key;
        key.kind = ValueKind::String;
        key.str = seq.entries[i].first;
        key.range = i < seq.keyRanges.size() ? seq.keyRanges[i] : seq.range;
        if (st.name2.empty()) {
          inner.define(st.name, key, st.nameRange, diags_, true);
        } else {
          inner.define(st.name, key, st.nameRange, diags_, true);
          inner.define(st.name2, seq.entries[i].second, st.name2Range, diags_, true);
        }
        loopBody(st, key, st.name2.empty() ? nullptr : &seq.entries[i].second, inner, sink, depth);
      }
    } else {
      diags_.report(st.value->range, diag::err_not_iterable, {describe(seq.kind)});
    }
  }

  // One `for` step being run: the loop and its variables' values.
  struct LoopFrame {
    const ast::Stmt* st;
    const Value* first;
    const Value* second;  // null when the loop names one variable
  };

  // One step of a `for`: what it reports while evaluating, and the objects it makes (through
  // Object::loopSteps, reported when lowered), name the loop variables' values of this step.
  void loopBody(const ast::Stmt& st, const Value& first, const Value* second, Scope& inner, Sink& sink, int depth) {
    LoopFrame frame{&st, &first, second};
    size_t mark = diags_.all().size();
    loopFrames_.push_back(frame);
    stmts(st.body, inner, sink, depth);
    loopFrames_.pop_back();
    auto& all = diags_.mutableAll();
    std::optional<Note> note;
    for (size_t i = mark; i < all.size(); ++i)
      if (all[i].range.valid() && !isRunaway(all[i].kind)) {
        if (!note) note = stepNote(frame);
        all[i].notes.push_back(*note);
      }
  }

  // The note naming a step's loop variables, written only when something needs it: a loop of a
  // million steps that reports nothing and makes nothing formats no values.
  static Note stepNote(const LoopFrame& f) {
    std::string where = f.st->name + " = " + show(*f.first);
    if (f.second) where += ", " + f.st->name2 + " = " + show(*f.second);
    return Note{f.st->nameRange, loopStepNote(where)};
  }

  // A limit of the whole run is not about one step: the step that crossed it is chance.
  static bool isRunaway(diag::Kind k) {
    return k == diag::err_too_many_steps || k == diag::err_too_many_objects || k == diag::err_eval_budget ||
           k == diag::err_template_depth || k == diag::err_value_too_large || k == diag::err_too_many_errors;
  }

  void use(const ast::Stmt& st, Scope& scope, Sink& sink, int depth) {
    const TemplateDef* def = scope.findTemplate(st.name);
    if (!def) {
      auto b = diags_.report(st.nameRange, diag::err_undefined_template, {st.name});
      std::string close = scope.closestTemplate(st.name);
      if (!close.empty()) b.note(Range{}, "did you mean '" + close + "'?");
      return;
    }
    if (depth >= kMaxTemplateDepth) {
      diags_.report(st.range, diag::err_template_depth, {std::to_string(kMaxTemplateDepth)})
          .note(def->stmt->nameRange, "template '" + st.name + "' defined here");
      stopped_ = true;
      return;
    }
    const ast::Stmt& tpl = *def->stmt;
    Scope inner(def->scope);
    if (!bindArgs(st, tpl, scope, inner)) return;
    useSites_.insert(useSites_.begin(), st.range);
    useTemplates_.insert(useTemplates_.begin(), st.name);
    stmts(tpl.body, inner, sink, depth + 1);
    useSites_.erase(useSites_.begin());
    useTemplates_.erase(useTemplates_.begin());
  }

  bool bindArgs(const ast::Stmt& st, const ast::Stmt& tpl, Scope& callerScope, Scope& inner) {
    std::vector<const Value*> bound(tpl.params.size(), nullptr);
    std::vector<Value> values;
    values.reserve(st.args.size());
    bool ok = true, sawNamed = false;
    size_t positional = 0;
    for (const auto& a : st.args) {
      values.push_back(a.value ? eval_.eval(*a.value, callerScope) : Value{});
      if (a.name.empty()) {
        if (sawNamed) {
          diags_.report(a.value ? a.value->range : st.range, diag::err_positional_after_named);
          ok = false;
          continue;
        }
        if (positional >= tpl.params.size()) {
          diags_.report(a.value ? a.value->range : st.range, diag::err_template_arity,
                        {st.name, std::to_string(tpl.params.size()), std::to_string(st.args.size())})
              .note(tpl.nameRange, "template '" + st.name + "' defined here");
          return false;
        }
        bound[positional++] = &values.back();
        continue;
      }
      sawNamed = true;
      size_t idx = 0;
      while (idx < tpl.params.size() && tpl.params[idx].name != a.name) ++idx;
      if (idx == tpl.params.size()) {
        std::vector<std::string> names;
        for (const auto& p : tpl.params) names.push_back(p.name);
        auto b = diags_.report(a.nameRange, diag::err_template_unknown_arg, {st.name, a.name});
        std::string close = closestMatch(a.name, names);
        if (!close.empty()) b.note(Range{}, "did you mean '" + close + "'?").fix(a.nameRange, close);
        b.note(tpl.nameRange, "template '" + st.name + "' defined here");
        ok = false;
        continue;
      }
      if (bound[idx]) {
        diags_.report(a.nameRange, diag::err_template_dup_arg, {a.name});
        ok = false;
        continue;
      }
      bound[idx] = &values.back();
    }
    for (size_t i = 0; i < tpl.params.size(); ++i) {
      const ast::Param& p = tpl.params[i];
      if (bound[i]) {
        inner.define(p.name, *bound[i], p.range, diags_, true);
      } else if (p.defaultValue) {
        inner.define(p.name, eval_.eval(*p.defaultValue, *defScopeOf(inner)), p.range, diags_, true);
      } else {
        diags_.report(st.range, diag::err_template_missing_arg, {st.name, p.name})
            .note(p.range, "parameter '" + p.name + "' declared here");
        ok = false;
      }
    }
    return ok;
  }

  Scope* defScopeOf(Scope& inner) { return inner.parent() ? inner.parent() : &inner; }

  const Program& program_;
  Program* releasable_;  // set when top-level statements are freed once expanded
  const std::function<void(Object&&)>* consume_;  // set when objects are handed over per statement
  const ExpandSession::Imports* imports_ = nullptr;  // set when files are loaded as imports are reached
  const SourceManager& sm_;
  DiagEngine& diags_;
  Evaluator eval_;
  std::unordered_map<FileId, std::shared_ptr<Scope>> done_;
  std::vector<Range> useSites_;
  std::vector<std::string> useTemplates_;
  std::vector<LoopFrame> loopFrames_;  // the `for` steps being run, outermost first
  size_t objectCount_ = 0;
  size_t steps_ = 0;
  bool stopped_ = false;
};

}  // namespace

Expanded expand(const Program& program, const SourceManager& sm, const ExpandOptions& opts, DiagEngine& diags) {
  return Expander(program, sm, diags).run(opts);
}

void expandStreaming(Program& program, const SourceManager& sm, const ExpandOptions& opts, DiagEngine& diags,
                     const std::function<void(Object&&)>& consume) {
  Expander(program, sm, diags, &program, &consume).run(opts);
}

struct ExpandSession::Impl {
  Impl(Program& program, const SourceManager& sm, const ExpandOptions& opts, DiagEngine& diags,
       std::function<void(Object&&)> consume, Imports imports)
      : opts(opts),
        consume(std::move(consume)),
        imports(std::move(imports)),
        expander(program, sm, diags, &program, &this->consume) {}
  ExpandOptions opts;
  std::function<void(Object&&)> consume;
  Imports imports;
  Expander expander;
};

ExpandSession::ExpandSession(Program& program, const SourceManager& sm, const ExpandOptions& opts, DiagEngine& diags,
                             std::function<void(Object&&)> consume, Imports imports)
    : impl_(std::make_unique<Impl>(program, sm, opts, diags, std::move(consume), std::move(imports))) {}
ExpandSession::~ExpandSession() = default;
void ExpandSession::collectVariables() { impl_->expander.collectVariables(impl_->opts); }
void ExpandSession::expandFile(FileId file) { impl_->expander.expandRoot(file, &impl_->imports); }

}  // namespace mon
