#include "plan_sides.h"

#include <algorithm>

namespace mon::engine {

namespace {

// "widgets[2].layout.x" -> the JSON pointer "/widgets/2/layout/x" (FieldChange::path's form).
bool pointerOf(const std::string& path, std::vector<std::string>& parts) {
  std::string cur;
  for (size_t i = 0; i < path.size(); ++i) {
    char ch = path[i];
    if (ch == '.' || ch == '[') {
      if (!cur.empty()) parts.push_back(cur);
      cur.clear();
      if (ch == '[') {
        size_t close = path.find(']', i);
        if (close == std::string::npos || close == i + 1) return false;
        std::string index = path.substr(i + 1, close - i - 1);
        if (!std::all_of(index.begin(), index.end(), [](char d) { return d >= '0' && d <= '9'; })) return false;
        parts.push_back(index);
        i = close;
      }
      continue;
    }
    cur += ch;
  }
  if (!cur.empty()) parts.push_back(cur);
  return !parts.empty();
}

Json::json_pointer join(const std::vector<std::string>& parts, size_t n) {
  Json::json_pointer p;
  for (size_t i = 0; i < n; ++i) p /= parts[i];
  return p;
}

struct Removal {
  Json::json_pointer parent;
  std::string key;
};

}  // namespace

bool bodyBefore(const Change& c, Json& out) {
  if (!c.body.is_object()) return false;
  out = c.body;
  std::vector<Removal> removals;
  try {
    for (const auto& f : c.fields) {
      std::vector<std::string> parts;
      if (!pointerOf(f.path, parts)) return false;
      if (f.hasBefore) out[join(parts, parts.size())] = f.before;
      else removals.push_back({join(parts, parts.size() - 1), parts.back()});
    }
    // Elements added at the end of an array go last first, so the indexes stay right.
    std::stable_sort(removals.begin(), removals.end(), [](const Removal& a, const Removal& b) {
      return a.key.size() != b.key.size() ? a.key.size() > b.key.size() : a.key > b.key;
    });
    for (const auto& r : removals) {
      Json& parent = out.at(r.parent);
      if (parent.is_array()) parent.erase(static_cast<size_t>(std::stoul(r.key)));
      else if (parent.is_object()) parent.erase(r.key);
      else return false;
    }
  } catch (const std::exception&) {  // a path that does not fit the body: from a hand-edited plan
    return false;
  }
  return true;
}

}  // namespace mon::engine
