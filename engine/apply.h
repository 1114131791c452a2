#pragma once
// Carries out a plan: creates, then updates and adoptions, then deletes, each phase with up to
// `parallel` requests at a time. A failed object does not stop the others.
#include <functional>

#include "plan.h"

namespace mon::engine {

struct Outcome {
  const Change* change;
  OpResult result;
};

struct ApplyOptions {
  int parallel = 4;
  /// Called (from worker threads, serialised) after each object.
  std::function<void(const Outcome&, size_t done, size_t total)> progress;
};

struct ApplyReport {
  std::vector<Outcome> outcomes;  // in the order the changes appear in the plan
  int failed = 0;
  double seconds = 0;  // wall time of the writes
};

ApplyReport apply(const Plan& plan, Remote& remote, const ApplyOptions& opts);

/// Why a saved plan may no longer be applied: each remote object it read that changed or
/// vanished since, and each new remote object whose key a planned change uses. Empty: fresh.
std::vector<std::string> stalePlanReasons(const Plan& plan, const RemoteState& now);

}  // namespace mon::engine
