#pragma once
// Plan renderers: they only render (the plan is computed by diff()).
//   text     terraform-like, for terminals and CI logs
//   markdown for a pull-request comment: summary table, one <details> block per object
//   json     the documented schema (docs/plan-json.md); also the --out plan file
#include <string>

#include "plan.h"

namespace mon::engine {

std::string renderText(const Plan& p, bool color = false);
/// The plan as GitHub-flavoured markdown for a pull-request comment: the counts, then each change
/// in a collapsed block. With `maxBytes` (0: no limit) it never exceeds that size: changes whose
/// details do not fit are listed one per line, then only counted, and a note says so and how to
/// get the whole plan.
std::string renderMarkdown(const Plan& p, size_t maxBytes = 0);
/// The plan as JSON. The plan file is this document; planFromJson reads it back.
Json planToJson(const Plan& p);
/// False with `err` when `j` is not a plan document this version understands.
bool planFromJson(const Json& j, Plan& out, std::string& err);

/// The one-line summary: "Plan: 2 to create, 1 to update, 0 to adopt, 0 to delete."
std::string summaryLine(const Plan& p);
/// A field value as plan output shows it: compact JSON, "(none)" when absent.
std::string showValue(const Json& v, bool present);

}  // namespace mon::engine
