// `target newrelic`: settings, the API key and plan/apply/prune/pull through the engine's object
// model (object_target.h) over condition_remote.cpp.
#include "newrelic/target_kind.h"

#include "newrelic/condition_remote.h"
#include "newrelic/dashboards.h"
#include "newrelic/monitors.h"
#include "newrelic/pull.h"
#include "object_target.h"
#include "support/text.h"
#include "target_support.h"

namespace mon::newrelic {

namespace {

std::string where(const SourceManager& sm, const Range& r) {
  if (!r.valid()) return "";
  return sm.path(r.file) + ":" + std::to_string(sm.lineCol(r.file, r.begin).line);
}

bool validEnvName(const std::string& s) {
  return !s.empty() && !std::isdigit(static_cast<unsigned char>(s[0])) &&
         s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
}

void checkSettings(const ir::Target& t, bool forPlan, DiagEngine& diags) {
  TargetSettings s = settingsOf(t);
  if (!t.props.has("account_id")) {
    if (forPlan)
      diags.report(t.range, diag::err_target_setting_missing, {"newrelic", t.name, "account_id", "the New Relic account's number"});
  }
  if (t.props.has("url"))
    if (std::string why = net::checkBaseUrl(s.url); !why.empty())
      diags.report(engine::settingRange(t, "url"), diag::err_target_setting_invalid, {"newrelic", t.name, "url: " + why});
  if (t.props.has("api_key_env") && !validEnvName(s.apiKeyEnv))
    diags.report(engine::settingRange(t, "api_key_env"), diag::err_target_setting_invalid,
                 {"newrelic", t.name, "api_key_env names an environment variable (letters, digits, _), not the key itself"});
  if (t.props.has("policy") && (s.policy.empty() || s.policy.size() > 128))
    diags.report(engine::settingRange(t, "policy"), diag::err_target_setting_invalid,
                 {"newrelic", t.name, "a policy name has 1 to 128 characters"});
}

std::vector<engine::TargetSetting> settings(const ir::Target& t) {
  TargetSettings s = settingsOf(t);
  return {{"url", "where", net::withoutTrailingSlash(s.url)},
          {"account_id", "account_id", std::to_string(s.accountId)},
          {"policy", "policy", s.policy},
          {"api_key_env", "api_key_env", s.apiKeyEnv}};
}

std::string targetBlock(const ir::Target& t) {
  TargetSettings s = settingsOf(t);
  std::string b = "# Written by `monitorc pull`.\ntarget newrelic " + quoteSource(t.name) + " {\n";
  b += "  account_id = " + std::to_string(s.accountId) + "\n";
  for (const char* f : {"api_key_env", "url", "policy"})
    if (t.props.has(f)) b += std::string("  ") + f + " = " + quoteSource(t.props.str(f)) + "\n";
  return b + "}\n";
}

std::unique_ptr<engine::Target> open(const engine::TargetContext& ctx, std::string& err) {
  const ir::Target& t = ctx.declared;
  TargetSettings s = settingsOf(t);
  std::string at = engine::targetWhere(ctx.module, ctx.sources, t.name);
  if (s.accountId < 1) return (err = at + "newrelic target '" + t.name + "' has no account_id", nullptr);
  if (std::string why = net::checkBaseUrl(s.url); !why.empty()) return (err = at + "newrelic target '" + t.name + "': url: " + why, nullptr);
  std::string key;
  if (!engine::secretFromEnv(ctx.options, s.apiKeyEnv, "the user API key for newrelic target '" + t.name + "'", key, err)) return nullptr;
  auto api = std::make_shared<Api>(engine::loggedClient(ctx.options, {key}), s.url, key, ctx.options.retry);
  engine::ObjectTargetParts parts;
  DiagEngine quiet;  // check and build report these; plan needs the conditions
  for (auto& m : monitorsFor(ctx.module, t, quiet)) {
    std::string src = where(ctx.sources, m.monitor->nameRange.valid() ? m.monitor->nameRange : m.monitor->range);
    for (auto& c : m.conditions) {
      engine::Desired d{engine::ObjKind::Monitor, c.name, "nrql",
                        {{"name", c.name}, {"type", "nrql"}, {"conditionType", c.type}, {"condition", c.input}}, src, {}, {}, {}, {}};
      // A condition a monitor makes under another name (the response-time one) follows the
      // monitor's earlier names too.
      std::string suffix = c.name.substr(std::min(c.name.size(), m.monitor->name.size()));
      if (const ir::Prop* prev = m.monitor->props.find("previous_names"))
        for (const auto& n : prev->value)
          if (n.is_string()) d.previousKeys.push_back(n.get<std::string>() + suffix);
      parts.desired.push_back(std::move(d));
    }
  }
  for (auto& d : dashboardsFor(ctx.module, t, s.accountId, quiet)) {
    std::string src = where(ctx.sources, d.dashboard->range);
    std::string name = d.input.value("name", "");
    parts.desired.push_back({engine::ObjKind::Dashboard, name, "", {{"urlPath", name}, {"name", name}, {"dashboard", d.input}}, src,
                             {}, {}, {}, {}});
  }
  if (quiet.hasErrors())
    for (const auto& d : quiet.all())
      if (d.severity == Severity::Error) return (err = at + "newrelic target '" + t.name + "': " + d.message + " (run monitorc check)", nullptr);
  parts.remote = makeRemote(api, s.accountId, s.policy, t.name);
  parts.normalize = normalize;
  // The name and type repeat the change's key and type (a dashboard's key is its name): left
  // out of listings.
  parts.words = [](engine::ObjKind, const std::string&, const ir::Json&, const ir::Json&, engine::FieldChange& f) {
    return f.path != "name" && f.path != "type" && f.path != "condition.name" && f.path != "urlPath" && f.path != "dashboard.name";
  };
  parts.pullSource = [s](const engine::RemoteState& state, bool ownedOnly, std::vector<std::string>& warnings) {
    return pullSource(state, ownedOnly, s, warnings);
  };
  parts.targetSource = targetBlock(t);
  return engine::makeObjectTarget(std::move(parts));
}

}  // namespace

const engine::TargetKind& target() {
  static const engine::TargetKind kind{
      "newrelic",
      {"newrelic", "newrelic target",
       {schema::integer("account_id", 1, 1e15, "The New Relic account number the policy and its conditions live in."),
        schema::str("api_key_env", "Environment variable holding the user API key (default NEW_RELIC_API_KEY)."),
        schema::str("url", "NerdGraph endpoint (default https://api.newrelic.com/graphql; EU accounts: https://api.eu.newrelic.com/graphql)."),
        schema::str("policy", "Name of the alert policy monitorc owns (default \"monitorc: NAME\").")}},
      false,  // chosen alone only without a mackerel or local target, as prometheus and grafana
      checkSettings,
      settings,
      open};
  return kind;
}

}  // namespace mon::newrelic
