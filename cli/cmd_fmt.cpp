// `monitorc fmt [--check | --diff] PATH... | -`: rewrites .mon files in the canonical layout
// (compiler/fmt/format.cpp). A file with syntax errors is reported and left alone.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "commands.h"
#include "diag/render.h"
#include "support/terminal.h"
#include "driver/load.h"
#include "fmt/format.h"
#include "parse/parse.h"
#include "support/line_diff.h"

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

// What fmt does with a file's canonical text.
enum class Mode { Write, Check, Diff };

// The canonical text of `text` (read from `path`); false, with the syntax errors reported,
// when it does not parse, or when the formatted text would not parse (never written).
bool canonicalText(const std::string& path, const std::string& text, std::string& out) {
  SourceManager sm;
  DiagEngine diags;
  diags.setErrorLimit(100);
  FileId id = sm.add(path, text);
  ast::File file = parse(sm, id, diags);
  if (diags.hasErrors()) {
    std::cerr << renderText(sm, diags.all(), useColor(STDERR_FILENO)) << "monitorc: error: '" << path
              << "' has syntax errors; not formatted\n";
    return false;
  }
  out = format(sm, file);
  if (out == text) return true;
  DiagEngine recheck;
  parse(sm, sm.add(path, out), recheck);
  if (recheck.hasErrors()) {
    std::cerr << "monitorc: error: internal error: the formatted '" << path << "' does not parse; file left unchanged\n"
              << renderText(sm, recheck.all());
    return false;
  }
  return true;
}

// Formats one file: rewrites it, or (check) names it, or (diff) prints what would change.
Outcome formatFile(const std::string& path, Mode mode) {
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
  std::string out;
  if (!canonicalText(path, text, out)) return Outcome::Failed;
  if (out == text) return Outcome::Unchanged;
  if (mode == Mode::Check) {
    std::cout << "would reformat: " << path << "\n";
    return Outcome::Changed;
  }
  if (mode == Mode::Diff) {
    std::cout << unifiedDiff(text, out, path, path);
    return Outcome::Changed;
  }
  return replaceFile(path, out) ? Outcome::Changed : Outcome::Failed;
}

// `fmt -`: standard input to standard output (what editors' format-on-save commands run), or
// with --check/--diff only judged. Nothing is written to stdout when it does not parse.
Outcome formatStdin(Mode mode) {
  std::string text;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) {
    text.append(buf, n);
    if (text.size() > kMaxSourceBytes) {
      std::cerr << "monitorc: error: standard input is too large for a source file\n";
      return Outcome::Failed;
    }
  }
  std::string out;
  if (!canonicalText("<stdin>", text, out)) return Outcome::Failed;
  if (mode == Mode::Write) std::cout << out;
  else if (mode == Mode::Diff) std::cout << unifiedDiff(text, out, "<stdin>", "<stdin>");
  else if (out != text) std::cout << "would reformat: <stdin>\n";
  return out == text ? Outcome::Unchanged : Outcome::Changed;
}

}  // namespace

Runner setupFmt(CLI::App& sub) {
  struct Opts {
    std::vector<std::string> paths;
    bool check = false;
    bool diff = false;
  };
  auto o = std::make_shared<Opts>();
  sub.add_option("paths", o->paths, ".mon files or directories of them; - reads standard input and writes standard output")
      ->required();
  sub.add_flag("--check", o->check, "Write nothing; exit 1 and name the files that would change");
  sub.add_flag("--diff", o->diff, "Write nothing; print a unified diff of what would change, exit 1 if anything would");
  sub.footer(
      "Examples:\n"
      "  monitorc fmt .                      rewrite every .mon file below here\n"
      "  monitorc fmt --check .              in CI: exit 1 when a file is not formatted\n"
      "  monitorc fmt --diff main.mon        show what would change\n"
      "  monitorc fmt - < main.mon           format standard input to standard output\n"
      "Exit status: 0 done (or nothing to change); 1 a file would change (--check, --diff), has\n"
      "syntax errors or cannot be read or written.");
  return [o]() {
    if (o->check && o->diff) {
      std::cerr << "monitorc: error: give --check or --diff, not both\n";
      return 1;
    }
    Mode mode = o->diff ? Mode::Diff : o->check ? Mode::Check : Mode::Write;
    bool stdinGiven = std::find(o->paths.begin(), o->paths.end(), "-") != o->paths.end();
    if (stdinGiven && o->paths.size() > 1) {
      std::cerr << "monitorc: error: '-' (standard input) cannot be mixed with files\n";
      return 1;
    }
    if (stdinGiven) {
      Outcome r = formatStdin(mode);
      return r == Outcome::Failed || (mode != Mode::Write && r == Outcome::Changed) ? 1 : 0;
    }
    std::vector<std::string> problems, skipped;
    std::vector<std::string> files = expandPaths(o->paths, problems, &skipped);
    bool failed = !problems.empty();
    for (const auto& p : problems) std::cerr << "monitorc: error: " << p << "\n";
    for (const auto& d : skipped) std::cerr << "monitorc: note: '" << d << "' not formatted: `monitorc pull` wrote it\n";
    bool changed = false;
    for (const auto& f : files) {
      Outcome r = formatFile(f, mode);
      failed |= r == Outcome::Failed;
      changed |= r == Outcome::Changed;
    }
    return failed || (mode != Mode::Write && changed) ? 1 : 0;
  };
}

}  // namespace mon::cli
