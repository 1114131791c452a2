#pragma once
// The front-end pipeline shared by the CLI and the language server:
// load (parse + imports) -> expand -> lower (check) -> IR.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "diag/diag_engine.h"
#include "driver/load.h"
#include "expand/expand.h"
#include "ir/ir.h"
#include "lower/lower.h"

namespace mon {

struct CompileOptions {
  std::map<std::string, std::string> vars;
  /// Keep the syntax trees in Compilation::program after expansion (the language server
  /// needs them; build and check free them early to keep peak memory down).
  bool keepSyntax = false;
  /// Without keepSyntax: let go of each file's text once nothing views it, and read it from
  /// the disk again if a diagnostic shows its lines (SourceManager::release). For a reader of
  /// the disk only (the command line's), not an editor's buffers.
  bool releaseSources = false;
  /// Called with each target as soon as its declaration has been lowered without errors, while
  /// the rest of the source is still being expanded and lowered (plan starts reading the target
  /// then: cli/remote_target.h). Later errors elsewhere in the source still fail the compile.
  std::function<void(const ir::Target&)> onTarget;
  /// Without keepSyntax: monitors handed over as lowered (null `take`: every monitor stays in the module).
  MonitorStreaming streamMonitors;
};

struct Compilation {
  SourceManager sources;
  DiagEngine diags;
  Program program;
  ir::Module module;
  /// Monitors handed over by CompileOptions::streamMonitors (then not in `module`), and whether
  /// the front end's checks across the program saw all it needed of them.
  size_t monitorsStreamed = 0;
  bool streamHeld = true;
};

/// Runs the whole front end over `paths` (files or directories of .mon files).
void compile(const std::vector<std::string>& paths, const CompileOptions& opts, FileReader& reader, Compilation& out);

}  // namespace mon
