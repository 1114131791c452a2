#pragma once
// `plan --pictures DIR` / `show --pictures DIR`: before and after pictures of every dashboard
// a plan creates, updates or adopts, beside the markdown, for a review comment to link.
#include <string>
#include <vector>

#include "plan.h"

namespace mon::cli {

/// Writes DIR/TARGET--KEY.before.svg (what the target has; not for creates) and
/// DIR/TARGET--KEY.after.svg (what apply makes) for each dashboard change of `plans`, names
/// made file-safe (preview::fileStem). Appends the paths written to `written`; false with `err`
/// when DIR or a file cannot be written.
bool writePlanPictures(const std::vector<engine::Plan>& plans, const std::string& dir, std::vector<std::string>& written,
                       std::string& err);

}  // namespace mon::cli
