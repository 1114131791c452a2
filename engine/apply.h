#pragma once
// Carries out a plan: creates, then updates and adoptions, then deletes, each phase with up to
// `parallel` requests at a time (objects that name others, such as notification groups, go
// after what they name within creates and updates, and before it within deletes). A failed object does not stop the others.
// Where the remote takes several writes in one request (Remote::batchLimit), each worker hands
// it consecutive changes of one kind at a time; outcomes are still reported per change.
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
  /// The target as read just before applying. When set, every update, adoption and delete is
  /// checked against it (writeRefusal) and refused when it does not fit; a plan file is
  /// untrusted input, so its ids are never written to blindly.
  const RemoteState* current = nullptr;
  /// Most changes handed to the remote at once (Remote::writeBatch): 0 takes the remote's
  /// batchLimit(), 1 writes one at a time.
  size_t batch = 0;
};

/// Why `c` (of a plan made with or without prune) must not be carried out on `now`: an update
/// or delete whose id is not an owned object with the change's key (or its previous key), an
/// adoption of an object that is owned or has another key, a delete in a plan made without
/// prune. "" when it may.
std::string writeRefusal(const Change& c, bool prune, const RemoteState& now);

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
