#pragma once
// Mackerel's fields in the source's words, for text and markdown plans (engine/plan.h,
// FieldWords): "responseTimeCritical: 3000" -> "response_time_critical: 3s",
// "widgets[2].suffix" -> `value "Requests" suffix`. Names and units come from the schema
// tables (compiler/check/schema.h), values are spelled as the importer writes them.
#include "plan.h"

namespace mon::engine::mackerel {

/// FieldWords for monitors and dashboards as the Mackerel API holds them.
bool fieldWords(ObjKind kind, const std::string& type, const Json& before, const Json& after, FieldChange& f);

}  // namespace mon::engine::mackerel
