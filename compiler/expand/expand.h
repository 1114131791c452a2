#pragma once
// expand(): evaluates lets, templates, loops, conditions, imports and variables, and returns
// the evaluated blocks in source order. After this pass no later stage sees the AST.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "diag/diag_engine.h"
#include "driver/load.h"
#include "expand/value.h"

namespace mon {

/// Limits that keep a runaway template or loop an error instead of a hang.
constexpr int kMaxTemplateDepth = 64;
constexpr size_t kMaxObjects = 200000;
/// Statements executed plus loop steps, so loops and templates that make no objects still end
/// (quickly: within the fuzzer's 10 s limit under sanitizers). The benchmark workload
/// (bench/gen: 10,000 monitors, 100 dashboards) stays within it.
constexpr size_t kMaxSteps = 1000000;

struct ExpandOptions {
  std::map<std::string, std::string> vars;  // --var name=value
};

struct Expanded {
  std::vector<Object> objects;  // top-level blocks: monitor, dashboard, target, ...
};

Expanded expand(const Program& program, const SourceManager& sm, const ExpandOptions& opts, DiagEngine& diags);

/// The same, streaming: hands the objects of each top-level statement to `consume` once the
/// statement is expanded, and frees the statement's syntax tree (templates stay: uses refer to
/// them). A large setup's trees, evaluated blocks and IR are then never all in memory at once.
/// After a runaway template or loop the rest is dropped, as expand() drops everything.
/// For the compiler driver, which needs no syntax afterwards.
void expandStreaming(Program& program, const SourceManager& sm, const ExpandOptions& opts, DiagEngine& diags,
                     const std::function<void(Object&&)>& consume);

/// expandStreaming() driven by the caller one named file at a time, so that files can be
/// expanded while later ones are still being loaded. collectVariables() must come first unless
/// none of the files expanded before it declares or reads a variable (they do not take part in
/// it); expandFile() then expands a loaded file and, at their import statements, the files it
/// imports, each once. Calling collectVariables() and then expandFile() for each of
/// program.roots is expandStreaming().
class ExpandSession {
 public:
  /// How the files are found when they are loaded as expansion reaches their imports.
  struct Imports {
    /// The file imported by the index-th import statement of `from` (kNoFile: not loaded).
    std::function<FileId(FileId from, const ast::Stmt& import, size_t index)> resolve;
    /// Appends the next statements of a file still being parsed to its tree; false when it
    /// has none left (then the tree holds them all).
    std::function<bool(FileId)> more;
    /// Called once a file and everything it imports is expanded.
    std::function<void(FileId)> done;
  };
  /// Without `imports`, Program::files[...].imports says what each import statement loaded.
  ExpandSession(Program& program, const SourceManager& sm, const ExpandOptions& opts, DiagEngine& diags,
                std::function<void(Object&&)> consume, Imports imports = {});
  ~ExpandSession();
  void collectVariables();
  void expandFile(FileId file);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace mon
