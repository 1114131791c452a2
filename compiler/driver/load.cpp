#include "driver/load.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "parse/parse.h"
#include "support/files.h"
#include "support/parallel.h"

namespace mon {

namespace fs = std::filesystem;

bool DiskFileReader::read(const std::string& path, std::string& text, std::string& error) {
  // Regular files only, and at most kMaxSourceBytes: `import "/dev/zero"` or a FIFO is an error,
  // not an endless read or a hang.
  return readRegularFile(path, text, error, kMaxSourceBytes);
}

std::vector<std::string> expandPaths(const std::vector<std::string>& paths, std::vector<std::string>& errors,
                                     std::vector<std::string>* skipped) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code ignored;
        if (it->is_directory(ignored) && fs::exists(it->path() / kPulledMarker, ignored)) {
          it.disable_recursion_pending();
          if (skipped) skipped->push_back(it->path().lexically_normal().string());
          continue;
        }
        if (it->is_regular_file() && it->path().extension() == ".mon") found.push_back(it->path().lexically_normal().string());
      }
      if (ec) errors.push_back("cannot read directory '" + p + "': " + ec.message());
      std::sort(found.begin(), found.end());
      if (found.empty()) errors.push_back("no .mon files in '" + p + "'");
      out.insert(out.end(), found.begin(), found.end());
    } else {
      out.push_back(fs::path(p).lexically_normal().string());
    }
  }
  return out;
}

namespace {

class Loader {
 public:
  Loader(SourceManager& sm, DiagEngine& diags, FileReader& reader) : sm_(sm), diags_(diags), reader_(reader) {}

  Program run(const std::vector<std::string>& paths) {
    parseRootsInParallel(paths);
    for (const auto& p : paths) {
      FileId id = loadFile(p, Range{}, {});
      if (id != kNoFile && std::find(program_.roots.begin(), program_.roots.end(), id) == program_.roots.end())
        program_.roots.push_back(id);
    }
    return std::move(program_);
  }

 private:
  static std::string key(const std::string& path) {
    std::error_code ec;
    fs::path abs = fs::absolute(path, ec);
    return (ec ? fs::path(path) : abs).lexically_normal().string();
  }

  struct Preparsed {
    ast::File ast;
    DiagEngine diags;
  };

  // Files are independent until their imports are followed, so the files named on the
  // command line are read and parsed on all cores first. Their diagnostics are merged when
  // the sequential pass below reaches them, so the output order does not depend on threads.
  void parseRootsInParallel(const std::vector<std::string>& paths) {
    std::vector<FileId> ids;
    for (const auto& p : paths) {
      std::string k = key(p), text, error;
      if (ids_.count(k) || !reader_.read(p, text, error) || text.size() > kMaxSourceBytes) continue;
      FileId id = sm_.add(p, std::move(text));
      ids_[k] = id;
      ids.push_back(id);
    }
    std::vector<Preparsed> results(ids.size());
    parallelFor(ids.size(), workerThreads(), [&](size_t i) {
      results[i].diags.setErrorLimit(1000);
      results[i].ast = parse(sm_, ids[i], results[i].diags);
    });
    for (size_t i = 0; i < ids.size(); ++i) preparsed_.emplace(ids[i], std::move(results[i]));
  }

  // Loads one file and, depth first, its imports. `stack` holds the import chain for cycles.
  FileId loadFile(const std::string& path, Range importedAt, std::vector<std::string> stack) {
    std::string k = key(path);
    auto known = ids_.find(k);
    if (known != ids_.end()) {
      auto pre = preparsed_.find(known->second);
      if (pre == preparsed_.end()) return known->second;  // loaded already
      FileId id = known->second;
      for (const auto& d : pre->second.diags.all()) diags_.append(d);
      ast::File file = std::move(pre->second.ast);
      preparsed_.erase(pre);
      return followImports(id, k, std::move(file), std::move(stack));
    }
    std::string text, error;
    if (!reader_.read(path, text, error)) {
      if (importedAt.valid()) diags_.report(importedAt, diag::err_import_not_found, {path, error});
      else diags_.report(Range{}, diag::err_cannot_read, {path, error});
      return kNoFile;
    }
    if (text.size() > kMaxSourceBytes) {
      diags_.report(importedAt, diag::err_file_too_large, {std::to_string(text.size()), std::to_string(kMaxSourceBytes)});
      return kNoFile;
    }
    FileId id = sm_.add(path, std::move(text));
    ids_[k] = id;
    return followImports(id, k, parse(sm_, id, diags_), std::move(stack));
  }

  FileId followImports(FileId id, const std::string& k, ast::File file, std::vector<std::string> stack) {
    LoadedFile& lf = program_.files[id];
    lf.ast = std::move(file);
    stack.push_back(k);
    onStack_.insert(k);
    for (const auto& st : lf.ast.stmts) {
      if (st->kind != ast::StmtKind::Import) continue;
      lf.imports.push_back(resolveImport(id, *st, stack));
    }
    onStack_.erase(k);
    return id;
  }

  FileId resolveImport(FileId from, const ast::Stmt& st, const std::vector<std::string>& stack) {
    if (!st.value || st.value->kind != ast::ExprKind::String || st.value->parts.size() > 1 ||
        (st.value->parts.size() == 1 && st.value->parts[0].expr))
      return kNoFile;
    std::string rel = st.value->parts.empty() ? "" : st.value->parts[0].text;
    fs::path target = (fs::path(sm_.path(from)).parent_path() / rel).lexically_normal();
    std::string k = key(target.string());
    if (onStack_.count(k)) {
      std::string chain;
      auto it = std::find(stack.begin(), stack.end(), k);
      for (; it != stack.end(); ++it) chain.append("'").append(fs::path(*it).filename().string()).append("' -> ");
      chain.append("'").append(target.filename().string()).append("'");  // append: GCC 12 warns (-Wrestrict) on the operator+ form
      diags_.report(st.value->range, diag::err_import_cycle, {target.string(), chain});
      return kNoFile;
    }
    if (program_.files.size() > 10000) return kNoFile;  // a generated import explosion
    // Copy the program_ reference lookups after recursion: map nodes are stable.
    return loadFile(target.string(), st.value->range, stack);
  }

  SourceManager& sm_;
  DiagEngine& diags_;
  FileReader& reader_;
  Program program_;
  std::map<std::string, FileId> ids_;
  std::set<std::string> onStack_;
  std::map<FileId, Preparsed> preparsed_;
};

}  // namespace

Program load(const std::vector<std::string>& paths, SourceManager& sm, DiagEngine& diags, FileReader& reader) {
  return Loader(sm, diags, reader).run(paths);
}

}  // namespace mon
