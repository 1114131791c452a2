#pragma once
// The subcommand table: each command registers its options on a CLI11 subcommand and
// returns the function that runs it. main() only calls run().
#include <CLI/CLI.hpp>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "monitorc_version.h"

namespace mon::cli {

/// Runs a parsed subcommand and returns the process exit status.
using Runner = std::function<int()>;

struct Command {
  const char* name;
  const char* summary;
  Runner (*setup)(CLI::App& sub);
};

/// Options every front-end command shares: paths, --var, --diagnostics-format.
struct FrontEndOptions {
  std::vector<std::string> paths;
  std::vector<std::string> vars;
  std::string diagnosticsFormat = "text";
  bool werror = false;
  /// Keep every source text in memory (lint reads them all: suppression comments, how a value
  /// is written). Otherwise the front end lets go of each once it is expanded, and reads it
  /// again for a diagnostic that shows its lines (CompileOptions::releaseSources).
  bool keepSources = false;
  /// `formatFlag`: also accept --format (check and lint, whose only output is diagnostics;
  /// plan's --format is its plan's).
  void add(CLI::App& sub, bool pathsRequired = true, bool formatFlag = false);
  /// Parses --var NAME=VALUE pairs; false (with a message on stderr) on a malformed one.
  bool varMap(std::map<std::string, std::string>& out) const;
};

Runner setupBuild(CLI::App& sub);
Runner setupCheck(CLI::App& sub);
Runner setupFmt(CLI::App& sub);
Runner setupImport(CLI::App& sub);
Runner setupPlan(CLI::App& sub);
Runner setupApply(CLI::App& sub);
Runner setupPull(CLI::App& sub);
Runner setupShow(CLI::App& sub);
Runner setupPreview(CLI::App& sub);
Runner setupLsp(CLI::App& sub);
Runner setupLint(CLI::App& sub);
Runner setupAlerts(CLI::App& sub);
Runner setupTest(CLI::App& sub);

/// The version SARIF's tool.driver.version prints: the one version, project(VERSION).
inline constexpr const char* kVersion = MONITORC_VERSION;

int run(int argc, char** argv);

}  // namespace mon::cli
