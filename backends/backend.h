#pragma once
// What every backend offers the driver, the checker and the engine: the files `monitorc build`
// writes, what `check` reports, the target kinds it declares (settings schema, plan, apply,
// pull: engine/target.h) and the importer `monitorc import` runs. Backends see only the IR.
// registry.cpp lists them; docs/backends.md, "Adding a backend", says how to add one.
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "diag/diag_engine.h"
#include "ir/ir.h"

namespace mon::engine {
struct TargetKind;
}
namespace mon::preview {
struct Board;
}

namespace mon {

/// Relative path -> file content, in a stable order.
using OutputFiles = std::map<std::string, std::string>;

/// Where a backend writes a file piece by piece (Backend::buildInto): `build` sends the pieces
/// on to the disk as they come (support/files.h, StreamedFile), so a large file is never whole in
/// memory beside the program it is made from; FilesSink gathers them into OutputFiles.
class FileSink {
 public:
  virtual ~FileSink() = default;
  /// Appends to the file at the relative path `rel`, which the first append starts.
  virtual void append(const std::string& rel, std::string_view bytes) = 0;
};

/// Pieces gathered into whole files.
class FilesSink : public FileSink {
 public:
  explicit FilesSink(OutputFiles& files) : files_(files) {}
  void append(const std::string& rel, std::string_view bytes) override { files_[rel].append(bytes); }

 private:
  OutputFiles& files_;
};

/// A backend's writer of monitors one at a time, as the front end lowers them (`build` of a
/// large source: MonitorStreaming), into the files it streams to a FileSink. Which targets a
/// monitor goes to may depend on targets declared further on in the source: add() decides with
/// the targets lowered so far and holds() says, once the whole module is known, whether every
/// such decision stands (when one does not, `build` compiles again without streaming).
class MonitorStream {
 public:
  virtual ~MonitorStream() = default;
  virtual void add(const ir::Monitor& monitor, const ir::Module& sofar) = 0;
  virtual bool holds(const ir::Module& whole) const = 0;
  /// Whether a monitor handed over now would be written somewhere, given the targets lowered
  /// so far. `build` starts handing monitors over only when some stream has work: a stream
  /// without a target yet could only learn at the end that one was declared after all, and
  /// the source would be compiled twice (a Prometheus-only build whose target is declared in a
  /// file read after the monitors').
  virtual bool hasWork(const ir::Module& /*sofar*/) const { return true; }
  /// Whether what add() keeps grows with the monitors handed over (text that goes into a file
  /// only once the whole module is known), given the targets lowered so far.
  virtual bool growsInMemory(const ir::Module& /*sofar*/) const { return false; }
};

/// `monitorc import SYSTEM FILE...`: one file's text as .mon source; false with `error` when
/// it is not a file of this system. Problems that lose nothing go to `warnings`.
using ImportFn = bool (*)(const std::string& text, std::string& source, std::vector<std::string>& warnings,
                          std::string& error);

/// `monitorc test`: one expectation of a test block that did not hold on a system.
struct TestFailure {
  Range at;              // the expect block (or the test, when the whole run failed)
  std::string what;      // "'cpu high' at 5m"
  std::string expected;  // as the system shows it
  std::string got;
};

/// The result of one test block on one system.
struct TestOutcome {
  enum class Status { Pass, Fail, Skip, Error };
  Status status = Status::Pass;
  std::vector<TestFailure> failures;
  std::string note;  // why skipped, or what went wrong running it
  int checked = 0;   // expectations compared
};

/// Evaluates a test block with the system's semantics (its own evaluator, or the system's own
/// tool); the module is the one the test is in (a front end without errors produced it).
using RunTestFn = TestOutcome (*)(const ir::Module& module, const ir::Test& test);

struct Backend {
  const char* name;
  /// Files for `build`; reports monitors the backend cannot express.
  OutputFiles (*build)(const ir::Module& module, DiagEngine& diags);
  /// `check`: reports what build() reports, writing and keeping nothing; null when build()
  /// never reports anything (it expresses every monitor).
  void (*check)(const ir::Module& module, DiagEngine& diags) = nullptr;
  /// The target kinds this system is planned, applied and pulled through.
  std::vector<const engine::TargetKind*> targets{};
  /// The importer for `monitorc import NAME FILE...` (null: none) and what its files are.
  ImportFn importFile = nullptr;
  const char* importWhat = "";
  /// A dashboard body of this system's plans (what a create or update sends, or the remote
  /// side rebuilt from it) as a picture; false when it is not a dashboard. Null: the system
  /// has no dashboards. `plan --pictures` draws both sides of a dashboard change with it.
  bool (*dashboardPicture)(const ir::Json& body, preview::Board& out) = nullptr;
  /// `monitorc test` on this system; null: the system has no evaluator (its tests are not run).
  RunTestFn runTest = nullptr;
  /// build() for a backend whose largest files are worth streaming: those go to `sink` piece by
  /// piece, the rest come back whole. `streamed`: what streamMonitors() made for this build,
  /// which took the monitors no longer in the module; null when none. Null: `build` takes
  /// build()'s files.
  OutputFiles (*buildInto)(const ir::Module& module, DiagEngine& diags, FileSink& sink, MonitorStream* streamed) = nullptr;
  /// A MonitorStream into `sink` for buildInto(); null: the backend needs every monitor in the
  /// module, so a build that runs it keeps them there unless the source declares no target of
  /// its kinds.
  std::unique_ptr<MonitorStream> (*streamMonitors)(FileSink& sink) = nullptr;
};

/// Every backend, in the order `build` runs them.
const std::vector<Backend>& backends();
/// The backend called `name`, or null.
const Backend* findBackend(const std::string& name);
/// Every target kind of every backend, in registry order.
const std::vector<engine::TargetKind>& targetKinds();
/// The backend that declares target kind `kind`, or null.
const Backend* backendOfTarget(const std::string& kind);

/// Gives the checker the target kinds' settings schemas (schema::setTargetKinds). Called once
/// at start by every program that compiles sources with targets (cli, tests).
void installTargetKinds();

/// Runs every backend's check and every declared target's settings check over a module the
/// front end produced without errors (`monitorc check` and the language server): what `build`
/// and `plan` would report, writing nothing.
void checkBackends(const ir::Module& module, DiagEngine& diags);

}  // namespace mon
