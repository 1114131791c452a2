#include "driver/expand_as_loaded.h"

#include <cctype>
#include <cstddef>
#include <memory>

namespace mon {

namespace {

// Parse ahead of the file being expanded by at most this many named files: more would only
// hold more trees, as expanding and lowering a file takes about as long as parsing one.
constexpr size_t kParseAhead = 1;

// Whether the text may declare or read a variable: it holds the word `var` or `variable`
// (anywhere, comments and strings included: a false alarm only costs memory).
bool mentionsVariables(const std::string& text) {
  auto wordChar = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; };
  for (size_t at = text.find("var"); at != std::string::npos; at = text.find("var", at + 3)) {
    if (at > 0 && wordChar(text[at - 1])) continue;
    size_t end = at + 3;
    if (text.compare(end, 5, "iable") == 0) end += 5;
    if (end >= text.size() || !wordChar(text[end])) return true;
  }
  return false;
}

// Once a file is expanded, its statements are freed but for its templates, which uses elsewhere
// still read, its variable blocks, which variables collected later still read, and its imports,
// which the loader reads while the file is being expanded (RootLoader::loadEverything) and no
// longer once it is done. Without templates and variables, nothing views its text any more:
// the tree's store and the source manager let go of it.
void releaseIfFreed(Compilation& c, FileId file) {
  auto it = c.program.files.find(file);
  if (it == c.program.files.end()) return;
  ast::File& tree = it->second.ast;
  for (auto& st : tree.stmts) {
    if (st && st->kind == ast::StmtKind::Import) st.reset();
    if (st) return;
  }
  tree = ast::File{};
  tree.id = file;
  c.sources.release(file);
}

}  // namespace

void expandAsLoaded(const std::vector<std::string>& paths, const ExpandOptions& eo, FileReader& reader, Compilation& c,
                    const std::function<void(Object&&)>& consume, const std::function<void()>& onParsed,
                    bool releaseSources) {
  // Each file is expanded and lowered as soon as it is loaded (imports as expansion reaches
  // them), its tree freed statement by statement, while the next named file is parsed on
  // another thread: about one file's tree is in memory at a time instead of all of them.
  // Diagnostics keep load()-then-expand()'s order: the parse's go to a second engine and are
  // put first once everything is loaded, then the variables', then the rest.
  DiagEngine parseDiags = c.diags;  // the same settings, and whatever was reported before
  size_t reportedBefore = c.diags.all().size();
  // Whether a named file may declare or read a variable, seen as the loader reads them (and
  // then lets go of their texts until each is parsed).
  bool namedMentionVariables = false;
  RootLoader loader(paths, c.sources, parseDiags, reader, c.program, kParseAhead, /*lazyImports=*/true,
                    [&](FileId, const std::string& text) {
                      namedMentionVariables = namedMentionVariables || mentionsVariables(text);
                    });
  // Variables are collected from every file before anything that may read them is expanded:
  // once a file that declares or reads one is loaded, everything is, as load() does.
  bool allLoaded = false;
  size_t checked = 0;
  std::unique_ptr<ExpandSession> session;
  auto loadEverything = [&] {
    allLoaded = true;
    loader.parseAheadAll();
    loader.loadEverything();
    onParsed();
    std::vector<Diagnostic> expandedEarly(c.diags.all().begin() + static_cast<std::ptrdiff_t>(reportedBefore),
                                          c.diags.all().end());
    c.diags = std::move(parseDiags);
    session->collectVariables();
    c.diags.replay(expandedEarly);  // after the parse's, as load() then expand() report them
  };
  auto checkLoaded = [&] {
    for (; !allLoaded && checked < loader.loaded().size(); ++checked)
      if (mentionsVariables(c.sources.text(loader.loaded()[checked]))) loadEverything();
  };
  ExpandSession::Imports imports;
  imports.resolve = [&](FileId from, const ast::Stmt& import, size_t index) {
    FileId dep = loader.importOf(from, import, index);
    checkLoaded();
    return dep;
  };
  imports.more = [&](FileId file) { return loader.more(file); };
  imports.done = [&](FileId file) {
    loader.fileExpanded(file);
    if (releaseSources) releaseIfFreed(c, file);
  };
  session = std::make_unique<ExpandSession>(c.program, c.sources, eo, c.diags, consume, std::move(imports));
  if (namedMentionVariables) loadEverything();
  for (size_t next = 0; !allLoaded && next < loader.rootCount(); ++next) {
    FileId id = loader.loadRoot(next);
    checkLoaded();
    if (id != kNoFile) session->expandFile(id);
  }
  if (!allLoaded) loadEverything();
  for (FileId root : c.program.roots) session->expandFile(root);  // those not expanded yet
  session.reset();
}

}  // namespace mon
