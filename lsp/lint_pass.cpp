#include "lint_pass.h"

#include <filesystem>

#include "lint/lint.h"
#include "lint/rules.h"

namespace mon::lsp {

// A project keeps one `.monitorc-lint` at its top, where `monitorc lint` is run; documents in
// subdirectories share it.
bool findLintConfig(const std::string& rootPath, FileReader& reader, std::string& path, std::string& text) {
  namespace fs = std::filesystem;
  if (rootPath.empty() || rootPath[0] != '/') return false;  // not a file: no directory to look in
  std::string error;
  for (fs::path dir = fs::path(rootPath).parent_path();; dir = dir.parent_path()) {
    path = (dir / ".monitorc-lint").string();
    if (reader.read(path, text, error)) return true;
    if (dir == dir.parent_path()) return false;
  }
}

namespace {

// PREFIX/share/doc/monitorc/lint.md for the binary PREFIX/bin/monitorc; "" when absent (a build
// tree, or a package without docs). Looked up once: the answer cannot change while serving.
const std::string& installedLintDoc() {
  static const std::string path = [] {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return std::string();
    fs::path doc = exe.parent_path().parent_path() / "share" / "doc" / "monitorc" / "lint.md";
    return fs::is_regular_file(doc, ec) ? doc.string() : std::string();
  }();
  return path;
}

}  // namespace

std::string ruleDocPath(const std::string& code) {
  const lint::Rule* rule = lint::findRule(code);
  if (!rule || installedLintDoc().empty()) return "";
  // The heading "### MON004 no-runbook" as Markdown renderers anchor it.
  std::string anchor = std::string(rule->code) + "-" + rule->name;
  for (char& ch : anchor)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return installedLintDoc() + "#" + anchor;
}

void lintModule(const ir::Module& module, SourceManager& sources, const std::string& rootPath, FileReader& reader,
                DiagEngine& out) {
  lint::Config config;
  FileId configFile = kNoFile;
  std::string path, text;
  if (findLintConfig(rootPath, reader, path, text)) {
    configFile = sources.add(path, text);
    config = lint::parseConfig(configFile, sources, out);
    if (out.errorCount() != 0) return;  // as `monitorc lint`: a bad line stops the rules
  }
  lint::lint(module, sources, config, configFile, out);
}

void lintAnalysis(Compilation& c, const std::string& rootPath, FileReader& reader) {
  if (c.diags.errorCount() != 0) return;  // as `monitorc lint`: rules read a module without errors
  lintModule(c.module, c.sources, rootPath, reader, c.diags);
}

}  // namespace mon::lsp
