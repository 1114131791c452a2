// `target kibana`: settings, the API key from the environment, and plan/apply/prune through
// the engine's object model (object_target.h) over rule_remote.cpp.
#include "kibana/target_kind.h"

#include <cctype>

#include "kibana/dashboards.h"
#include "kibana/monitors.h"
#include "kibana/pull.h"
#include "kibana/rule_remote.h"
#include "object_target.h"
#include "support/text.h"
#include "target_support.h"

namespace mon::kibana {

namespace {

std::string where(const SourceManager& sm, const Range& r) {
  if (!r.valid()) return "";
  return sm.path(r.file) + ":" + std::to_string(sm.lineCol(r.file, r.begin).line);
}

// Kibana's space ids: lower-case letters, digits, '_' and '-'.
bool validSpace(const std::string& s) {
  return !s.empty() && s.size() <= 1024 &&
         s.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") == std::string::npos;
}

bool validEnvName(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (unsigned char c : s)
    if (!std::isalnum(c) && c != '_') return false;
  return true;
}

void checkSettings(const ir::Target& t, bool forPlan, DiagEngine& diags) {
  TargetSettings s = settingsOf(t);
  if (s.url.empty()) {
    if (forPlan) diags.report(t.range, diag::err_target_setting_missing, {"kibana", t.name, "url", "Kibana's base URL"});
  } else if (std::string why = net::checkBaseUrl(s.url); !why.empty()) {
    diags.report(engine::settingRange(t, "url"), diag::err_target_setting_invalid, {"kibana", t.name, "url: " + why});
  }
  if (t.props.has("space") && !validSpace(s.space))
    diags.report(engine::settingRange(t, "space"), diag::err_target_setting_invalid,
                 {"kibana", t.name, "space '" + s.space + "' is not a Kibana space id (lower-case letters, digits, '_' and '-')"});
  if (t.props.has("api_key_env") && !validEnvName(s.apiKeyEnv))
    diags.report(engine::settingRange(t, "api_key_env"), diag::err_target_setting_invalid,
                 {"kibana", t.name, "api_key_env names an environment variable ('" + s.apiKeyEnv + "' is not a variable name)"});
  if (t.props.has("window") && s.windowSeconds < 1)
    diags.report(engine::settingRange(t, "window"), diag::err_target_setting_invalid, {"kibana", t.name, "window: at least 1s"});
  if (t.props.has("every") && s.everySeconds < 1)
    diags.report(engine::settingRange(t, "every"), diag::err_target_setting_invalid, {"kibana", t.name, "every: at least 1s"});
  for (const char* f : {"index", "critical_connectors", "warning_connectors"}) {
    const ir::Prop* p = t.props.find(f);
    if (!p || !p->value.is_array()) continue;
    for (const auto& v : p->value)
      if (!v.is_string() || v.get<std::string>().empty())
        diags.report(p->range, diag::err_target_setting_invalid, {"kibana", t.name, std::string(f) + ": names must not be empty"});
  }
}

std::vector<engine::TargetSetting> settings(const ir::Target& t) {
  TargetSettings s = settingsOf(t);
  std::string base = spaceBase(s.url, s.space);
  return {{"api_key_env", "api_key_env", s.apiKeyEnv}, {"url", "url", net::withoutTrailingSlash(s.url)},
          {"space", "space", s.space}, {"where", "where", base}};
}

std::string targetBlock(const ir::Target& t) {
  std::string b = "# Written by `monitorc pull`.\ntarget kibana " + quoteSource(t.name) + " {\n";
  for (const char* f : {"url", "api_key_env", "space", "time_field", "data_view"})
    if (t.props.has(f)) b += std::string("  ") + f + " = " + quoteSource(t.props.str(f)) + "\n";
  for (const char* f : {"window", "every"})
    if (t.props.has(f)) b += std::string("  ") + f + " = " + formatDurationMs(static_cast<int64_t>(t.props.num(f)) * 1000) + "\n";
  for (const char* f : {"index", "critical_connectors", "warning_connectors"}) {
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
  if (s.url.empty()) return (err = at + "kibana target '" + t.name + "' has no url (Kibana's base URL)", nullptr);
  if (std::string why = net::checkBaseUrl(s.url); !why.empty())
    return (err = at + "kibana target '" + t.name + "': url: " + why, nullptr);
  if (!validSpace(s.space)) return (err = at + "kibana target '" + t.name + "': space '" + s.space + "' is not a Kibana space id", nullptr);
  std::string key;
  if (!engine::secretFromEnv(ctx.options, s.apiKeyEnv, "the API key for kibana target '" + t.name + "'", key, err)) return nullptr;
  auto api = std::make_shared<Api>(engine::loggedClient(ctx.options, {key}), s.url, s.space, key, ctx.options.retry);
  engine::ObjectTargetParts parts;
  DiagEngine quiet;  // check and build report these; plan needs the rules
  for (auto& m : monitorsFor(ctx.module, t, quiet)) {
    std::string src = where(ctx.sources, m.monitor->nameRange.valid() ? m.monitor->nameRange : m.monitor->range);
    for (size_t i = 0; i < m.rules.size(); ++i) {
      auto& r = m.rules[i];
      std::string severity = r.name.substr(r.name.rfind(" (") + 2);
      severity.pop_back();
      engine::Desired d{engine::ObjKind::Monitor, r.name, "rule", {{"name", r.name}, {"type", "rule"}, {"rule", r.body}}, src, {}, {}, {}, {}};
      if (const ir::Prop* prev = m.monitor->props.find("previous_names"))
        for (const auto& n : prev->value)
          if (n.is_string()) d.previousKeys.push_back(ruleName(n.get<std::string>(), severity));
      parts.desired.push_back(std::move(d));
    }
  }
  for (auto& d : dashboardsFor(ctx.module, t, s, quiet)) {
    std::string src = where(ctx.sources, d.dashboard->range);
    Json objects = Json::array();
    for (auto& o : d.objects) objects.push_back(std::move(o));
    parts.desired.push_back({engine::ObjKind::Dashboard, d.dashboard->urlPath, "",
                             {{"urlPath", d.dashboard->urlPath}, {"title", d.dashboard->title}, {"objects", objects}}, src, {}, {}, {}, {}});
  }
  if (quiet.hasErrors())
    for (const auto& d : quiet.all())
      if (d.severity == Severity::Error) return (err = at + "kibana target '" + t.name + "': " + d.message + " (run monitorc check)", nullptr);
  parts.remote = makeRemote(api, t.name, s.space);
  parts.normalize = normalize;
  // The rule's name and type (and a dashboard's url_path) repeat the change's key and type:
  // left out of listings.
  parts.words = [](engine::ObjKind, const std::string&, const ir::Json&, const ir::Json&, engine::FieldChange& f) {
    return f.path != "name" && f.path != "type" && f.path != "rule.name" && f.path != "urlPath";
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
      "kibana",
      {"kibana", "kibana target",
       {schema::str("url", "Kibana's base URL."),
        schema::str("api_key_env", "Environment variable holding the API key (default KIBANA_API_KEY)."),
        schema::str("space", "Kibana space the rules live in (default: default)."),
        schema::typed("index", schema::Type::StringList, "Indices an Elasticsearch DSL query reads (logs-*)."),
        schema::str("time_field", "Time field of those indices (default @timestamp)."),
        schema::str("data_view", "Data view id a KQL query reads."),
        schema::duration("window", 1000, 1, 1e9, "How far back each run counts documents (default 5m).", false, "5m"),
        schema::duration("every", 1000, 1, 1e9, "How often each rule runs (default 1m).", false, "1m"),
        schema::typed("critical_connectors", schema::Type::StringList, "Connector ids a critical rule's actions run."),
        schema::typed("warning_connectors", schema::Type::StringList, "Connector ids a warning rule's actions run.")}},
      false,  // chosen alone only without a mackerel or local target, as prometheus and grafana
      checkSettings,
      settings,
      open};
  return kind;
}

}  // namespace mon::kibana
