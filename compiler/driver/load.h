#pragma once
// Loading: reads the named files (and directories of .mon files), parses them, and follows
// imports, reporting unreadable files and import cycles at the import that causes them.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ast/ast.h"
#include "diag/diag_engine.h"
#include "parse/parse.h"

namespace mon {

/// Where source text comes from: the disk, or an editor's unsaved buffers (the LSP).
class FileReader {
 public:
  virtual ~FileReader() = default;
  /// Reads a whole file; false with a reason on failure.
  virtual bool read(const std::string& path, std::string& text, std::string& error) = 0;
};

class DiskFileReader : public FileReader {
 public:
  bool read(const std::string& path, std::string& text, std::string& error) override;
};

/// Largest source file accepted (a guard against feeding the compiler a disk image).
constexpr size_t kMaxSourceBytes = 64u << 20;

struct LoadedFile {
  ast::File ast;
  std::vector<FileId> imports;  // one per import statement, in order; kNoFile when it failed
  /// The statements not parsed yet (RootLoader::more), while the file is loaded lazily.
  std::unique_ptr<StatementFeed> rest;
};

struct Program {
  std::map<FileId, LoadedFile> files;
  std::vector<FileId> roots;  // the files named on the command line, in order
};

/// The file `monitorc pull` leaves in the directory it writes: a walk over a source directory
/// does not read that directory (its files are the service's objects, already in the source
/// they were pulled for; read, they would be duplicates). Named explicitly, its files are read.
constexpr const char* kPulledMarker = ".monitorc-pulled";

/// Expands directories to their .mon files (sorted, recursive), keeps files as given. Directories
/// holding kPulledMarker are not walked; `skipped` (when given) gets each of them.
std::vector<std::string> expandPaths(const std::vector<std::string>& paths, std::vector<std::string>& errors,
                                     std::vector<std::string>* skipped = nullptr);

/// Loads and parses `paths` and everything they import.
Program load(const std::vector<std::string>& paths, SourceManager& sm, DiagEngine& diags, FileReader& reader);

/// The same one named file at a time, for a caller that expands each file as soon as it is
/// loaded (the compiler driver: then about one file's syntax tree is in memory at a time, not
/// all of them). The named files are read at once; they are parsed on other threads ahead of
/// the caller, at most `parseAhead` files beyond the one needed last (unlimited after
/// parseAheadAll()). Lazy, each named file's text is handed to `onNamedRead` as it is read and
/// then let go (SourceManager::setAside, when the manager has a reloader), and read again when
/// the file is parsed: only the files near the one being loaded are in memory. A file that
/// changed in between is reported as unreadable rather than parsed as another text.
///
/// Eager, loadRoot(0), loadRoot(1), ... put in `program` and report to `diags` what load()
/// does. Lazy, loadRoot() does not follow imports: the caller, expanding the file, asks for
/// each import with importOf() when it reaches it and says when it is done with the file with
/// fileExpanded(); as expansion follows imports depth first in order, as loading does, the
/// files are loaded and the diagnostics reported in load()'s order. loadEverything() loads
/// the rest as load() would, and makes the loader eager.
class RootLoader {
 public:
  RootLoader(const std::vector<std::string>& paths, SourceManager& sm, DiagEngine& diags, FileReader& reader,
             Program& program, size_t parseAhead, bool lazyImports,
             const std::function<void(FileId, const std::string&)>& onNamedRead = {});
  ~RootLoader();
  RootLoader(const RootLoader&) = delete;
  RootLoader& operator=(const RootLoader&) = delete;

  size_t rootCount() const;
  /// Loads the i-th named file (in order: i = 0, 1, ...) and, when eager, depth first the files
  /// it imports that are not loaded yet. Returns its id, or kNoFile when it could not be read.
  FileId loadRoot(size_t i);
  /// The file imported by the `index`-th import statement `import` of `from` (kNoFile when that
  /// failed, reported), loaded now when lazy. `from` is the file being expanded innermost.
  FileId importOf(FileId from, const ast::Stmt& import, size_t index);
  /// Lazy, a file comes with its first statements only, the others still being parsed (see
  /// StatementFeed): this appends its next ones to its tree, false when it has none left. A
  /// file's statements are all there before another file is loaded (importOf(),
  /// loadEverything()), so the parse's diagnostics come in load()'s order.
  bool more(FileId file);
  /// The caller has expanded `file` and every file it imports.
  void fileExpanded(FileId file);
  /// Loads what load() would still load: the imports not followed yet of the files being
  /// expanded, innermost first, then the named files not loaded yet.
  void loadEverything();
  /// Every file loaded so far (named or imported), in the order they were loaded.
  const std::vector<FileId>& loaded() const;
  /// From now on parse every named file as soon as a thread is free.
  void parseAheadAll();

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace mon
