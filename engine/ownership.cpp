#include "ownership.h"

namespace mon::engine {

bool hasOwnerMarker(std::string_view memo) {
  while (!memo.empty() && (memo.back() == '\n' || memo.back() == '\r' || memo.back() == ' ')) memo.remove_suffix(1);
  if (memo.size() < kOwnerMarker.size()) return false;
  if (memo.substr(memo.size() - kOwnerMarker.size()) != kOwnerMarker) return false;
  return memo.size() == kOwnerMarker.size() || memo[memo.size() - kOwnerMarker.size() - 1] == '\n';
}

std::string stripOwnerMarker(std::string_view memo) {
  if (!hasOwnerMarker(memo)) return std::string(memo);
  while (!memo.empty() && (memo.back() == '\n' || memo.back() == '\r' || memo.back() == ' ')) memo.remove_suffix(1);
  memo.remove_suffix(kOwnerMarker.size());
  // The separator written by addOwnerMarker: one blank line, or nothing for an empty memo.
  if (memo.size() >= 2 && memo.substr(memo.size() - 2) == "\n\n") memo.remove_suffix(2);
  else if (!memo.empty() && memo.back() == '\n') memo.remove_suffix(1);
  return std::string(memo);
}

std::string addOwnerMarker(std::string_view memo) {
  std::string base = stripOwnerMarker(memo);
  if (base.empty()) return std::string(kOwnerMarker);
  return base + "\n\n" + std::string(kOwnerMarker);
}

}  // namespace mon::engine
