// `monitorc build` for Alertmanager: one alertmanager.yml per target (config.cpp builds it),
// after the checks that only this system needs.
#include "alertmanager/alertmanager.h"
#include "alertmanager/config_view.h"

#include <cctype>

namespace mon::alertmanager {

namespace {

std::vector<const ir::Target*> targetsOf(const ir::Module& m) {
  std::vector<const ir::Target*> out;
  for (const auto& t : m.targets)
    if (t.kind == "alertmanager") out.push_back(&t);
  return out;
}

// What Alertmanager would refuse, at the source: an email channel with no sender or server
// (neither on the channel nor as the target's defaults), a channel named like the receiver
// that takes unrouted alerts.
bool report(const ir::Module& m, const ir::Target& t, DiagEngine& diags) {
  bool ok = true;
  for (const auto& c : m.channels) {
    if (c.name == kUnrouted) {
      diags.report(c.nameRange, diag::err_target_cannot_express,
                   {"channel", c.name, "alertmanager", t.name, "the name is the receiver of alerts no route takes"});
      ok = false;
    }
    if (c.kind != "email") continue;
    for (const auto& [field, global] : {std::pair{"from", "smtp_from"}, {"smarthost", "smtp_smarthost"}})
      if (!c.props.has(field) && t.props.str(global).empty()) {
        diags.report(c.nameRange, diag::err_target_cannot_express,
                     {"channel", c.name, "alertmanager", t.name,
                      std::string("an email channel needs '") + field + "' here or '" + global + "' on the target"});
        ok = false;
      }
  }
  return ok;
}

}  // namespace

std::string builtPath(const std::string& target) {
  std::string safe;
  for (char c : target) safe += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ? c : '_';
  return "alertmanager/" + safe + "/alertmanager.yml";
}

OutputFiles build(const ir::Module& module, DiagEngine& diags) {
  OutputFiles out;
  for (const ir::Target* t : targetsOf(module)) {
    if (!report(module, *t, diags)) continue;
    out[builtPath(t->name)] =
        kGeneratedHeader + toYaml(config(module, *t, diags));
  }
  return out;
}

void check(const ir::Module& module, DiagEngine& diags) {
  for (const ir::Target* t : targetsOf(module)) report(module, *t, diags);
}

}  // namespace mon::alertmanager
