#include "alertmanager/target_kind.h"

namespace mon::alertmanager {

namespace {

std::unique_ptr<engine::Target> open(const engine::TargetContext& ctx, std::string& err) {
  err = "alertmanager target '" + ctx.declared.name +
        "' is built with 'monitorc build' (alertmanager/<target>/alertmanager.yml); plan and apply do not reach "
        "a running Alertmanager yet";
  return nullptr;
}

std::vector<engine::TargetSetting> settingsOf(const ir::Target& t) {
  std::string url = t.props.str("url");
  return {{"url", "url", url}, {"where", "where", url}};
}

}  // namespace

const engine::TargetKind& target() {
  static const engine::TargetKind kind{
      "alertmanager",
      {"alertmanager", "alertmanager target",
       {schema::str("url", "Alertmanager base URL."),
        schema::str("secrets_dir",
                    "Directory Alertmanager reads channel secrets from, one file per environment variable named by a "
                    "channel's *_env field (default: /etc/alertmanager/secrets)."),
        schema::str("smtp_from", "Sender of email channels that set no 'from'."),
        schema::str("smtp_smarthost", "SMTP server (host:port) of email channels that set no 'smarthost'."),
        schema::typed("inhibit_warning_on_critical", schema::Type::Bool,
                      "A critical alert silences the warning of the same alert and instance (default: true).")}},
      false,
      nullptr,
      settingsOf,
      open};
  return kind;
}

}  // namespace mon::alertmanager
