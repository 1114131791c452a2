#include "support/prometheus_names.h"

namespace mon {

namespace {

// ASCII only, whatever the locale.
bool letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool isMetricName(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i)
    if (!(letter(s[i]) || s[i] == '_' || s[i] == ':' || (i > 0 && digit(s[i])))) return false;
  return true;
}

bool isLabelName(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i)
    if (!(letter(s[i]) || s[i] == '_' || (i > 0 && digit(s[i])))) return false;
  return true;
}

}  // namespace mon
