#pragma once
// lower(): checks the evaluated blocks against the schema tables and builds the IR.
// Every problem is reported; objects with errors are left out of the IR.
#include "diag/diag_engine.h"
#include "expand/value.h"
#include "ir/ir.h"

namespace mon {

/// Takes the objects by value and frees each one once lowered, so the IR and the evaluated
/// blocks do not peak in memory together.
ir::Module lower(std::vector<Object> objects, DiagEngine& diags);

}  // namespace mon
