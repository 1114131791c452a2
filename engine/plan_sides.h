#pragma once
// The two sides of a planned change as bodies, for drawing them: after is what the change
// sends; before is rebuilt from it and the changed fields' old values (a plan keeps no copy
// of what it read, and a saved plan must be enough).
#include "plan.h"

namespace mon::engine {

/// The remote object as the plan compared it (the backend's canonical form): `c.body` with
/// every changed field set back to its old value, added fields and array elements removed.
/// False when the change has no body or a field's path does not fit it (a hand-edited plan).
bool bodyBefore(const Change& c, Json& out);

}  // namespace mon::engine
