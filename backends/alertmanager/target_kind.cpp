// `target alertmanager`: plan/apply of the one config file monitorc owns (config_file), one
// Change per receiver, route, inhibit rule, time interval and top-level setting it holds. The
// file is written whole and atomically, Alertmanager reloads it (POST /-/reload), and
// GET /api/v2/status must then report the routing written; otherwise the previous file comes
// back (and is reloaded). docs/backends.md, "Alertmanager", says more.
#include "alertmanager/target_kind.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "alertmanager/alertmanager.h"
#include "alertmanager/config_view.h"
#include "diff.h"
#include "prometheus/apply.h"
#include "target_support.h"

namespace mon::alertmanager {

namespace {

using namespace mon::engine;
using Json = ir::Json;

const char* const kFingerprintKey = "config_file";

// The built file of target `name`.
bool builtFile(const OutputFiles& built, const std::string& name, std::string& content) {
  auto it = built.find(builtPath(name));
  if (it == built.end()) return false;
  content = it->second;
  return true;
}

std::string dirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}
std::string baseOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

net::Response send(net::Client& http, const std::string& method, const std::string& url) {
  net::Request req;
  req.method = method;
  req.url = url;
  return http.send(req);
}

std::string failure(const net::Response& r) {
  if (r.httpStatus()) {
    std::string body = r.body.substr(0, 400);
    while (!body.empty() && (body.back() == '\n' || body.back() == ' ')) body.pop_back();
    return "HTTP " + std::to_string(r.status) + (body.empty() ? "" : ": " + body);
  }
  return r.transport.empty() ? r.body : r.transport;
}

class AlertmanagerTarget : public engine::Target {
 public:
  AlertmanagerTarget(const TargetContext& ctx, std::string url, std::string file)
      : ctx_(ctx), url_(std::move(url)), file_(std::move(file)), client_(loggedClient(ctx.options)) {}

  bool plan(bool prune, Plan& plan, std::string& err) override;
  std::string checkSaved(const Plan& saved) override;
  bool stale(const Plan& saved, std::vector<std::string>& reasons, std::string& err) override;
  ApplyReport apply(const Plan& plan, const ApplyOptions& opts) override;
  bool pull(bool, PulledSource&, std::vector<std::string>&, std::string& err) override {
    return (err = "alertmanager target '" + name() + "': pull is not offered; 'monitorc import alertmanager " + file_ +
                  "' turns the file into source",
            false);
  }

 private:
  const std::string& name() const { return ctx_.declared.name; }
  bool takeOver() const {
    const ir::Prop* p = ctx_.declared.props.find("take_over");
    return p && p->value == true;
  }
  std::string where() const { return "alertmanager \"" + name() + "\" (" + url_ + ", config_file " + file_ + ")"; }
  // The file as it is now: false with `err` when it cannot be read; `exists` false when absent.
  bool readCurrent(std::string& text, bool& exists, std::string& err) {
    auto disk = prometheus::diskFileOps();
    if (std::string why = disk->unreadable(dirOf(file_), baseOf(file_)); !why.empty())
      return (err = "reading " + where() + ": " + why, false);
    exists = disk->read(file_, text);
    if (!exists) text.clear();
    return true;
  }
  Fingerprints fingerprints(bool exists, const std::string& text) const {
    Fingerprints out;
    if (exists) out[kFingerprintKey] = {fingerprint(Json(text)), file_};
    return out;
  }
  // Writes `content`, reloads and verifies; restores `previous` on any failure.
  bool writeReloadVerify(const std::string& content, bool existed, const std::string& previous,
                         std::vector<std::string>& log, std::string& err);

  TargetContext ctx_;
  std::string url_, file_;
  std::shared_ptr<net::Client> client_;
};

bool AlertmanagerTarget::plan(bool prune, Plan& plan, std::string& err) {
  OutputFiles built;
  if (!ctx_.build(built)) return (err = "", false);
  std::string wanted;
  if (!builtFile(built, name(), wanted)) return (err = targetWhere(ctx_.module, ctx_.sources, name()) + where() + ": nothing built", false);
  std::string current;
  bool exists = false;
  if (!readCurrent(current, exists, err)) return false;
  bool foreign = exists && !writtenByMonitorc(current);
  if (foreign && !takeOver())
    return (err = targetWhere(ctx_.module, ctx_.sources, name()) + where() + ": " + file_ +
                  " was not written by monitorc (it does not start with the generated header), so it is not replaced; "
                  "import it ('monitorc import alertmanager " + file_ + "') or set take_over = true on the target to "
                  "replace it (a copy is kept as " + file_ + ".before-monitorc)",
            false);
  Json before = nullptr, after = nullptr;
  std::string why;
  if (exists && !yamlToJson(current, before, why)) {
    if (!foreign) return (err = where() + ": " + file_ + ":" + why, false);
    before = nullptr;  // a file taken over that is not YAML: everything in it goes
  }
  if (!yamlToJson(wanted, after, why)) return (err = where() + ": the built file does not parse: " + why, false);
  std::vector<ConfigObject> was = configObjects(before), will = configObjects(after);
  std::vector<std::pair<Change, int>> items;
  auto find = [](const std::vector<ConfigObject>& in, const ConfigObject& o) -> const ConfigObject* {
    for (const auto& x : in)
      if (x.type == o.type && x.key == o.key) return &x;
    return nullptr;
  };
  // Receivers and time intervals of the owned file that the source no longer has stay in it
  // (unused) until --prune, as owned objects do on the other targets. The route tree and the
  // settings are the source's routing as a whole and always follow it.
  std::set<std::string> orphans;
  if (!foreign && !prune && before.is_object())
    for (const char* list : {"receivers", "time_intervals"}) {
      if (!before.contains(list) || !before[list].is_array()) continue;
      for (const auto& x : before[list]) {
        std::string key = x.is_object() ? x.value("name", "") : "";
        ConfigObject probe{std::string(list) == "receivers" ? "receiver" : "time interval", key, nullptr};
        if (key.empty() || find(will, probe)) continue;
        if (!after.contains(list)) after[list] = Json::array();
        after[list].push_back(x);
        orphans.insert(probe.type + "/" + key);
      }
    }
  if (!orphans.empty()) {
    wanted = kGeneratedHeader + toYaml(after);
    will = configObjects(after);
  }
  bool writes = exists ? current != wanted : true;
  for (const auto& o : will) {
    if (orphans.count(o.type + "/" + o.key)) {
      Change c{};
      c.kind = ObjKind::Monitor;
      c.type = o.type;
      c.key = o.key;
      c.id = file_;
      c.action = Action::Orphan;
      items.push_back({std::move(c), -1});
      continue;
    }
    Change c{};
    c.kind = ObjKind::Monitor;
    c.type = o.type;
    c.key = o.key;
    c.id = file_;
    c.body = o.body;
    const ConfigObject* b = find(was, o);
    if (!b) {
      c.action = foreign ? Action::Adopt : Action::Create;
      for (auto it = o.body.begin(); o.body.is_object() && it != o.body.end(); ++it)
        c.fields.push_back({it.key(), nullptr, it.value(), false, true});
    } else {
      c.fields = diffFields(b->body, o.body);
      c.action = foreign ? Action::Adopt : c.fields.empty() ? Action::NoChange : Action::Update;
    }
    int op = c.action == Action::NoChange ? -1 : 0;
    if (op < 0) c.body = nullptr;
    items.push_back({std::move(c), op});
  }
  for (const auto& b : was)
    if (!find(will, b)) {
      Change c{};
      c.kind = ObjKind::Monitor;
      c.type = b.type;
      c.key = b.key;
      c.id = file_;
      c.action = Action::Delete;  // with --prune, or from a file taken over
      for (auto it = b.body.begin(); b.body.is_object() && it != b.body.end(); ++it)
        c.fields.push_back({it.key(), it.value(), nullptr, true, false});
      items.push_back({std::move(c), 0});
    }
  // Only text differs (comments, layout): still one write, shown as the file's update.
  bool shown = false;
  for (const auto& [c, op] : items) shown = shown || c.action != Action::NoChange;
  if (writes && !shown) {
    Change c{};
    c.kind = ObjKind::Monitor;
    c.type = "config file";
    c.key = file_;
    c.id = file_;
    c.action = exists ? Action::Update : Action::Create;
    c.fields.push_back({"text", nullptr, "rewritten (comments or layout only)", false, true});
    items.push_back({std::move(c), 0});
  }
  plan.operations = Json::array();
  if (writes)
    plan.operations.push_back({{"action", exists ? "update" : "create"}, {"file", file_}, {"content", wanted}, {"take_over", foreign}});
  setChanges(plan, std::move(items));
  for (const auto& [key, v] : fingerprints(exists, current)) plan.fingerprints[key] = v.first;
  plan.prune = prune;
  return true;
}

std::string AlertmanagerTarget::checkSaved(const Plan& plan) {
  for (const auto& [key, fp] : plan.fingerprints)
    if (key != kFingerprintKey) return "plan file: fingerprint '" + key + "' is not '" + kFingerprintKey + "'";
  if (plan.operations.size() > 1) return "plan file: more than one write of the config file";
  for (const auto& op : plan.operations) {
    std::string a = op.value("action", "");
    if (a != "create" && a != "update") return "plan file: unknown operation '" + a + "'";
    if (op.value("file", "") != file_)
      return "plan file: operation on '" + op.value("file", "") + "', not the target's config_file '" + file_ + "'";
    if (!op.contains("content") || !op["content"].is_string()) return "plan file: operation without content";
    // Only what monitorc builds is ever written: the content carries the ownership marker.
    if (!writtenByMonitorc(op["content"].get<std::string>()))
      return "plan file: the content to write does not start with monitorc's generated header";
    if (op.contains("take_over") && op["take_over"] == true && !takeOver())
      return "plan file: it replaces a file monitorc did not write, and the target does not say take_over = true";
  }
  return writesByOperations(plan);
}

bool AlertmanagerTarget::stale(const Plan& saved, std::vector<std::string>& reasons, std::string& err) {
  std::string text;
  bool exists = false;
  if (!readCurrent(text, exists, err)) return false;
  reasons = staleReasons(saved.fingerprints, fingerprints(exists, text), [&](const std::string&) {
    // A file that appeared since a plan that creates it is a change, never something to overwrite.
    for (const auto& op : saved.operations)
      if (op.value("action", "") == "create") return true;
    return false;
  });
  return true;
}

bool AlertmanagerTarget::writeReloadVerify(const std::string& content, bool existed, const std::string& previous,
                                           std::vector<std::string>& log, std::string& err) {
  auto disk = prometheus::diskFileOps();
  auto restore = [&](const std::string& why, bool reload) {
    std::string e;
    bool back = existed ? disk->writeAtomic(file_, previous, e) : disk->remove(file_, e);
    if (reload) send(*client_, "POST", url_ + "/-/reload");
    err = why + (back ? "; the previous config file was restored" : "; restoring the previous config file failed: " + e);
    return false;
  };
  if (!disk->writeAtomic(file_, content, err)) return false;
  log.push_back("wrote " + file_);
  // Refused (HTTP 500 "failed to reload config"): Alertmanager keeps running the old
  // configuration, and the disk must hold it again too.
  net::Response r = send(*client_, "POST", url_ + "/-/reload");
  if (r.httpStatus() != 200) return restore("POST /-/reload: " + failure(r), false);
  log.push_back("reloaded " + url_);
  net::Response s = send(*client_, "GET", url_ + "/api/v2/status");
  if (s.httpStatus() != 200) return restore("GET /api/v2/status: " + failure(s), true);
  Json status = Json::parse(s.body, nullptr, false), running = nullptr, written = nullptr;
  std::string why;
  if (status.is_discarded() || !status.contains("config") || !status["config"].is_object() ||
      !status["config"].value("original", Json()).is_string() ||
      !yamlToJson(status["config"]["original"].get<std::string>(), running, why))
    return restore("GET /api/v2/status: no config.original to verify against", true);
  yamlToJson(content, written, why);
  if (routingSignature(running) != routingSignature(written))
    return restore("Alertmanager does not report the routing written (GET /api/v2/status, config.original)", true);
  log.push_back("verified through /api/v2/status");
  return true;
}

ApplyReport AlertmanagerTarget::apply(const Plan& plan, const ApplyOptions&) {
  auto t0 = std::chrono::steady_clock::now();
  OpResult result;
  std::vector<std::string> log;
  auto disk = prometheus::diskFileOps();
  FileLock held;
  const std::string dir = dirOf(file_);
  auto onWait = [&] { log.push_back("waiting for another apply holding " + prometheus::lockPath(dir)); };
  if (plan.operations.empty()) {
    result.ok = true;
  } else if (disk->lock(dir, prometheus::kApplyLockWait, onWait, held, result.error)) {
    // With the lock held: an apply that went first may have rewritten the file.
    std::vector<std::string> reasons;
    std::string text;
    bool exists = false;
    if (!stale(plan, reasons, result.error)) {
    } else if (!reasons.empty()) {
      std::string why;
      for (const auto& x : reasons) why += (why.empty() ? "" : "; ") + x;
      result.error = "the config file changed since the plan was made (another apply went first?): " + why +
                     "; nothing was written; plan again";
    } else if (readCurrent(text, exists, result.error)) {
      const Json& op = plan.operations[0];
      bool ok = true;
      if (exists && op.value("take_over", false)) {
        ok = disk->writeAtomic(file_ + ".before-monitorc", text, result.error);
        if (ok) log.push_back("kept the file taken over as " + file_ + ".before-monitorc");
      }
      result.ok = ok && writeReloadVerify(op.value("content", ""), exists, text, log, result.error);
    }
  }
  if (ctx_.options.log)
    for (const auto& l : log) ctx_.options.log(l);
  std::vector<OpResult> results(std::max<size_t>(plan.operations.size(), 1), result);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return reportOf(plan, results, secs);
}

void checkSettings(const ir::Target& t, bool forPlan, DiagEngine& diags) {
  if (forPlan && t.props.str("config_file").empty())
    diags.report(t.range, diag::err_target_setting_missing,
                 {"alertmanager", t.name, "config_file", "the alertmanager.yml Alertmanager loads"});
  if (forPlan && t.props.str("url").empty())
    diags.report(t.range, diag::err_target_setting_missing, {"alertmanager", t.name, "url", "Alertmanager's base URL, for reloading"});
  else if (std::string why = t.props.str("url").empty() ? "" : net::checkBaseUrl(t.props.str("url")); !why.empty())
    diags.report(engine::settingRange(t, "url"), diag::err_target_setting_invalid, {"alertmanager", t.name, "url: " + why});
}

std::vector<TargetSetting> settingsOf(const ir::Target& t) {
  std::string url = net::withoutTrailingSlash(t.props.str("url")), file = t.props.str("config_file");
  return {{"url", "url", url}, {"config_file", "config_file", file}, {"where", "where", url + ", config_file " + file}};
}

std::unique_ptr<engine::Target> open(const TargetContext& ctx, std::string& err) {
  const ir::Target& t = ctx.declared;
  std::string at = targetWhere(ctx.module, ctx.sources, t.name);
  if (t.props.str("config_file").empty())
    return (err = at + "alertmanager target '" + t.name + "' has no config_file (the alertmanager.yml Alertmanager loads)", nullptr);
  if (t.props.str("url").empty())
    return (err = at + "alertmanager target '" + t.name + "' has no url (Alertmanager's base URL, for reloading)", nullptr);
  if (std::string why = net::checkBaseUrl(t.props.str("url")); !why.empty())
    return (err = at + "alertmanager target '" + t.name + "': url: " + why, nullptr);
  return std::make_unique<AlertmanagerTarget>(ctx, net::withoutTrailingSlash(t.props.str("url")), t.props.str("config_file"));
}

}  // namespace

const engine::TargetKind& target() {
  static const engine::TargetKind kind{
      "alertmanager",
      {"alertmanager", "alertmanager target",
       {schema::str("url", "Alertmanager base URL (plan and apply reload it and read /api/v2/status)."),
        schema::str("config_file", "The alertmanager.yml Alertmanager loads; plan and apply own it whole."),
        schema::typed("take_over", schema::Type::Bool,
                      "Replace config_file although monitorc did not write it (a copy is kept beside it as "
                      "<config_file>.before-monitorc)."),
        schema::str("secrets_dir",
                    "Directory Alertmanager reads channel secrets from, one file per environment variable named by a "
                    "channel's *_env field (default: /etc/alertmanager/secrets)."),
        schema::str("smtp_from", "Sender of email channels that set no 'from'."),
        schema::str("smtp_smarthost", "SMTP server (host:port) of email channels that set no 'smarthost'."),
        schema::typed("inhibit_warning_on_critical", schema::Type::Bool,
                      "A critical alert silences the warning of the same alert and instance (default: true).")}},
      false,
      checkSettings,
      settingsOf,
      open};
  return kind;
}

}  // namespace mon::alertmanager
