#pragma once
// Mackerel offers no lock: two applies that both create an object each make one. After its
// creates, apply reads the target again and removes the extra owned copies, keeping the
// smallest id, so racing runs agree on which one stays (docs/ownership.md, "Concurrent runs").
#include "plan.h"

namespace mon::engine {

/// Deletes (with Change::duplicateOf set) of the owned objects in `after` that repeat the kind,
/// key and type of an object `applied` created, all but the one with the smallest id.
Plan raceRepairs(const Plan& applied, const RemoteState& after);

}  // namespace mon::engine
