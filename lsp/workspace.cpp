#include "workspace.h"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <thread>

#include <string.h>  // memmem

#include "backend.h"
#include "incremental.h"
#include "lint_pass.h"
#include "recheck.h"

namespace mon::lsp {

namespace fs = std::filesystem;

namespace {

// Below this, a thread costs more than it saves.
constexpr size_t kObjectsWorthAThread = 200;

/// Reads the open documents' texts (a job's copies) and everything else from the disk.
class Overlay : public FileReader {
 public:
  Overlay(const std::map<std::string, std::shared_ptr<const std::string>>& texts, FileReader& disk) : texts_(texts), disk_(disk) {}
  bool read(const std::string& path, std::string& text, std::string& error) override {
    auto it = texts_.find(Workspace::normalize(path));
    if (it != texts_.end()) {
      text = *it->second;
      return true;
    }
    return disk_.read(path, text, error);
  }

 private:
  const std::map<std::string, std::shared_ptr<const std::string>>& texts_;
  FileReader& disk_;
};

}  // namespace

const ast::File* Analysis::file() const {
  auto it = comp->program.files.find(root);
  return it == comp->program.files.end() ? nullptr : &it->second.ast;
}

void Analysis::forEachDiagnostic(const std::function<void(const Diagnostic&)>& f) const {
  forEachRun([&](uint64_t, const std::vector<Diagnostic>& run) {
    for (const Diagnostic& d : run) f(d);
  });
}

void Analysis::forEachRun(const std::function<void(uint64_t, const std::vector<Diagnostic>&)>& f) const {
  if (statementRecheck && recheck) forEachFindingRun(*recheck, f);
  if (!comp->diags.all().empty()) f(0, comp->diags.all());
}

Workspace::Workspace(FileReader& disk) : disk_(disk) {}
Workspace::~Workspace() = default;

std::string Workspace::normalize(const std::string& path) {
  if (path.empty() || path[0] != '/') return path;  // not a file path: keep it as given
  return fs::path(path).lexically_normal().string();
}

void Workspace::open(const std::string& path, std::string text, int64_t version) {
  docs_[path] = Document{path, std::make_shared<std::string>(std::move(text)), version};
  ++generation_;
}

void Workspace::setText(const std::string& path, std::string text, int64_t version) {
  auto it = docs_.find(path);
  if (it == docs_.end()) return;
  it->second.shared = std::make_shared<std::string>(std::move(text));
  it->second.version = version;
  ++generation_;
}

void Workspace::edit(const std::string& path, uint32_t begin, uint32_t end, const std::string& text) {
  auto it = docs_.find(path);
  if (it == docs_.end()) return;
  auto& shared = it->second.shared;
  const std::string& t = *shared;
  begin = std::min<uint32_t>(begin, static_cast<uint32_t>(t.size()));
  end = std::clamp<uint32_t>(end, begin, static_cast<uint32_t>(t.size()));
  // Only this thread hands the text to jobs, so a count of one cannot grow meanwhile.
  if (shared.use_count() == 1) {
    shared->replace(begin, end - begin, text);
  } else {  // a job compiles the current version: the edit makes the next one
    auto next = std::make_shared<std::string>();
    next->reserve(t.size() - (end - begin) + text.size());
    next->append(t, 0, begin).append(text).append(t, end, std::string::npos);
    shared = std::move(next);
  }
  ++generation_;
}

void Workspace::setVersion(const std::string& path, int64_t version) {
  auto it = docs_.find(path);
  if (it != docs_.end()) it->second.version = version;
}

void Workspace::close(const std::string& path) {
  docs_.erase(path);
  analyses_.erase(path);
  ++generation_;
}

const Document* Workspace::document(const std::string& path) const {
  auto it = docs_.find(path);
  return it == docs_.end() ? nullptr : &it->second;
}

std::vector<std::string> Workspace::openPaths() const {
  std::vector<std::string> out;
  for (const auto& [p, d] : docs_) out.push_back(p);
  return out;
}

namespace {

// The backends' checks and lint after a compile, then what the next edit needs to check only
// the statements it touches. Lint's findings count only when the backends' checks find no error,
// but it reads nothing they write (the module, and the sources they do not read), so on a large
// document it runs beside them on the second core rather than after them.
void finishChecks(Analysis& a, const std::string& path, FileReader& reader, bool forEdits) {
  Compilation& c = *a.comp;
  size_t frontEnd = c.diags.all().size();
  size_t backendEnd = frontEnd;
  if (c.diags.errorCount() == 0) {
    DiagEngine lintDiags;
    std::exception_ptr lintFailed;  // a bug in a rule: thrown here, as it would be without the thread
    auto lint = [&] {
      try {
        lintModule(c.module, c.sources, path, reader, lintDiags);
      } catch (...) {
        lintFailed = std::current_exception();
      }
    };
    std::thread beside;
    struct Join {  // also when the backends' checks throw: a thread is never left running
      std::thread& t;
      ~Join() {
        if (t.joinable()) t.join();
      }
    } join{beside};
    if (c.module.monitors.size() + c.module.dashboards.size() >= kObjectsWorthAThread) beside = std::thread(lint);
    checkBackends(c.module, c.diags);
    if (beside.joinable()) beside.join();
    else if (c.diags.errorCount() == 0) lint();
    if (lintFailed) std::rethrow_exception(lintFailed);
    backendEnd = c.diags.all().size();
    if (c.diags.errorCount() == 0)
      for (const Diagnostic& d : lintDiags.all()) c.diags.append(d);
  }
  a.recheck = forEdits ? buildRecheckState(a, frontEnd, backendEnd, path, reader) : nullptr;
}

}  // namespace

void AnalysisJob::run() {
  Overlay reader(texts, *disk);
  if (!analysis) analysis = std::make_unique<Analysis>();
  Analysis& a = *analysis;
  const std::string& text = *texts.at(path);
  if (a.comp && a.checksPending && a.generation == generation) {  // the same texts: only the checks are missing
    finishChecks(a, path, reader, incremental);
    a.checksPending = false;
    return;
  }
  bool first = !a.comp;
  Analysis next;
  if (incremental && a.comp && reanalyze(a, text, reader, next)) {
    next.generation = generation;
    next.incremental = true;
    if (!next.statementRecheck) finishChecks(next, path, reader, true);
    a = std::move(next);
    return;
  }
  a.comp = std::make_unique<Compilation>();
  CompileOptions opts;
  opts.keepSyntax = true;  // hover, definition and symbols read the trees
  compile({path}, opts, reader, *a.comp);
  a.root = a.comp->program.roots.empty() ? kNoFile : a.comp->program.roots[0];
  a.generation = generation;
  a.incremental = false;
  a.statementRecheck = false;
  if (a.root == kNoFile) {  // cannot happen for an open document, but never hand out a bad id
    a.root = a.comp->sources.add(path, text);
    a.comp->program.files[a.root].ast.id = a.root;
  }
  a.cleanSyntax = syntaxClean(a);
  a.importFree = !memmem(text.data(), text.size(), "import", 6);
  a.recheck = nullptr;
  a.checksPending = first && deferChecks && a.comp->diags.errorCount() == 0;
  if (!a.checksPending) finishChecks(a, path, reader, incremental);
}

std::unique_ptr<AnalysisJob> Workspace::startJob(const std::string& path, bool deferChecks) {
  if (!docs_.count(path) || lent_.count(path)) return nullptr;
  if (const Analysis* a = current(path); a && !a->checksPending) return nullptr;
  auto job = std::make_unique<AnalysisJob>();
  job->path = path;
  job->deferChecks = deferChecks;
  job->analysis = std::move(analyses_[path]);
  job->incremental = incremental_;
  job->disk = &disk_;
  refreshJob(*job);
  lent_.insert(path);
  return job;
}

void Workspace::refreshJob(AnalysisJob& job) const {
  job.generation = generation_;
  job.texts.clear();
  for (const auto& [p, d] : docs_) job.texts[p] = d.shared;
}

bool Workspace::finishJob(std::unique_ptr<AnalysisJob> job) {
  lent_.erase(job->path);
  if (!docs_.count(job->path)) return false;  // closed meanwhile
  analyses_[job->path] = std::move(job->analysis);
  return job->generation == generation_;
}

const Analysis* Workspace::analyze(const std::string& path) {
  if (auto job = startJob(path)) {
    job->run();
    finishJob(std::move(job));
  }
  return current(path);
}

const Analysis* Workspace::current(const std::string& path) const {
  auto it = analyses_.find(path);
  if (it == analyses_.end() || !it->second || !it->second->comp || it->second->generation != generation_) return nullptr;
  return it->second.get();
}

std::vector<std::string> Workspace::dependents(const std::string& path) const {
  std::vector<std::string> out;
  for (const auto& [root, a] : analyses_) {
    if (!a || !a->comp || root == path) continue;
    for (size_t i = 0; i < a->comp->sources.fileCount(); ++i)
      if (normalize(a->comp->sources.path(static_cast<FileId>(i))) == path) {
        out.push_back(root);
        break;
      }
  }
  return out;
}

}  // namespace mon::lsp
