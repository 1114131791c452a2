#include "plan_output.h"

#include <algorithm>

#include "render.h"
#include "support/json_text.h"

namespace mon::cli {

namespace eng = mon::engine;

namespace {

// Each plan's share of `maxBytes` (0: no limit) for its markdown section. A plan whose whole
// markdown fits in an even share gets just that, and what it leaves is shared among the others,
// so one large target next to small ones is not cut to 1/n of the room. The blank lines between
// sections count against the budget too.
std::vector<size_t> shares(const std::vector<eng::Plan>& plans, size_t maxBytes) {
  size_t n = plans.size();
  std::vector<size_t> out(n, 0);
  if (!maxBytes || !n) return out;
  size_t left = maxBytes > n - 1 ? maxBytes - (n - 1) : 0;
  std::vector<std::pair<size_t, size_t>> bySize;  // whole size, index
  for (size_t i = 0; i < n; ++i) bySize.emplace_back(eng::renderMarkdown(plans[i], 0).size(), i);
  std::sort(bySize.begin(), bySize.end());
  for (size_t k = 0; k < n; ++k) {
    size_t even = std::max<size_t>(1, left / (n - k));
    size_t give = std::min(bySize[k].first, even);
    out[bySize[k].second] = give;
    left -= std::min(left, give);
  }
  return out;
}

}  // namespace

std::string renderPlans(const std::vector<eng::Plan>& plans, const std::string& format, size_t maxBytes, bool asArray,
                        bool color) {
  if (format == "json") {
    if (!asArray) return plans.empty() ? "" : jsonText(eng::planToJson(plans[0]), 2) + "\n";
    eng::Json all = eng::Json::array();
    for (const auto& p : plans) all.push_back(eng::planToJson(p));
    return jsonText(all, 2) + "\n";
  }
  std::vector<size_t> budget = format == "markdown" ? shares(plans, maxBytes) : std::vector<size_t>(plans.size());
  std::string out;
  for (size_t i = 0; i < plans.size(); ++i) {
    if (i) out += "\n";
    out += format == "markdown" ? eng::renderMarkdown(plans[i], budget[i]) : eng::renderText(plans[i], color);
  }
  return out;
}

}  // namespace mon::cli
