#include "prometheus/stream.h"

#include <algorithm>

#include "prometheus/operator.h"
#include "prometheus/targets.h"

namespace mon::prometheus {

namespace {

bool isPrometheus(const ir::Target& t) { return t.kind == "prometheus"; }

}  // namespace

void RuleStream::add(const ir::Monitor& monitor, const ir::Module& sofar) {
  if (!started_) {
    started_ = true;
    for (size_t i = 0; i < sofar.targets.size(); ++i) {
      const ir::Target& t = sofar.targets[i];
      if (!isPrometheus(t)) continue;
      targets_.push_back(i);
      written_.push_back(std::make_unique<Written>());
      written_.back()->operatorFormat = operatorFormat(t);
    }
  }
  for (size_t k = 0; k < targets_.size(); ++k) {
    const ir::Target& t = sofar.targets[targets_[k]];
    if (!targets::selects(monitor.targets, t)) continue;
    Written& w = *written_[k];
    promql::Translation tr;
    if (!targets::translateFor(monitor, t, false, w.diags, tr)) continue;
    for (Rule& r : rulesFor(monitor, tr)) {
      if (w.operatorFormat) {
        w.rules.push_back(std::move(r));
      } else {
        if (w.pieces.empty() || w.pieces.back().first.size() >= kPieceBytes) {
          w.pieces.emplace_back();
          w.pieces.back().first.reserve(kPieceBytes + kPieceBytes / 8);
        }
        appendRule(w.pieces.back().first, r);
        ++w.pieces.back().second;
      }
    }
  }
}

bool RuleStream::holds(const ir::Module& whole) const {
  if (!started_) return true;
  std::vector<size_t> now;
  for (size_t i = 0; i < whole.targets.size(); ++i)
    if (isPrometheus(whole.targets[i])) now.push_back(i);
  return now == targets_;
}

// Asked with each monitor until the hand-over starts: no list is made.
bool RuleStream::hasWork(const ir::Module& sofar) const {
  return std::any_of(sofar.targets.begin(), sofar.targets.end(), isPrometheus);
}

bool RuleStream::growsInMemory(const ir::Module& sofar) const { return hasWork(sofar); }

RuleStream::Written* RuleStream::of(size_t index) {
  return started_ && index < written_.size() ? written_[index].get() : nullptr;
}

}  // namespace mon::prometheus
