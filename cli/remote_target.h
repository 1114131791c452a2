#pragma once
// What the commands that talk to a target share (plan, apply, pull, alerts): the HTTP flags,
// choosing a declared target in the compiled source, and opening it.
#include <atomic>
#include <functional>
#include <memory>

#include "commands.h"
#include "driver/compile.h"
#include "support/terminal.h"
#include "target.h"

namespace mon::cli {

namespace eng = mon::engine;

struct RemoteFlags {
  std::string target;
  std::vector<std::string> targets;  // plan: several --target, or every one with --all-targets
  bool allTargets = false;
  bool prune = false;
  bool verbose = false;
  double connectTimeout = 10, timeout = 30;  // seconds
  int readParallel = 16;  // GETs at a time while reading the target (plan: --parallel)
  // plan and apply: repeatable --target and --all-targets (`verb` says which in the help).
  void add(CLI::App& sub, const std::string& verb) {
    sub.add_option("--target", targets,
                   "Name of a target to " + verb + " (repeatable; default: the only one that holds monitors)")
        ->allow_extra_args(false);
    sub.add_flag("--all-targets", allTargets, "Every declared target, one section each");
    sub.add_flag("--prune", prune, "Delete owned objects that are no longer in the source");
    addHttp(sub);
  }
  /// More than one target asked for (several --target, or --all-targets).
  bool several() const { return allTargets || targets.size() > 1; }
  // The flags of every command that talks to a server (pull has no --prune).
  void addHttp(CLI::App& sub) {
    sub.add_flag("-v,--verbose", verbose, "Log each HTTP request (method, path, status; never headers) to stderr");
    sub.add_option("--connect-timeout", connectTimeout, "Seconds to wait for a connection (default 10)")
        ->check(CLI::Range(0.1, 3600.0));
    sub.add_option("--timeout", timeout,
                   "Seconds one HTTP request may take (default 30); a request and its retries stop after twice that")
        ->check(CLI::Range(0.1, 3600.0));
  }
  eng::RemoteOptions remoteOptions() const {
    eng::RemoteOptions o;
    if (verbose) o.log = [](const std::string& line) { std::cerr << "monitorc: http: " << terminalSafe(line) << "\n"; };
    o.http.connectTimeoutMs = static_cast<long>(connectTimeout * 1000);
    o.http.timeoutMs = static_cast<long>(timeout * 1000);
    o.readParallel = readParallel;
    // Retries end with the time budget, and a server's Retry-After never waits past it.
    o.retry.budgetMs = 2 * o.http.timeoutMs;
    o.retry.maxRetryAfterMs = std::min(o.retry.maxRetryAfterMs, o.retry.budgetMs);
    // Across the run: five requests' worth of retrying, then failures are reported as they come.
    o.retry.runBudget = std::make_shared<std::atomic<long>>(5 * o.retry.budgetMs);
    return o;
  }
};

// A declared target opened for plan, apply or pull, with the compilation it came from (shared
// by the targets of one `plan --all-targets`).
struct OpenTarget {
  std::shared_ptr<Compilation> compilation;
  const ir::Target* declared = nullptr;
  const eng::TargetKind* kind = nullptr;
  std::unique_ptr<eng::Target> target;
  /// The read of `declared` begun while the source was compiled (compileAndChooseReading), or
  /// null; openChosen hands it to the target.
  std::shared_ptr<eng::EarlyRead> early;
};

/// Prints "monitorc: error: MSG" (control characters escaped) and returns 1.
int fail(const std::string& msg);
/// Runs `step`, printing what it reports as `build` prints diagnostics. False when it reported
/// an error.
bool reportFrom(Compilation& c, const FrontEndOptions& fe, const std::function<void(DiagEngine&)>& step);
/// Finds the target called `name` (empty: the one chooseTarget picks) in a compiled source.
/// Returns 0 or an exit status.
int chooseIn(std::shared_ptr<Compilation> compilation, const std::string& name, OpenTarget& out);
/// Compiles `fe.paths` and chooses the target as chooseIn does. Returns 0 or an exit status.
int compileAndChoose(const FrontEndOptions& fe, const std::string& name, OpenTarget& out);
/// compileAndChoose for a command that reads the target next (plan, apply): the target is read
/// while the rest of the source compiles, from the moment its declaration is lowered (the one
/// `rf.target` names, else the first of a primary kind, dropped if a second one follows). A
/// source with errors, or a read of a target that is not the one chosen, is stopped and waited
/// for before this returns, with nothing said about it. Returns 0 or an exit status.
int compileAndChooseReading(const FrontEndOptions& fe, const RemoteFlags& rf, OpenTarget& out);
/// Checks the settings plan, apply and pull need, then opens the chosen target (reads its key
/// from the environment). Returns 0 or an exit status.
int openChosen(const FrontEndOptions& fe, const RemoteFlags& rf, OpenTarget& out);

}  // namespace mon::cli
