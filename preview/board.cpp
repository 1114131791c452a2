#include "board.h"

#include <algorithm>
#include <cctype>

namespace mon::preview {

int Board::rows() const {
  int n = 0;
  for (const auto& b : boxes) n = std::max(n, b.y + b.h);
  return n;
}

Board boardOf(const ir::Dashboard& d) {
  Board b;
  b.title = d.title;
  for (const auto& w : d.widgets)
    b.boxes.push_back({ir::kindName(w.kind), w.title, w.layout.x, w.layout.y, w.layout.width, w.layout.height});
  return b;
}

std::string stringMember(const ir::Json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

int gridMember(const ir::Json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number()) return 0;
  double v = j[key].get<double>();  // as a double first: a huge or fractional value stays defined
  return v > 0 ? int(std::min(v, 10000.0)) : 0;
}

std::string fileStem(const std::string& urlPath) {
  std::string s;
  for (unsigned char c : urlPath) s += std::isalnum(c) || c == '.' || c == '_' || c == '-' ? char(c) : '-';
  // A leading dot would hide the file; ".." would climb out of the directory.
  if (!s.empty() && s[0] == '.') s[0] = '-';
  return s.empty() ? "dashboard" : s;
}

}  // namespace mon::preview
