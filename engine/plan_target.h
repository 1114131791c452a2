#pragma once
// A saved plan is untrusted input: where it writes and which environment variable holds the
// credential must be what the source declares for its target, never what the file says.
#include <string>
#include <vector>

#include "ir/ir.h"
#include "plan.h"

namespace mon::engine {

/// Why the saved plan's target differs from the declaration of the target of the same name in
/// `m` (kind, base URL or directory, key variable, rules_dir, folder); empty when it matches.
/// Checked before any request is sent or any key is read.
std::vector<std::string> planTargetMismatches(const Plan& plan, const ir::Module& m);

}  // namespace mon::engine
