#pragma once
// `build` of a large source: each prometheus target's alerting rules written as the front end
// lowers the monitors (Backend::streamMonitors), so that a 10,000-monitor source's IR is never
// kept beside the rule text made from it. The monitors' rules, and what writing them reports,
// are kept per target until build puts them into the target's file after its record and alert
// blocks (which the source may declare after the monitors).
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "backend.h"
#include "prometheus/rules.h"

namespace mon::prometheus {

class RuleStream : public MonitorStream {
 public:
  /// What the monitors gave one target.
  struct Written {
    bool operatorFormat = false;
    /// A rule file's target: the rules as RuleFileWriter writes them, in pieces of about
    /// kPieceBytes with the number of rules in each (pieces are never copied as they grow).
    std::vector<std::pair<std::string, size_t>> pieces;
    std::vector<Rule> rules;  // a PrometheusRule target's (operator.h): the rules themselves
    DiagEngine diags;         // what translating them reported, in the monitors' order
    Written() { diags.setErrorLimit(kErrorLimit); }
  };
  /// The front end's error limit (driver/compile.cpp): what a build reports past it is dropped
  /// there anyway, and not kept here either.
  static constexpr size_t kErrorLimit = 1000;

  static constexpr size_t kPieceBytes = size_t(1) << 20;

  void add(const ir::Monitor& monitor, const ir::Module& sofar) override;
  /// The prometheus targets are the ones declared before the hand-over started (with the
  /// Lowerer::kStreamAfter-th monitor, or later).
  bool holds(const ir::Module& whole) const override;
  /// Both: a prometheus target is declared.
  bool hasWork(const ir::Module& sofar) const override;
  bool growsInMemory(const ir::Module& sofar) const override;
  /// What was written for the module's `index`-th prometheus target (in declaration order);
  /// null when no monitor came (the module then holds them all).
  Written* of(size_t index);

 private:
  bool started_ = false;
  // Where the prometheus targets are in the module's targets, which are only ever appended to.
  std::vector<size_t> targets_;
  std::vector<std::unique_ptr<Written>> written_;
};

}  // namespace mon::prometheus
