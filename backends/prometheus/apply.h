#pragma once
// plan/apply for a Prometheus target: monitorc owns whole rule files in the target's
// rules_dir (`monitorc_<target>.yml`, starting with the generated header). Plan compares the
// owned files with the built ones semantically (parsed, not as text); apply writes them
// atomically, checks them (promtool), reloads Prometheus, verifies /api/v1/rules, and
// restores the previous files when any step fails. Disk and the checker are seams; HTTP goes
// through the engine's net::Client.
// Applies on one rules_dir take turns: each holds RULES_DIR/.monitorc.lock for all its steps.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backend.h"
#include "net/http.h"
#include "support/file_lock.h"

namespace mon::prometheus {

/// The file operations apply needs.
class FileOps {
 public:
  virtual ~FileOps() = default;
  /// False when the file does not exist or cannot be read.
  virtual bool read(const std::string& path, std::string& text) = 0;
  /// Names of the regular files in `dir` (empty when it does not exist).
  virtual std::vector<std::string> list(const std::string& dir) = 0;
  /// Writes a temporary file beside `path` and renames it over `path`.
  virtual bool writeAtomic(const std::string& path, const std::string& text, std::string& err) = 0;
  virtual bool remove(const std::string& path, std::string& err) = 0;
  /// Why `dir` or the file `name` in it cannot be read, "" when both can or do not exist (an
  /// absent directory or file is an empty target). read() and list() cannot tell an unreadable
  /// file from an absent one, so plan and pull ask first: a rules_dir that is a file, or an
  /// owned file that is a directory or unreadable, must be an error, not "no rules".
  virtual std::string unreadable(const std::string& dir, const std::string& name) = 0;
  /// Takes the exclusive lock that makes applies on `dir` take turns (`dir`/.monitorc.lock,
  /// creating `dir` when missing), calling `onWait` once when another process holds it; waits
  /// up to `timeout`. False with `err` when it cannot be taken. File operations that only read
  /// (or never touch a shared directory) need no lock: the default takes none.
  virtual bool lock(const std::string& dir, std::chrono::milliseconds timeout, const std::function<void()>& onWait,
                    FileLock& held, std::string& err) {
    (void)dir, (void)timeout, (void)onWait, (void)held, (void)err;
    return true;
  }
};
std::unique_ptr<FileOps> diskFileOps();

/// Checks rule files; returns the exit status and fills `output`.
using RuleChecker = std::function<int(const std::vector<std::string>& paths, std::string& output)>;
/// `promtool check rules`; when promtool is not installed, status 0 and a note in `output`.
RuleChecker promtoolChecker();

struct FileChange {
  enum Action { Create, Update, Delete } action;
  std::string file;                  // name inside rules_dir
  std::string content;               // new content (create/update)
  std::vector<std::string> details;  // what changes, rule by rule
};

struct Plan {
  std::string target;
  std::string rulesDir;
  std::vector<FileChange> changes;
};

/// One rule of a rule file as plan compares it: identity `'group' / 'alert' (severity)` for an
/// alerting rule, `'group' / 'record NAME' {label="value", ...}` for a recording rule (plus ` #n`
/// for repeats), and the canonical content (expr, for, labels, annotations; expr and labels for
/// a recording rule).
struct RuleView {
  std::string id;
  std::string alert;  // the alert name ("record NAME" for a recording rule)
  ir::Json body;
};
/// The rules of a rule file in file order; false when it does not parse.
bool ruleViews(const std::string& text, std::vector<RuleView>& out);

/// `desired` plus the rules (alerting and recording) of `current` it lacks (by RuleView id), each appended to
/// its group: owned rules gone from the source stay until --prune. `kept` gets their ids.
/// Returns `desired` unchanged when nothing is kept or either text does not parse.
std::string keepMissingRules(const std::string& desired, const std::string& current, std::vector<std::string>& kept);

/// True when `text` starts with the header ruleFile() writes: monitorc wrote it, so plan, apply,
/// prune and `pull --owned-only` may treat it as owned.
bool writtenByMonitorc(const std::string& text);

/// The owned file name for a target: `monitorc_<target>.yml`.
std::string ownedFileName(const std::string& target);
/// The built file of `target` (from build()) under its owned name.
std::map<std::string, std::string> desiredFiles(const OutputFiles& built, const std::string& target);
/// Compares `desired` with the owned files in `rulesDir`. `prune`: also delete owned files of
/// this target that are not desired (never files without the monitorc header or prefix).
Plan makePlan(const std::string& target, const std::map<std::string, std::string>& desired, const std::string& rulesDir,
              bool prune, FileOps& files);
/// Human-readable plan; "no changes" when empty.
std::string renderPlan(const Plan& plan);

struct ApplyResult {
  bool ok = false;
  std::string error;
  std::vector<std::string> log;
};
/// How long an apply waits for another apply on the same rules_dir before giving up. An apply
/// holds the lock only while it writes, checks, reloads and verifies (never while a person
/// confirms the plan), so a wait this long means the holder is stuck, not busy.
inline constexpr std::chrono::milliseconds kApplyLockWait = std::chrono::minutes(10);

/// What applyPlan does once it holds the lock of the rules_dir.
struct ApplyGuard {
  /// Called once when another apply holds the lock; default: a line on stderr.
  std::function<void(const std::string& lockPath)> waiting;
  /// Called with the lock held, before anything is written: "" when the plan still fits the
  /// files (none changed since it read them), else why not; the apply is then refused and
  /// nothing is written. Default: no check.
  std::function<std::string()> fresh;
  std::chrono::milliseconds wait = kApplyLockWait;
};

/// Applies the plan against Prometheus at `url` (POST /-/reload, GET /api/v1/rules through
/// `http`), holding the lock of plan.rulesDir (FileOps::lock) from before the first read to
/// after the last restore.
ApplyResult applyPlan(const Plan& plan, const std::string& url, FileOps& files, net::Client& http,
                      const RuleChecker& check, const ApplyGuard& guard = {});

/// The lock file of a rules_dir: `rulesDir`/.monitorc.lock (outside the *.yml rule_files globs).
std::string lockPath(const std::string& rulesDir);

}  // namespace mon::prometheus
