#include "driver/compile.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "driver/expand_as_loaded.h"
#include "lower/lower.h"
#include "support/memory.h"

namespace mon {

namespace {

// MONITORC_TIMING=1 prints how long each stage took and the memory in use after it (for bench/
// and for finding regressions).
class StageTimer {
 public:
  StageTimer() : on_(std::getenv("MONITORC_TIMING") != nullptr), last_(std::chrono::steady_clock::now()) {}
  void lap(const char* stage) {
    if (!on_) return;
    auto now = std::chrono::steady_clock::now();
    std::fprintf(stderr, "timing: %-12s %7.1f ms  RSS %6.1f MB, peak %6.1f MB\n", stage,
                 std::chrono::duration<double, std::milli>(now - last_).count(), statusMB("VmRSS:"),
                 statusMB("VmHWM:"));
    last_ = std::chrono::steady_clock::now();  // reading /proc is not the next stage's time
  }

 private:
  // A line of /proc/self/status in MB (the allocator's own statistics depend on which one is linked).
  static double statusMB(const std::string& key) {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);)
      if (line.compare(0, key.size(), key) == 0) return std::atof(line.c_str() + key.size()) / 1024.0;
    return 0;
  }

  bool on_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace

void compile(const std::vector<std::string>& paths, const CompileOptions& opts, FileReader& reader, Compilation& c) {
  StageTimer timer;
  c.diags.setErrorLimit(1000);
  ExpandOptions eo{opts.vars};
  if (opts.keepSyntax) {
    c.program = load(paths, c.sources, c.diags, reader);
    timer.lap("parse");
    Expanded expanded = expand(c.program, c.sources, eo, c.diags);
    timer.lap("expand");
    c.module = lower(std::move(expanded.objects), c.diags);
    if (opts.onTarget)
      for (const auto& t : c.module.targets) opts.onTarget(t);
    timer.lap("lower");
  } else {
    Lowerer lowerer(c.diags);
    if (opts.streamMonitors.take) lowerer.streamMonitors(opts.streamMonitors);
    // The trees are freed statement by statement as this runs: every so many objects their
    // pages go back to the system, so the IR's growth is not stacked on the parse's peak.
    constexpr size_t kReleaseEvery = 2500;
    size_t lowered = 0;
    if (opts.releaseSources)
      c.sources.setReloader([](const std::string& path, std::string& text) {
        std::string error;
        return DiskFileReader().read(path, text, error);
      });
    expandAsLoaded(paths, eo, reader, c, [&](Object&& o) {
      bool target = opts.onTarget && o.type == "target";
      size_t before = target ? lowerer.sofar().targets.size() : 0;
      lowerer.add(std::move(o));
      if (target && lowerer.sofar().targets.size() > before) opts.onTarget(lowerer.sofar().targets.back());
      if (++lowered % kReleaseEvery == 0) releaseFreedMemory();
    }, [&] { timer.lap("parse"); }, opts.releaseSources);
    c.program.files.clear();
    c.module = lowerer.finish();
    c.monitorsStreamed = lowerer.streamed();
    c.streamHeld = lowerer.streamHeld();
    releaseFreedMemory();  // the last trees; what follows is the IR and the output
    timer.lap("expand+lower");
  }
  c.diags.mergeLoopRepeats();
}

}  // namespace mon
