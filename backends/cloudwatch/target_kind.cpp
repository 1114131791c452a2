// `target cloudwatch`: settings, credentials (credentials.h) and plan/apply/prune through the
// engine's object model (object_target.h) over alarm_remote.cpp.
#include "cloudwatch/target_kind.h"

#include "cloudwatch/alarm_remote.h"
#include "cloudwatch/credentials.h"
#include "cloudwatch/monitors.h"
#include "cloudwatch/pull.h"
#include "object_target.h"
#include "support/text.h"
#include "target_support.h"

namespace mon::cloudwatch {

namespace {

std::string where(const SourceManager& sm, const Range& r) {
  if (!r.valid()) return "";
  return sm.path(r.file) + ":" + std::to_string(sm.lineCol(r.file, r.begin).line);
}

bool validRegion(const std::string& r) {
  return !r.empty() && r.size() <= 32 &&
         r.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos && r.front() != '-' && r.back() != '-';
}

void checkSettings(const ir::Target& t, bool, DiagEngine& diags) {
  TargetSettings s = settingsOf(t);
  if (t.props.has("region") && !validRegion(s.region))
    diags.report(engine::settingRange(t, "region"), diag::err_target_setting_invalid,
                 {"cloudwatch", t.name, "region '" + s.region + "' is not an AWS region name (such as eu-west-1)"});
  if (t.props.has("endpoint"))
    if (std::string why = net::checkBaseUrl(s.endpoint); !why.empty())
      diags.report(engine::settingRange(t, "endpoint"), diag::err_target_setting_invalid, {"cloudwatch", t.name, "endpoint: " + why});
  if (t.props.has("agent_namespace") && (s.agentNamespace.empty() || s.agentNamespace.size() > 255 || s.agentNamespace[0] == ':'))
    diags.report(engine::settingRange(t, "agent_namespace"), diag::err_target_setting_invalid,
                 {"cloudwatch", t.name, "agent_namespace: a namespace has 1 to 255 characters and does not start with ':'"});
  for (const char* f : {"critical_actions", "warning_actions"}) {
    const ir::Prop* p = t.props.find(f);
    if (p && p->value.is_array() && p->value.size() > 5)
      diags.report(p->range, diag::err_target_setting_invalid, {"cloudwatch", t.name, std::string(f) + ": an alarm takes at most 5 actions"});
  }
}

std::string whereOf(const ir::Target& t) {
  TargetSettings s = settingsOf(t);
  if (!s.endpoint.empty()) return net::withoutTrailingSlash(s.endpoint);
  return s.region.empty() ? "cloudwatch (region from the environment)" : defaultEndpoint(s.region);
}

std::vector<engine::TargetSetting> settings(const ir::Target& t) {
  TargetSettings s = settingsOf(t);
  return {{"endpoint", "where", whereOf(t)}, {"region", "region", s.region}, {"profile", "profile", s.profile}};
}

std::string targetBlock(const ir::Target& t) {
  std::string b = "# Written by `monitorc pull`.\ntarget cloudwatch " + quoteSource(t.name) + " {\n";
  for (const char* f : {"region", "endpoint", "profile", "agent_namespace"})
    if (t.props.has(f)) b += std::string("  ") + f + " = " + quoteSource(t.props.str(f)) + "\n";
  for (const char* f : {"critical_actions", "warning_actions"}) {
    const ir::Prop* p = t.props.find(f);
    if (!p || !p->value.is_array()) continue;
    std::string list;
    for (const auto& v : p->value) list += (list.empty() ? "" : ", ") + quoteSource(v.is_string() ? v.get<std::string>() : "");
    b += std::string("  ") + f + " = [" + list + "]\n";
  }
  return b + "}\n";
}

std::unique_ptr<engine::Target> open(const engine::TargetContext& ctx, std::string& err) {
  const ir::Target& t = ctx.declared;
  TargetSettings s = settingsOf(t);
  std::string at = engine::targetWhere(ctx.module, ctx.sources, t.name);
  GetEnv env = ctx.options.getenv ? GetEnv(ctx.options.getenv) : GetEnv();
  std::string region = findRegion(env, s.profile, s.region);
  if (region.empty())
    return (err = at + "cloudwatch target '" + t.name + "' has no region (set 'region', AWS_REGION or the profile's region)", nullptr);
  if (!validRegion(region)) return (err = at + "cloudwatch target '" + t.name + "': region '" + region + "' is not an AWS region name", nullptr);
  std::string endpoint = s.endpoint.empty() ? defaultEndpoint(region) : s.endpoint;
  if (std::string why = net::checkBaseUrl(endpoint); !why.empty())
    return (err = at + "cloudwatch target '" + t.name + "': endpoint: " + why, nullptr);
  Credentials creds;
  if (!findCredentials(env, s.profile, creds, err)) return (err = "cloudwatch target '" + t.name + "': " + err, nullptr);
  auto api = std::make_shared<Api>(engine::loggedClient(ctx.options, {creds.secretAccessKey, creds.sessionToken, creds.accessKeyId}),
                                   endpoint, region, creds, ctx.options.retry);
  engine::ObjectTargetParts parts;
  DiagEngine quiet;  // check and build report these; plan needs the alarms
  for (auto& m : monitorsFor(ctx.module, t, quiet)) {
    std::string src = where(ctx.sources, m.monitor->nameRange.valid() ? m.monitor->nameRange : m.monitor->range);
    for (auto& a : m.alarms) {
      std::string severity = a.params["Tags"][2].value("Value", "");
      const char* type = a.params.contains("AlarmRule") ? kCompositeType : "alarm";
      engine::Desired d{engine::ObjKind::Monitor, a.name, type, {{"name", a.name}, {"type", type}, {"alarm", a.params}}, src, {}, {}, {}, {}};
      if (const ir::Prop* prev = m.monitor->props.find("previous_names"))
        for (const auto& n : prev->value)
          if (n.is_string()) d.previousKeys.push_back(alarmName(n.get<std::string>(), severity));
      parts.desired.push_back(std::move(d));
    }
  }
  // Metric widgets name the region the target resolved when neither the widget nor the target does.
  for (auto& d : dashboardsFor(ctx.module, t, region, quiet)) {
    std::string src = where(ctx.sources, d.dashboard->range);
    parts.desired.push_back({engine::ObjKind::Dashboard, d.name, "", {{"urlPath", d.name}, {"dashboard", std::move(d.body)}}, src, {}, {}, {}, {}});
  }
  if (quiet.hasErrors())
    for (const auto& d : quiet.all())
      if (d.severity == Severity::Error) return (err = at + "cloudwatch target '" + t.name + "': " + d.message + " (run monitorc check)", nullptr);
  parts.remote = makeRemote(api, t.name);
  parts.normalize = normalize;
  // The object's name and type repeat the change's key and type: left out of listings.
  parts.words = [](engine::ObjKind, const std::string&, const ir::Json&, const ir::Json&, engine::FieldChange& f) {
    return f.path != "name" && f.path != "type" && f.path != "alarm.AlarmName" && f.path != "urlPath";
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
      "cloudwatch",
      {"cloudwatch", "cloudwatch target",
       {schema::str("region", "AWS region of the alarms (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile's region)."),
        schema::str("endpoint", "CloudWatch API endpoint (default https://monitoring.REGION.amazonaws.com)."),
        schema::str("profile", "Profile of the shared credentials and config files (default AWS_PROFILE, else default)."),
        schema::str("agent_namespace", "Namespace of the CloudWatch agent's host metrics (default CWAgent)."),
        schema::typed("critical_actions", schema::Type::StringList, "ARNs run when a critical alarm goes to ALARM (SNS topics ...)."),
        schema::typed("warning_actions", schema::Type::StringList, "ARNs run when a warning alarm goes to ALARM.")}},
      false,  // chosen alone only without a mackerel or local target, as prometheus and grafana
      checkSettings,
      settings,
      open};
  return kind;
}

}  // namespace mon::cloudwatch
