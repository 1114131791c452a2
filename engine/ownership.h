#pragma once
// Ownership lives on the remote object itself (CI starts with no state): a marker line
// `managed-by: monitorc` at the end of the memo of every monitor and dashboard monitorc
// created or adopted. See docs/ownership.md.
#include <string>
#include <string_view>

namespace mon::engine {

inline constexpr std::string_view kOwnerMarker = "managed-by: monitorc";

/// True when the memo's last line is the marker.
bool hasOwnerMarker(std::string_view memo);
/// The memo without a trailing marker line (and the newline before it).
std::string stripOwnerMarker(std::string_view memo);
/// The memo with the marker as its last line (once).
std::string addOwnerMarker(std::string_view memo);

}  // namespace mon::engine
