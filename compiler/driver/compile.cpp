#include "driver/compile.h"

#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "lower/lower.h"

namespace mon {

namespace {

// MONITORC_TIMING=1 prints how long each stage took and the heap in use after it (for bench/
// and for finding regressions).
class StageTimer {
 public:
  StageTimer() : on_(std::getenv("MONITORC_TIMING") != nullptr), last_(std::chrono::steady_clock::now()) {}
  void lap(const char* stage) {
    if (!on_) return;
    auto now = std::chrono::steady_clock::now();
    struct mallinfo2 mi = mallinfo2();
    std::fprintf(stderr, "timing: %-8s %7.1f ms  heap in use %6.1f MB of %6.1f MB\n", stage,
                 std::chrono::duration<double, std::milli>(now - last_).count(), double(mi.uordblks + mi.hblkhd) / 1e6,
                 double(mi.arena + mi.hblkhd) / 1e6);
    last_ = now;
  }

 private:
  bool on_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace

void compile(const std::vector<std::string>& paths, const CompileOptions& opts, FileReader& reader, Compilation& c) {
  StageTimer timer;
  c.diags.setErrorLimit(1000);
  c.program = load(paths, c.sources, c.diags, reader);
  timer.lap("parse");
  ExpandOptions eo{opts.vars};
  if (opts.keepSyntax) {
    Expanded expanded = expand(c.program, c.sources, eo, c.diags);
    timer.lap("expand");
    c.module = lower(std::move(expanded.objects), c.diags);
    timer.lap("lower");
  } else {
    Lowerer lowerer(c.diags);
    expandStreaming(c.program, c.sources, eo, c.diags, [&](Object&& o) { lowerer.add(std::move(o)); });
    c.program.files.clear();
    c.module = lowerer.finish();
    timer.lap("expand+lower");
  }
}

}  // namespace mon
