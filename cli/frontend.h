#pragma once
// Runs the front end for a command and prints its diagnostics.
#include <memory>

#include "commands.h"
#include "driver/compile.h"

namespace mon::cli {

/// Compiles, prints diagnostics in the chosen format to stderr, and returns the compilation.
/// `ok` is false when there were errors (or bad options).
std::unique_ptr<Compilation> compileAndReport(const FrontEndOptions& opts, bool& ok);

}  // namespace mon::cli
