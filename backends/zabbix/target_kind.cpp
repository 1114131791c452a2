// `target zabbix`: settings, the login (API token, or user and password when no token is set),
// and plan/apply/prune through the engine's object model (object_target.h) over remote.cpp.
#include "zabbix/target_kind.h"

#include "object_target.h"
#include "support/text.h"
#include "target_support.h"
#include "zabbix/monitors.h"
#include "zabbix/pull.h"
#include "zabbix/trigger_remote.h"

namespace mon::zabbix {

namespace {

std::string tokenEnvOf(const ir::Target& t) { return t.props.str("token_env", "ZABBIX_TOKEN"); }
std::string passwordEnvOf(const ir::Target& t) { return t.props.str("password_env", "ZABBIX_PASSWORD"); }

std::string where(const SourceManager& sm, const Range& r) {
  if (!r.valid()) return "";
  return sm.path(r.file) + ":" + std::to_string(sm.lineCol(r.file, r.begin).line);
}

void checkSettings(const ir::Target& t, bool forPlan, DiagEngine& diags) {
  if (t.props.str("url").empty()) {
    if (forPlan) diags.report(t.range, diag::err_target_setting_missing, {"zabbix", t.name, "url", "the Zabbix frontend's URL"});
  } else if (std::string why = net::checkBaseUrl(t.props.str("url")); !why.empty()) {
    diags.report(engine::settingRange(t, "url"), diag::err_target_setting_invalid, {"zabbix", t.name, "url: " + why});
  }
  TargetSettings s = settingsOf(t);
  if (std::string why = checkTechnicalName(s.templateHost); !why.empty())
    diags.report(engine::settingRange(t, "template_name"), diag::err_target_setting_invalid,
                 {"zabbix", t.name, "template_name '" + s.templateHost + "': " + why});
  if (t.props.has("template_group") && s.templateGroup.empty())
    diags.report(engine::settingRange(t, "template_group"), diag::err_target_setting_invalid,
                 {"zabbix", t.name, "template_group: a template needs a host group"});
  if (t.props.has("password_env") && !t.props.has("user"))
    diags.report(engine::settingRange(t, "password_env"), diag::err_target_setting_invalid,
                 {"zabbix", t.name, "password_env: the password is used only with 'user'"});
}

std::vector<engine::TargetSetting> settings(const ir::Target& t) {
  std::string url = net::withoutTrailingSlash(t.props.str("url"));
  std::vector<engine::TargetSetting> out = {{"url", "where", url},
                                            {"token_env", "api_key_env", tokenEnvOf(t)},
                                            {"template_name", "template", settingsOf(t).templateHost}};
  if (t.props.has("user")) out.push_back({"user", "user", t.props.str("user")});
  return out;
}

std::string targetBlock(const ir::Target& t) {
  std::string b = "# Written by `monitorc pull`.\ntarget zabbix " + quoteSource(t.name) + " {\n";
  for (const char* f : {"url", "token_env", "user", "password_env", "template_name", "template_group"})
    if (t.props.has(f)) b += std::string("  ") + f + " = " + quoteSource(t.props.str(f)) + "\n";
  for (const char* f : {"hosts", "host_groups"}) {
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
  std::string at = engine::targetWhere(ctx.module, ctx.sources, t.name);
  std::string url = t.props.str("url");
  if (url.empty()) return (err = at + "zabbix target '" + t.name + "' has no url (the Zabbix frontend's URL)", nullptr);
  if (std::string why = net::checkBaseUrl(url); !why.empty()) return (err = at + "zabbix target '" + t.name + "': url: " + why, nullptr);
  // The token when its variable is set; a user's password only when it is not.
  std::string token, password;
  const char* raw = ctx.options.getenv ? ctx.options.getenv(tokenEnvOf(t).c_str()) : std::getenv(tokenEnvOf(t).c_str());
  bool useToken = (raw && *raw) || !t.props.has("user");
  if (useToken && !engine::secretFromEnv(ctx.options, tokenEnvOf(t), "the API token for target '" + t.name + "'", token, err))
    return nullptr;
  if (!useToken &&
      !engine::secretFromEnv(ctx.options, passwordEnvOf(t), "the password of user '" + t.props.str("user") + "' for target '" + t.name + "'",
                             password, err))
    return nullptr;
  auto api = std::make_shared<Api>(engine::loggedClient(ctx.options, {token, password}), url);
  if (useToken) {
    api->setAuth(token);
  } else if (!api->login(t.props.str("user"), password, err)) {
    err = "zabbix target '" + t.name + "': " + err;
    return nullptr;
  }
  engine::ObjectTargetParts parts;
  DiagEngine quiet;  // check and build report these; plan needs the objects
  for (auto& m : monitorsFor(ctx.module, t, quiet)) {
    std::string type = m.body.value("type", "trigger");  // "web" for a web scenario's
    engine::Desired d{engine::ObjKind::Monitor, m.body.value("name", ""), type, std::move(m.body),
                      where(ctx.sources, m.monitor->nameRange.valid() ? m.monitor->nameRange : m.monitor->range), {}};
    if (const ir::Prop* prev = m.monitor->props.find("previous_names"))
      for (const auto& n : prev->value)
        if (n.is_string()) d.previousKeys.push_back(n.get<std::string>());
    parts.desired.push_back(std::move(d));
  }
  for (auto& d : dashboardsFor(ctx.module, t, quiet)) {
    engine::Desired dd;
    dd.kind = engine::ObjKind::Dashboard;
    dd.key = d.body.value("urlPath", "");
    dd.body = std::move(d.body);
    dd.source = where(ctx.sources, d.dashboard->range);
    parts.desired.push_back(std::move(dd));
  }
  if (quiet.hasErrors()) {
    for (const auto& d : quiet.all())
      if (d.severity == Severity::Error) return (err = at + "zabbix target '" + t.name + "': " + d.message + " (run monitorc check)", nullptr);
  }
  parts.remote = makeRemote(api, settingsOf(t));
  parts.normalize = normalize;
  parts.pullSource = [s = settingsOf(t)](const engine::RemoteState& state, bool ownedOnly, std::vector<std::string>& warnings) {
    return pullSource(state, ownedOnly, s, warnings);
  };
  parts.targetSource = targetBlock(t);
  return engine::makeObjectTarget(std::move(parts));
}

}  // namespace

const engine::TargetKind& target() {
  static const engine::TargetKind kind{
      "zabbix",
      {"zabbix", "zabbix target",
       {schema::str("url", "The Zabbix 6.0 frontend's URL (api_jsonrpc.php is under it)."),
        schema::str("token_env", "Environment variable holding the API token (default ZABBIX_TOKEN)."),
        schema::str("user", "User to log in as when the token variable is not set."),
        schema::str("password_env", "Environment variable holding the user's password (default ZABBIX_PASSWORD)."),
        schema::str("template_name", "Technical name of the template monitorc owns (default \"monitorc NAME\")."),
        schema::str("template_group", "Host group of the template (default Templates)."),
        schema::typed("hosts", schema::Type::StringList, "Technical names of the hosts the template is linked to."),
        schema::typed("host_groups", schema::Type::StringList, "Host groups whose hosts the template is linked to.")}},
      false,  // chosen alone only without a mackerel or local target, as prometheus and grafana
      checkSettings,
      settings,
      open};
  return kind;
}

}  // namespace mon::zabbix
