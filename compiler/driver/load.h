#pragma once
// Loading: reads the named files (and directories of .mon files), parses them, and follows
// imports, reporting unreadable files and import cycles at the import that causes them.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ast/ast.h"
#include "diag/diag_engine.h"

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

}  // namespace mon
