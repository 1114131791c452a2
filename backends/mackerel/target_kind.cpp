// `target mackerel` and `target local`: settings, the objects the source wants there, and the
// Remote that reads and writes them (api_remote.h, local_remote.h).
#include "mackerel/target_kind.h"

#include <algorithm>
#include <cstdlib>
#include <set>

#include "mackerel/api_json.h"
#include "mackerel/api_remote.h"
#include "mackerel/mackerel.h"
#include "mackerel/local_remote.h"
#include "mackerel/normalize.h"
#include "mackerel/plan_words.h"
#include "mackerel/routing.h"
#include "object_target.h"
#include "target_support.h"
#include "ownership.h"
#include "support/text.h"

namespace mon::mackerel {

namespace {

using engine::Desired;
using engine::Json;
using engine::ObjKind;

constexpr size_t kMaxMemo = 2048;  // characters, the API's limit on a monitor's memo

// Where a plan points for an object (target_support.h, Origin).
void locate(const SourceManager& sm, const ir::MadeBy& by, const Range& own, Desired& d) {
  engine::Origin o = engine::originOf(sm, by, own);
  d.source = o.source;
  d.templateSource = o.templateSource;
  d.templateName = o.templateName;
  d.where = engine::locationOf(sm, by, own);
}

bool forTarget(const std::vector<std::string>& targets, const std::string& name) {
  if (targets.empty()) return true;
  for (const auto& t : targets)
    if (t == name) return true;
  return false;
}

// The length of the monitor's memo as sent, when the ownership marker line would take it over
// the API's limit; 0 when it fits.
size_t memoOverLimit(const Json& body) {
  std::string memo = body.contains("memo") && body["memo"].is_string() ? body["memo"].get<std::string>() : "";
  return utf8Length(engine::addOwnerMarker(memo)) > kMaxMemo ? utf8Length(memo) : 0;
}
const size_t kMaxMemoBeforeMarker = kMaxMemo - engine::kOwnerMarker.size() - 2;

// The monitors and dashboards for target `target` as the API takes them, with source lines.
// False with `err` when two objects share a key.
bool desiredObjects(const ir::Module& m, const SourceManager& sm, const std::string& target, std::vector<Desired>& out,
                    std::string& err) {
  std::set<std::string> seen;
  for (const auto& mon : m.monitors) {
    if (!forTarget(mon.targets, target)) continue;
    Desired d{ObjKind::Monitor, mon.name, apiType(mon.kind), monitorToApi(mon), "", {}, "", ""};
    locate(sm, mon.madeBy, mon.nameRange.valid() ? mon.nameRange : mon.range, d);
    if (const ir::Prop* prev = mon.props.find("previous_names"))
      for (const auto& n : prev->value)
        if (n.is_string()) d.previousKeys.push_back(n.get<std::string>());
    if (size_t length = memoOverLimit(d.body)) {
      err = d.source + ": the memo of monitor '" + d.key + "' is " + std::to_string(length) +
            " characters; with the ownership marker line it would exceed the API's " + std::to_string(kMaxMemo) +
            " (shorten it to at most " + std::to_string(kMaxMemoBeforeMarker) + ")";
      return false;
    }
    if (!seen.insert("m/" + d.key).second) {
      err = d.source + ": monitor name '" + d.key + "' is used twice for target '" + target +
            "'; monitor names are the key plan matches by and must be unique";
      return false;
    }
    out.push_back(std::move(d));
  }
  for (const auto& db : m.dashboards) {
    if (!forTarget(db.targets, target)) continue;
    Desired d{ObjKind::Dashboard, db.urlPath, "", dashboardToApi(db), "", {}, "", ""};
    locate(sm, db.madeBy, db.range, d);
    if (!seen.insert("d/" + d.key).second) {
      err = d.source + ": dashboard url_path '" + d.key + "' is used twice for target '" + target + "'";
      return false;
    }
    out.push_back(std::move(d));
  }
  return true;
}

std::string baseUrl(const ir::Target& t) { return t.props.str("base_url", "https://api.mackerelio.com/"); }
std::string keyEnv(const ir::Target& t) { return t.props.str("api_key_env", "MACKEREL_APIKEY"); }

void checkMackerelSettings(const ir::Target& t, bool, DiagEngine& diags) {
  if (std::string why = net::checkBaseUrl(baseUrl(t)); !why.empty())
    diags.report(engine::settingRange(t, "base_url"), diag::err_target_setting_invalid, {"mackerel", t.name, "base_url: " + why});
}

void checkLocalSettings(const ir::Target& t, bool, DiagEngine& diags) {
  if (t.props.str("dir").empty())
    diags.report(engine::settingRange(t, "dir"), diag::err_target_setting_missing,
                 {"local", t.name, "dir", "the directory that stands in for the service"});
}

std::string targetBlock(const ir::Target& t, const std::string& body) {
  return "# Written by `monitorc pull`.\ntarget " + t.kind + " " + quoteSource(t.name) + " {\n" + body + "}\n";
}

std::function<const char*(const char*)> envReader(const engine::RemoteOptions& o) {
  if (o.getenv) return o.getenv;
  return [](const char* name) -> const char* { return std::getenv(name); };
}

// `routing`: the source's channels, routes and maintenance windows go there too (routing.h);
// only the API has them.
std::unique_ptr<engine::Target> open(const engine::TargetContext& ctx, std::unique_ptr<engine::Remote> remote,
                                     std::string targetSource, bool routing, std::string& err) {
  if (!remote && !ctx.early) return nullptr;
  engine::ObjectTargetParts parts;
  parts.early = ctx.early;
  if (!desiredObjects(ctx.module, ctx.sources, ctx.declared.name, parts.desired, err)) return nullptr;
  if (routing && !routingObjects(ctx.module, ctx.sources, ctx.declared.name, envReader(ctx.options), parts.desired, err))
    return nullptr;
  parts.remote = std::move(remote);
  parts.normalize = engine::mackerel::normalize;
  parts.words = engine::mackerel::fieldWords;
  parts.pullSource = pullSource;
  parts.targetSource = std::move(targetSource);
  return engine::makeObjectTarget(std::move(parts));
}

// The API remote of a declaration: its base URL and key checked (false with `err` naming the
// setting or the variable).
std::unique_ptr<engine::Remote> apiRemote(const ir::Target& t, const engine::RemoteOptions& options, std::string& err) {
  if (std::string why = net::checkBaseUrl(baseUrl(t)); !why.empty())
    return (err = "target '" + t.name + "': base_url: " + why, nullptr);
  std::string key;
  if (!engine::secretFromEnv(options, keyEnv(t), "the API key for target '" + t.name + "'", key, err)) return nullptr;
  engine::mackerel::Options mo;
  mo.targetName = t.name;
  mo.baseUrl = baseUrl(t);
  mo.apiKey = key;
  mo.retry = options.retry;
  mo.readParallel = static_cast<size_t>(std::max(1, options.readParallel));
  mo.log = options.log;
  mo.getenv = envReader(options);
  mo.canonical = engine::mackerel::normalize;  // what open() gives the plan's diff
  return engine::mackerel::makeRemote(options.clientOrDefault(), mo);
}

std::shared_ptr<engine::EarlyRead> readMackerelEarly(const ir::Target& t, const engine::RemoteOptions& options) {
  std::string err;  // open() reports it again
  auto remote = apiRemote(t, options, err);
  return remote ? std::make_shared<engine::EarlyRead>(std::move(remote)) : nullptr;
}

std::unique_ptr<engine::Target> openMackerel(const engine::TargetContext& ctx, std::string& err) {
  const ir::Target& t = ctx.declared;
  auto remote = apiRemote(t, ctx.options, err);
  if (!remote) return nullptr;
  std::string block = "  base_url = " + quoteSource(baseUrl(t)) + "\n  api_key_env = " + quoteSource(keyEnv(t)) + "\n";
  // The read begun early goes through a remote of its own, made as this one was.
  if (ctx.early) remote.reset();
  return open(ctx, std::move(remote), targetBlock(t, block), true, err);
}

std::unique_ptr<engine::Target> openLocal(const engine::TargetContext& ctx, std::string& err) {
  const ir::Target& t = ctx.declared;
  std::string dir = t.props.str("dir");
  if (dir.empty()) return (err = "local target '" + t.name + "' has no dir", nullptr);
  auto remote = engine::local::makeRemote(t.name, dir, err);
  return open(ctx, std::move(remote), targetBlock(t, "  dir = " + quoteSource(dir) + "\n"), false, err);
}

}  // namespace

const engine::TargetKind& mackerelTarget() {
  static const engine::TargetKind kind{
      "mackerel",
      {"mackerel", "mackerel target",
       {schema::str("base_url", "API base URL (default https://api.mackerelio.com/)."),
        schema::str("api_key_env", "Environment variable holding the API key (default MACKEREL_APIKEY).")}},
      true,
      checkMackerelSettings,
      [](const ir::Target& t) {
        return std::vector<engine::TargetSetting>{{"base URL", "where", baseUrl(t)}, {"api_key_env", "api_key_env", keyEnv(t)}};
      },
      openMackerel,
      readMackerelEarly};
  return kind;
}

const engine::TargetKind& localTarget() {
  static const engine::TargetKind kind{
      "local",
      {"local", "local target",
       {schema::str("dir", "Directory that stands in for the service (ids, defaults and normalisation as the API).", true)}},
      true,
      checkLocalSettings,
      [](const ir::Target& t) { return std::vector<engine::TargetSetting>{{"dir", "where", t.props.str("dir")}}; },
      openLocal};
  return kind;
}

void check(const ir::Module& module, DiagEngine& diags) {
  checkDashboards(module, diags);
  // Only monitors that go to a mackerel or local target carry the marker.
  std::vector<std::string> names;
  for (const auto& t : module.targets) {
    if (t.kind == mackerelTarget().name || t.kind == localTarget().name) names.push_back(t.name);
    if (t.kind == mackerelTarget().name) checkRouting(module, t.name, diags);
  }
  if (names.empty()) return;
  for (const auto& mon : module.monitors) {
    bool goes = false;
    for (const auto& n : names) goes = goes || forTarget(mon.targets, n);
    if (!goes) continue;
    size_t length = memoOverLimit(monitorToApi(mon));
    if (!length) continue;
    const ir::Prop* p = mon.props.find("memo");
    Range at = p && p->range.valid() ? p->range : mon.nameRange.valid() ? mon.nameRange : mon.range;
    diags.report(at, diag::err_memo_with_marker,
                 {mon.name, std::to_string(length), std::to_string(kMaxMemo), std::to_string(kMaxMemoBeforeMarker)});
  }
}

}  // namespace mon::mackerel
