#include "plan_output.h"

#include <algorithm>

#include "render.h"
#include "support/json_text.h"

namespace mon::cli {

namespace eng = mon::engine;

std::string renderPlans(const std::vector<eng::Plan>& plans, const std::string& format, size_t maxBytes, bool asArray,
                        bool color) {
  if (format == "json") {
    if (!asArray) return plans.empty() ? "" : jsonText(eng::planToJson(plans[0]), 2) + "\n";
    eng::Json all = eng::Json::array();
    for (const auto& p : plans) all.push_back(eng::planToJson(p));
    return jsonText(all, 2) + "\n";
  }
  // The blank lines between sections count against the budget too.
  size_t n = plans.size(), each = 0;
  if (maxBytes && n) each = maxBytes > n - 1 ? std::max<size_t>(1, (maxBytes - (n - 1)) / n) : 1;
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    if (i) out += "\n";
    out += format == "markdown" ? eng::renderMarkdown(plans[i], each) : eng::renderText(plans[i], color);
  }
  return out;
}

}  // namespace mon::cli
