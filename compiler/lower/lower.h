#pragma once
// lower(): checks the evaluated blocks against the schema tables and builds the IR.
// Every problem is reported; objects with errors are left out of the IR.
#include "diag/diag_engine.h"
#include "expand/value.h"
#include "ir/ir.h"

namespace mon {

ir::Module lower(const std::vector<Object>& objects, DiagEngine& diags);

}  // namespace mon
