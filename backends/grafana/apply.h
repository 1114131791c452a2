#pragma once
// plan/apply for a Grafana target through its HTTP API: the folder, one dashboard per built
// file (POST /api/dashboards/db with the stored version and overwrite=false, so a concurrent
// edit is a 412 conflict, not lost), and the target's alert-rule group (PUT .../rule-groups/{g},
// which replaces the group atomically, with X-Disable-Provenance). Ownership: dashboards tagged
// `monitorc` in the target's folder; rules labelled managed_by=monitorc in the group.
// Remote JSON is normalised (id, version, provenance, updated, Grafana's query defaults dropped)
// before comparing. The token is read by the caller and never logged.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backend.h"
#include "grafana/grafana.h"
#include "net/http.h"

namespace mon::grafana {

struct Change {
  enum Action {
    CreateFolder, CreateDashboard, UpdateDashboard, DeleteDashboard, PutRuleGroup,
    // Routing (routing_plan.cpp), in the order they run: mute timings and contact points
    // first, the policy tree, then the deletes of what the tree no longer names.
    CreateMuteTiming, UpdateMuteTiming, CreateContactPoint, UpdateContactPoint, PutPolicies,
    DeleteContactPoint, DeleteMuteTiming
  } action;
  std::string key;        // folder uid, dashboard uid, rule group name, contact point uid,
                          // mute timing name, "policies"
  ir::Json body;          // what is sent (dashboard object, rule group body)
  int version = 0;        // stored version of an updated dashboard
  std::vector<std::string> details;
  ir::Json remote;        // the object as read (dashboard, rule group); null for creates
};

struct Plan {
  std::string target, url, folder;
  std::vector<Change> changes;
  /// Dashboards tagged monitorc in the folder that the source no longer has (deleted only
  /// with prune, then also listed as DeleteDashboard changes).
  std::vector<std::string> orphanDashboards;
  /// The target's rule group as read (null when it does not exist).
  ir::Json remoteGroup;
  /// Routing as read (null when the source has none for this target): the contact points and
  /// mute timings monitorc owns, and the policy tree.
  ir::Json remoteContactPoints, remoteMuteTimings, remotePolicies;
};

struct Connection {
  std::string url;    // base URL without a trailing slash
  std::string token;  // Bearer token (from the target's token_env)
  /// Every request goes through it: the engine's client (target_support.h's loggedClient),
  /// possibly behind a net::ReplayingClient while planning.
  std::shared_ptr<net::Client> http;
  /// GETs in flight at once while planning (the dashboards, one GET each): `--parallel`.
  size_t readParallel = 16;
  /// Reads the contact points' secrets (the channels' *_env variables); null: ::getenv.
  std::function<const char*(const char*)> getenv;
};

/// True for a rule monitorc manages in a rule group: it carries the label managed_by = "monitorc".
bool ownedRule(const ir::Json& rule);
/// GET `path` (below c.url): `body` is the JSON answer, null for a 404. False with `err`
/// ("GET PATH: HTTP 401: Invalid API key", the transport's reason, or an answer that is not JSON).
bool getJson(const Connection& c, const std::string& path, ir::Json& body, std::string& err);

/// Reads the remote side and compares it with the built files of `target`. False with `err`
/// when Grafana cannot be read (auth, network). The rule group PUT keeps the group's rules
/// monitorc does not own (no managed_by=monitorc label) and, without prune, the owned ones
/// the source no longer has.
bool makePlan(const OutputFiles& built, const TargetSettings& target, const Connection& c, bool prune, Plan& plan,
              std::string& err);
std::string renderPlan(const Plan& plan);

struct ApplyResult {
  bool ok = false;
  std::vector<std::string> log;
  std::vector<std::string> errors;
};
ApplyResult applyPlan(const Plan& plan, const Connection& c);

/// Routing (routing_plan.cpp): compares the built contact points, mute timings and policy
/// tree (routing.h) with Grafana's and appends the changes to `plan` in apply order. Owned
/// objects gone from the source are orphans, deleted with prune. The tree is replaced only when
/// monitorc wrote it, it is Grafana's default (no child policies), or `takeOver`.
bool planRouting(const OutputFiles& built, const TargetSettings& t, const Connection& c, bool prune, Plan& plan,
                 std::string& err);
/// One routing change: the request it makes; false with `err` (never holding a secret).
bool applyRouting(const Change& ch, const Connection& c, std::string& what, std::string& err);
/// A contact point's secure settings in a plan: {"secret": fingerprint, "env": VARIABLE}.
bool plannedSecret(const ir::Json& v);

/// Drops what Grafana adds or manages, so remote and built JSON compare equal when unchanged.
ir::Json normalizeDashboard(ir::Json d);
ir::Json normalizeRule(ir::Json r);

}  // namespace mon::grafana
