#pragma once
// The source's routing on a Grafana target: channels as contact points, routes as the
// notification policy tree, maintenance windows as mute timings, in the bodies Grafana's
// alerting provisioning API takes (docs/grafana-routing.md). build writes them as
// grafana/<target>/alerting/{contact-points,policies,mute-timings}.json; plan/apply send them
// (routing_plan.cpp); `monitorc import grafana` reads them back (import_routing.cpp).
#include <string>
#include <string_view>
#include <vector>

#include "backend.h"

namespace mon::grafana {

/// Ownership. A contact point's uid starts with this prefix; a mute timing's name ends with
/// kMuteTimingMarker; the policy tree monitorc writes has a first child policy matching the
/// label kTreeMarkerLabel (which no alert carries), so a tree written by someone else is
/// never replaced without `take_over = true`.
inline constexpr std::string_view kContactPointUidPrefix = "monitorc-";
inline constexpr std::string_view kMuteTimingMarker = " [monitorc]";
inline constexpr std::string_view kTreeMarkerLabel = "__monitorc_policy_tree__";
/// The contact point alerts no route takes go to, unless the target names another.
inline constexpr std::string_view kDefaultContactPoint = "grafana-default-email";

/// The uid of the contact point made from channel `name` (at most 40 characters).
std::string contactPointUid(const std::string& channel);
/// True for a contact point / mute timing / tree monitorc wrote.
bool ownedContactPoint(const ir::Json& cp);
bool ownedMuteTiming(const std::string& name);
bool ownedTree(const ir::Json& tree);
/// A built contact point lists its secure settings under this key as {setting: VARIABLE}
/// (monitorc's own key, never sent): the value is read from the environment when planning and
/// applying, never written to a file; plans hold {"secret": fingerprint, "env": VARIABLE}.
inline constexpr const char* kSecureKey = "secureSettings";

/// Where the files of target `name` go, below the build directory.
std::string routingDir(const std::string& target);
/// Adds the three files for `target` when the source has routing and the target does not say
/// `routing = false`. What Grafana cannot carry is a located warning.
void buildRouting(const ir::Module& module, const ir::Target& target, DiagEngine& diags, OutputFiles& out);

/// `monitorc import grafana` of Grafana's alerting resources: an export (`contactPoints`,
/// `policies`, `muteTimes`, YAML or JSON) or the provisioning API's answers bundled as
/// {"contact_points": [...], "policies": {...}, "mute_timings": [...]}. False with `error`
/// when `text` is neither (then it is not routing; the caller tries a dashboard).
bool looksLikeRouting(const std::string& text);
bool importRouting(const std::string& text, std::string& source, std::vector<std::string>& warnings, std::string& error);

}  // namespace mon::grafana
