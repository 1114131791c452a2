#pragma once
// Shared by the lowering of monitors, dashboards and targets: converting an object's fields
// against a schema kind, with unknown-field and duplicate-field diagnostics.
#include "check/schema.h"
#include "diag/diag_engine.h"
#include "expand/value.h"
#include "ir/ir.h"

namespace mon {

/// Converts every field of `obj` that `kind` knows into `props`; reports the rest.
/// Returns false if any field was wrong.
bool lowerFields(const Object& obj, const schema::Kind& kind, ir::Props& props, DiagEngine& diags);
/// Reports each block nested in `obj` ("a monitor holds fields only"); false when there is one.
bool checkFieldsOnly(const Object& obj, const char* holder, DiagEngine& diags);
/// Reports required fields of `kind` missing from `props`, at the block's type word.
bool checkRequired(const Object& obj, const schema::Kind& kind, const ir::Props& props, DiagEngine& diags);
/// Adds "in template 'x' used here" notes to the diagnostics reported since `mark`.
void noteUseSites(const Object& obj, size_t mark, DiagEngine& diags);
/// Where each name of the object's `targets` is written (the list item, else the whole value),
/// for the backends' target checks; `targets` is the converted prop.
std::vector<Range> targetRangesOf(const Object& obj, const ir::Prop& targets);
/// Where to point for an object's name: its name label if any, else its type word.
Range nameRangeOf(const Object& obj);

}  // namespace mon
