#pragma once
// lower(): checks the evaluated blocks against the schema tables and builds the IR.
// Every problem is reported; objects with errors are left out of the IR.
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "diag/diag_engine.h"
#include "expand/value.h"
#include "ir/ir.h"

namespace mon {

/// `build` of a large source: monitors handed over as they are lowered and then freed, so the
/// program's monitors are never all in memory (Lowerer::streamMonitors). Whatever the hand-over
/// decides with the part of the source read so far is checked once all of it is read
/// (Compilation::streamHeld and the taker's own check); when it does not hold, the caller
/// compiles again without streaming.
struct MonitorStreaming {
  /// Asked with the module lowered so far before the first hand-over; false keeps every monitor.
  std::function<bool(const ir::Module& sofar)> mayStart;
  /// Takes one monitor, in source order; `sofar` has the targets lowered until then.
  std::function<void(const ir::Monitor& monitor, const ir::Module& sofar)> take;
};

/// Lowers objects one at a time, as expansion hands them over: the evaluated blocks of a large
/// setup then never pile up in memory beside the IR. Checks across objects (duplicate monitor
/// names, url_paths, targets, records) see every object added so far.
class Lowerer {
 public:
  /// Monitors kept before any is handed over (streamMonitors): a small source is never handed
  /// over, and a large one's routing, tests and targets declared among its first monitors are
  /// seen before the hand-over starts.
  static constexpr size_t kStreamAfter = 256;
  explicit Lowerer(DiagEngine& diags);
  ~Lowerer();
  void add(Object obj);
  /// Hands monitors to `streaming` once kStreamAfter are lowered and its mayStart agrees, the
  /// ones lowered before first, then each as it is lowered; a monitor handed over is freed.
  void streamMonitors(MonitorStreaming streaming) { streaming_ = std::move(streaming); }
  /// Monitors handed over so far.
  size_t streamed() const { return streamed_; }
  /// After finish(): whether the checks across the program saw all they needed of the monitors
  /// handed over (they judge routing, tests and target names, which those monitors did not
  /// meet when no such thing is declared and every target they name is).
  bool streamHeld() const { return streamHeld_; }
  /// What has been lowered so far (finish() runs the checks across the whole module).
  const ir::Module& sofar() const { return module_; }
  ir::Module finish();

 private:
  struct Seen;
  void handOverMonitors();
  DiagEngine& diags_;
  ir::Module module_;
  std::unique_ptr<Seen> seen_;
  MonitorStreaming streaming_;
  size_t streamed_ = 0;
  bool streamedChannels_ = false;            // a monitor handed over names channels
  std::set<std::string> streamedTargetNames_;  // the targets monitors handed over name
  bool streamHeld_ = true;
};

/// All objects at once; each is freed once lowered.
ir::Module lower(std::vector<Object> objects, DiagEngine& diags);

}  // namespace mon
