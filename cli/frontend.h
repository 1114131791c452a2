#pragma once
// Runs the front end for a command and prints its diagnostics.
#include <functional>
#include <memory>

#include "commands.h"
#include "driver/compile.h"

namespace mon::cli {

/// Compiles, prints diagnostics in the chosen format to stderr, and returns the compilation.
/// `ok` is false when there were errors (or bad options). `more`, when set, runs after a
/// compilation without errors and before printing, to add its diagnostics to the same report.
std::unique_ptr<Compilation> compileAndReport(const FrontEndOptions& opts, bool& ok,
                                              const std::function<void(Compilation&)>& more = {});

}  // namespace mon::cli
