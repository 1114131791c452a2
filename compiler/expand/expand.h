#pragma once
// expand(): evaluates lets, templates, loops, conditions, imports and variables, and returns
// the evaluated blocks in source order. After this pass no later stage sees the AST.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "diag/diag_engine.h"
#include "driver/load.h"
#include "expand/value.h"

namespace mon {

/// Limits that keep a runaway template or loop an error instead of a hang.
constexpr int kMaxTemplateDepth = 64;
constexpr size_t kMaxObjects = 200000;
/// Statements executed plus loop steps, so loops and templates that make no objects still end
/// (quickly: within the fuzzer's 10 s limit under sanitizers). The benchmark workload
/// (bench/gen: 10,000 monitors, 100 dashboards) stays within it.
constexpr size_t kMaxSteps = 1000000;

struct ExpandOptions {
  std::map<std::string, std::string> vars;  // --var name=value
};

struct Expanded {
  std::vector<Object> objects;  // top-level blocks: monitor, dashboard, target, ...
};

Expanded expand(const Program& program, const SourceManager& sm, const ExpandOptions& opts, DiagEngine& diags);

/// The same, streaming: hands the objects of each top-level statement to `consume` once the
/// statement is expanded, and frees the statement's syntax tree (templates stay: uses refer to
/// them). A large setup's trees, evaluated blocks and IR are then never all in memory at once.
/// After a runaway template or loop the rest is dropped, as expand() drops everything.
/// For the compiler driver, which needs no syntax afterwards.
void expandStreaming(Program& program, const SourceManager& sm, const ExpandOptions& opts, DiagEngine& diags,
                     const std::function<void(Object&&)>& consume);

}  // namespace mon
