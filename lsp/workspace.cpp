#include "workspace.h"

#include <algorithm>
#include <filesystem>

#include "backend.h"
#include "incremental.h"

namespace mon::lsp {

namespace fs = std::filesystem;

/// Reads open documents from memory and everything else from the disk.
class Workspace::Overlay : public FileReader {
 public:
  explicit Overlay(Workspace& ws) : ws_(ws) {}
  bool read(const std::string& path, std::string& text, std::string& error) override {
    if (const Document* d = ws_.document(normalize(path))) {
      text = d->text;
      return true;
    }
    return ws_.disk_.read(path, text, error);
  }

 private:
  Workspace& ws_;
};

namespace {

// What `monitorc check` adds to the front end: the backends' checks (monitors a declared target
// cannot express, unknown `targets` names, dropped fields), only when the front end found no errors.
void checkBackendsIfClean(Compilation& c) {
  if (c.diags.errorCount() == 0) checkBackends(c.module, c.diags);
}

}  // namespace

const ast::File* Analysis::file() const {
  auto it = comp->program.files.find(root);
  return it == comp->program.files.end() ? nullptr : &it->second.ast;
}

Workspace::Workspace(FileReader& disk) : disk_(disk), overlay_(std::make_unique<Overlay>(*this)) {}
Workspace::~Workspace() = default;

std::string Workspace::normalize(const std::string& path) {
  if (path.empty() || path[0] != '/') return path;  // not a file path: keep it as given
  return fs::path(path).lexically_normal().string();
}

void Workspace::open(const std::string& path, std::string text, int64_t version) {
  docs_[path] = Document{path, std::move(text), version};
  ++generation_;
}

void Workspace::setText(const std::string& path, std::string text, int64_t version) {
  auto it = docs_.find(path);
  if (it == docs_.end()) return;
  it->second.text = std::move(text);
  it->second.version = version;
  ++generation_;
}

void Workspace::edit(const std::string& path, uint32_t begin, uint32_t end, const std::string& text) {
  auto it = docs_.find(path);
  if (it == docs_.end()) return;
  std::string& t = it->second.text;
  begin = std::min<uint32_t>(begin, static_cast<uint32_t>(t.size()));
  end = std::clamp<uint32_t>(end, begin, static_cast<uint32_t>(t.size()));
  t.replace(begin, end - begin, text);
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

const Analysis* Workspace::analyze(const std::string& path) {
  if (!docs_.count(path)) return nullptr;
  Analysis& a = analyses_[path];
  if (a.comp && a.generation == generation_) return &a;
  Analysis next;
  if (incremental_ && a.comp && reanalyze(a, docs_[path].text, *overlay_, next)) {
    next.generation = generation_;
    next.incremental = true;
    checkBackendsIfClean(*next.comp);
    a = std::move(next);
    return &a;
  }
  a.comp = std::make_unique<Compilation>();
  CompileOptions opts;
  opts.keepSyntax = true;  // hover, definition and symbols read the trees
  compile({path}, opts, *overlay_, *a.comp);
  checkBackendsIfClean(*a.comp);
  a.root = a.comp->program.roots.empty() ? kNoFile : a.comp->program.roots[0];
  a.generation = generation_;
  a.incremental = false;
  if (a.root == kNoFile) {  // cannot happen for an open document, but never hand out a bad id
    a.root = a.comp->sources.add(path, docs_[path].text);
    a.comp->program.files[a.root].ast.id = a.root;
  }
  a.cleanSyntax = syntaxClean(a);
  return &a;
}

const Analysis* Workspace::lastAnalysis(const std::string& path) const {
  auto it = analyses_.find(path);
  return it == analyses_.end() || !it->second.comp ? nullptr : &it->second;
}

std::vector<std::string> Workspace::dependents(const std::string& path) const {
  std::vector<std::string> out;
  for (const auto& [root, a] : analyses_) {
    if (!a.comp || root == path) continue;
    for (size_t i = 0; i < a.comp->sources.fileCount(); ++i)
      if (normalize(a.comp->sources.path(static_cast<FileId>(i))) == path) {
        out.push_back(root);
        break;
      }
  }
  return out;
}

}  // namespace mon::lsp
