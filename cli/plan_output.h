#pragma once
// Plans of one run as one report: plan, apply and show print through here.
#include <string>
#include <vector>

#include "plan.h"

namespace mon::cli {

/// `plans` as `format` ("text", "markdown" or "json"): a section per plan, separated by a blank
/// line; markdown shares `maxBytes` (0: no limit) among them, so the whole stays under it; json is
/// an array of plan documents when `asArray`, else the first plan's document.
std::string renderPlans(const std::vector<engine::Plan>& plans, const std::string& format, size_t maxBytes, bool asArray,
                        bool color);

}  // namespace mon::cli
