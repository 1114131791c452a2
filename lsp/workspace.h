#pragma once
// The protocol-free layer: open documents (an overlay over the disk) and their analyses.
// Everything here speaks paths and byte offsets; lsp/server.cpp converts to URIs and UTF-16.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "driver/compile.h"

namespace mon::lsp {

struct RecheckState;

/// An open editor buffer. Its text is shared with the jobs that compile it (a large file's
/// text copied into every job cost as much as the edit's checks): an edit changes it in place
/// when no job holds it, else makes the next version beside it.
struct Document {
  std::string path;  // normalized absolute path (or the URI itself when it is not a file)
  std::shared_ptr<std::string> shared = std::make_shared<std::string>();
  int64_t version = 0;
  const std::string& text() const { return *shared; }
};

/// The result of compiling one open document as the root of a program.
struct Analysis {
  std::unique_ptr<Compilation> comp;
  FileId root = kNoFile;
  uint64_t generation = 0;  // workspace generation it was computed at
  bool cleanSyntax = false; // the root parsed without syntax errors: its tree can be reused
  bool incremental = false; // made by re-parsing only the edited statements
  bool statementRecheck = false;  // and by checking only those again (recheck.h)
  bool checksPending = false;     // compiled, the backends' checks and lint still to run (see AnalysisJob)
  bool importFree = false;        // the root's text does not hold the word "import" anywhere
  std::shared_ptr<RecheckState> recheck;  // what the next edit needs for that; null: not possible
  const std::string& text() const { return comp->sources.text(root); }
  const ast::File* file() const;
  const std::string& path() const { return comp->sources.path(root); }
  /// Calls `f` with every diagnostic of the program: the compile's, or after a statement-level
  /// re-check the findings the re-check keeps by statement (they are not copied into comp->diags).
  void forEachDiagnostic(const std::function<void(const Diagnostic&)>& f) const;
  /// The same in runs, each with an id that a later analysis gives the same run only while its
  /// diagnostics and the lines and columns they point at are the same (recheck.h); 0: no id.
  void forEachRun(const std::function<void(uint64_t, const std::vector<Diagnostic>&)>& f) const;
};

/// One compile of an open document, self-contained so that it can run on a worker thread: it
/// holds copies of the open documents' texts and the document's previous analysis (whose tree
/// an incremental re-parse takes over), and gives back the new analysis.
struct AnalysisJob {
  std::string path;
  uint64_t generation = 0;                   // the workspace generation the texts are from
  std::map<std::string, std::shared_ptr<const std::string>> texts;  // every open document, by path (shared, never changed)
  std::unique_ptr<Analysis> analysis;        // the previous one in, the new one out
  bool incremental = true;
  /// A document's first compile stops before the backends' checks and lint when it found no
  /// errors (they can take as long as the compile on a large file): its diagnostics are then
  /// published at once, and the next job for the same texts only adds the checks.
  bool deferChecks = false;
  bool failed = false;                       // the compile threw (a bug); `analysis` is null
  FileReader* disk = nullptr;                // files that are not open
  /// Compiles; touches nothing but the job and the disk reader.
  void run();
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

  /// The analysis of an open document, compiled here and now when any open document changed
  /// since. Null when the document is not open or its analysis is out in a job.
  const Analysis* analyze(const std::string& path);
  /// The analysis of an open document when it is up to date, else null (never compiles).
  const Analysis* current(const std::string& path) const;
  /// Open documents whose last analysis read `path` (as root or import).
  std::vector<std::string> dependents(const std::string& path) const;

  /// A job that brings the analysis of `path` up to date; null when it is not open, already up
  /// to date or out in another job. The previous analysis goes with the job until finishJob.
  /// A job for the checks still pending on an up-to-date analysis counts as bringing it up to date.
  std::unique_ptr<AnalysisJob> startJob(const std::string& path, bool deferChecks = false);
  /// Brings a job that has not run yet up to the current texts.
  void refreshJob(AnalysisJob& job) const;
  /// Takes back a job's analysis; true when it is up to date (its texts are the current ones).
  /// The analysis of a document closed meanwhile is dropped.
  bool finishJob(std::unique_ptr<AnalysisJob> job);
  /// Counts changes to the open documents; analyses are up to date at the current one.
  uint64_t generation() const { return generation_; }
  /// True while the analysis of `path` is out in a job.
  bool inJob(const std::string& path) const { return lent_.count(path) != 0; }

  /// Turns the statement-level re-parse after edits on or off (on by default).
  void setIncremental(bool on) { incremental_ = on; }

  /// The canonical form of a file path, as used for keys and compiler paths.
  static std::string normalize(const std::string& path);

 private:
  FileReader& disk_;
  std::map<std::string, Document> docs_;
  std::map<std::string, std::unique_ptr<Analysis>> analyses_;
  std::set<std::string> lent_;  // documents whose analysis is out in a job
  uint64_t generation_ = 1;
  bool incremental_ = true;
};

}  // namespace mon::lsp
