#pragma once
// The protocol-free layer: open documents (an overlay over the disk) and their analyses.
// Everything here speaks paths and byte offsets; lsp/server.cpp converts to URIs and UTF-16.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "driver/compile.h"

namespace mon::lsp {

/// An open editor buffer.
struct Document {
  std::string path;  // normalized absolute path (or the URI itself when it is not a file)
  std::string text;
  int64_t version = 0;
};

/// The result of compiling one open document as the root of a program.
struct Analysis {
  std::unique_ptr<Compilation> comp;
  FileId root = kNoFile;
  uint64_t generation = 0;  // workspace generation it was computed at
  bool cleanSyntax = false; // the root parsed without syntax errors: its tree can be reused
  bool incremental = false; // made by re-parsing only the edited statements
  const std::string& text() const { return comp->sources.text(root); }
  const ast::File* file() const;
  const std::string& path() const { return comp->sources.path(root); }
};

class Workspace {
 public:
  /// `disk` reads files that are not open in the editor.
  explicit Workspace(FileReader& disk);
  ~Workspace();

  void open(const std::string& path, std::string text, int64_t version);
  void setText(const std::string& path, std::string text, int64_t version);
  /// Replaces the bytes [begin, end) of an open document (clamped to its text).
  void edit(const std::string& path, uint32_t begin, uint32_t end, const std::string& text);
  void setVersion(const std::string& path, int64_t version);
  void close(const std::string& path);
  const Document* document(const std::string& path) const;
  std::vector<std::string> openPaths() const;

  /// The analysis of an open document, compiled again when any open document changed since.
  /// Null when the document is not open.
  const Analysis* analyze(const std::string& path);
  /// The analysis computed last, even if stale (null if none).
  const Analysis* lastAnalysis(const std::string& path) const;
  /// Open documents whose last analysis read `path` (as root or import).
  std::vector<std::string> dependents(const std::string& path) const;

  /// Turns the statement-level re-parse after edits on or off (on by default).
  void setIncremental(bool on) { incremental_ = on; }

  /// The canonical form of a file path, as used for keys and compiler paths.
  static std::string normalize(const std::string& path);

 private:
  class Overlay;
  FileReader& disk_;
  std::unique_ptr<Overlay> overlay_;
  std::map<std::string, Document> docs_;
  std::map<std::string, Analysis> analyses_;
  uint64_t generation_ = 1;
  bool incremental_ = true;
};

}  // namespace mon::lsp
