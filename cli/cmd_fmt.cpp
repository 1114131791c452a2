// `monitorc fmt [--check] PATH...`: rewrites .mon files in the canonical layout
// (compiler/fmt/format.cpp). A file with syntax errors is reported and left alone.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "commands.h"
#include "diag/render.h"
#include "driver/load.h"
#include "fmt/format.h"
#include "parse/parse.h"

namespace mon::cli {

namespace {

namespace fs = std::filesystem;

enum class Outcome { Unchanged, Changed, Failed };

// Writes `content` next to `path` and renames it over, so a reader never sees half a file.
// Keeps the file's permissions; writes through a symbolic link to its target.
bool replaceFile(const std::string& path, const std::string& content) {
  std::error_code ec;
  fs::path target = fs::is_symlink(path, ec) ? fs::canonical(path, ec) : fs::path(path);
  if (ec) target = path;
  std::string tmpl = target.string() + ".fmt-XXXXXX";
  int fd = mkstemp(tmpl.data());
  if (fd < 0) {
    std::cerr << "monitorc: error: cannot write '" << path << "': cannot create a temporary file\n";
    return false;
  }
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  bool ok = done == content.size() && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  auto perms = fs::status(target, ec).permissions();
  if (ok && !ec) fs::permissions(tmpl, perms, ec);
  if (ok) fs::rename(tmpl, target, ec);
  if (!ok || ec) {
    std::cerr << "monitorc: error: cannot write '" << path << "'" << (ec ? ": " + ec.message() : "") << "\n";
    fs::remove(tmpl, ec);
    return false;
  }
  return true;
}

// Formats one file; in check mode only says whether it would change.
Outcome formatFile(const std::string& path, bool check) {
  std::string text, error;
  DiskFileReader reader;
  if (!reader.read(path, text, error)) {
    std::cerr << "monitorc: error: cannot read '" << path << "': " << error << "\n";
    return Outcome::Failed;
  }
  if (text.size() > kMaxSourceBytes) {
    std::cerr << "monitorc: error: cannot read '" << path << "': file is too large\n";
    return Outcome::Failed;
  }
  SourceManager sm;
  DiagEngine diags;
  diags.setErrorLimit(100);
  FileId id = sm.add(path, text);
  ast::File file = parse(sm, id, diags);
  if (diags.hasErrors()) {
    std::cerr << renderText(sm, diags.all()) << "monitorc: error: '" << path << "' has syntax errors; not formatted\n";
    return Outcome::Failed;
  }
  std::string out = format(sm, file);
  if (out == text) return Outcome::Unchanged;
  // The formatted text must parse cleanly before it replaces anything.
  DiagEngine recheck;
  FileId outId = sm.add(path, out);
  parse(sm, outId, recheck);
  if (recheck.hasErrors()) {
    std::cerr << "monitorc: error: internal error: the formatted '" << path << "' does not parse; file left unchanged\n"
              << renderText(sm, recheck.all());
    return Outcome::Failed;
  }
  if (check) {
    std::cout << "would reformat: " << path << "\n";
    return Outcome::Changed;
  }
  return replaceFile(path, out) ? Outcome::Changed : Outcome::Failed;
}

}  // namespace

Runner setupFmt(CLI::App& sub) {
  struct Opts {
    std::vector<std::string> paths;
    bool check = false;
  };
  auto o = std::make_shared<Opts>();
  sub.add_option("paths", o->paths, ".mon files or directories of them")->required();
  sub.add_flag("--check", o->check, "Write nothing; exit 1 and name the files that would change");
  return [o]() {
    std::vector<std::string> problems;
    std::vector<std::string> files = expandPaths(o->paths, problems);
    bool failed = !problems.empty();
    for (const auto& p : problems) std::cerr << "monitorc: error: " << p << "\n";
    bool changed = false;
    for (const auto& f : files) {
      Outcome r = formatFile(f, o->check);
      failed |= r == Outcome::Failed;
      changed |= r == Outcome::Changed;
    }
    return failed || (o->check && changed) ? 1 : 0;
  };
}

}  // namespace mon::cli
