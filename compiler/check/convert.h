#pragma once
// Converts an evaluated value to the JSON a field holds in the IR, checking type, unit and
// range against the field's schema entry. Reports and returns false on error.
#include <nlohmann/json.hpp>

#include "check/schema.h"
#include "diag/diag_engine.h"
#include "expand/value.h"

namespace mon {

bool convertField(const schema::Field& spec, const Value& v, nlohmann::ordered_json& out, DiagEngine& diags);

/// A whole value as plain JSON (raw passthrough, variable defaults). Durations become ms.
bool valueToJson(const Value& v, nlohmann::ordered_json& out, DiagEngine& diags);

/// "svc:role" / "svc: role" -> "svc: role"; false when it is not a scope.
bool normalizeScope(const std::string& in, std::string& out);

}  // namespace mon
