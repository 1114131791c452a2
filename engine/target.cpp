#include "target.h"

#include <cstdlib>
#include <set>

#include "local/local_remote.h"
#include "mackerel/api_json.h"
#include "mackerel/api_remote.h"
#include "ownership.h"
#include "support/text.h"

namespace mon::engine {

namespace {

constexpr size_t kMaxMemo = 2048;  // characters, the API's limit on a monitor's memo

std::string where(const SourceManager& sm, const Range& r) {
  if (!r.valid()) return "";
  return sm.path(r.file) + ":" + std::to_string(sm.lineCol(r.file, r.begin).line);
}

bool forTarget(const std::vector<std::string>& targets, const std::string& name) {
  if (targets.empty()) return true;
  for (const auto& t : targets)
    if (t == name) return true;
  return false;
}

}  // namespace

bool chooseTarget(const ir::Module& m, const std::string& name, TargetSpec& out, std::string& err) {
  std::vector<const ir::Target*> usable, direct;
  for (const auto& t : m.targets) {
    if (t.kind == "mackerel" || t.kind == "local") usable.push_back(&t);
    if (t.kind == "prometheus" || t.kind == "grafana") direct.push_back(&t);
  }
  const ir::Target* chosen = nullptr;
  auto list = [](const std::vector<const ir::Target*>& ts) {
    std::string names;
    for (const auto* t : ts) names += (names.empty() ? "'" : ", '") + t->name + "'";
    return names;
  };
  std::vector<const ir::Target*> all = usable;
  all.insert(all.end(), direct.begin(), direct.end());
  if (!name.empty()) {
    for (const auto* t : all)
      if (t->name == name) chosen = t;
    if (!chosen) {
      err = all.empty() ? "no target named '" + name + "': the source declares no mackerel, local, prometheus or grafana target"
                        : "no mackerel or local target named '" + name + "', nor a prometheus or grafana one (targets: " +
                              list(all) + ")";
      return false;
    }
  } else if (usable.size() == 1) {
    chosen = usable[0];
  } else if (usable.empty() && direct.size() == 1) {
    chosen = direct[0];
  } else {
    err = all.empty() ? "the source declares no target; add e.g. target local \"demo\" { dir = \".monitorc/demo\" }"
                      : "several targets (" + list(usable.empty() ? direct : usable) + "); choose one with --target NAME";
    return false;
  }
  out.kind = chosen->kind;
  out.name = chosen->name;
  if (chosen->kind == "local") {
    out.where = chosen->props.str("dir");
  } else if (chosen->kind == "prometheus") {
    out.where = chosen->props.str("url");
    out.dir = chosen->props.str("rules_dir");
  } else if (chosen->kind == "grafana") {
    out.where = chosen->props.str("url");
    out.keyEnv = chosen->props.str("token_env", "GRAFANA_TOKEN");
  } else {
    out.where = chosen->props.str("base_url", "https://api.mackerelio.com/");
    out.keyEnv = chosen->props.str("api_key_env", "MACKEREL_APIKEY");
  }
  return true;
}

bool desiredObjects(const ir::Module& m, const SourceManager& sm, const std::string& target, std::vector<Desired>& out,
                    std::string& err) {
  std::set<std::string> seen;
  for (const auto& mon : m.monitors) {
    if (!forTarget(mon.targets, target)) continue;
    Desired d{ObjKind::Monitor, mon.name, ::mon::mackerel::apiType(mon.kind), ::mon::mackerel::monitorToApi(mon),
              where(sm, mon.nameRange.valid() ? mon.nameRange : mon.range), {}};
    if (const ir::Prop* prev = mon.props.find("previous_names"))
      for (const auto& n : prev->value)
        if (n.is_string()) d.previousKeys.push_back(n.get<std::string>());
    std::string memo = d.body.contains("memo") && d.body["memo"].is_string() ? d.body["memo"].get<std::string>() : "";
    if (utf8Length(addOwnerMarker(memo)) > kMaxMemo) {
      err = d.source + ": the memo of monitor '" + d.key + "' is " + std::to_string(utf8Length(memo)) +
            " characters; with the ownership marker line it would exceed the API's " + std::to_string(kMaxMemo) +
            " (shorten it to at most " + std::to_string(kMaxMemo - kOwnerMarker.size() - 2) + ")";
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
    Desired d{ObjKind::Dashboard, db.urlPath, "", ::mon::mackerel::dashboardToApi(db), where(sm, db.range), {}};
    if (!seen.insert("d/" + d.key).second) {
      err = d.source + ": dashboard url_path '" + d.key + "' is used twice for target '" + target + "'";
      return false;
    }
    out.push_back(std::move(d));
  }
  return true;
}

std::unique_ptr<Remote> openRemote(const TargetSpec& t, const RemoteOptions& opts, std::string& err) {
  if (t.kind == "local") {
    if (t.where.empty()) return (err = "local target '" + t.name + "' has no dir", nullptr);
    return local::makeRemote(t.name, t.where, err);
  }
  if (t.kind != "mackerel") return (err = "target '" + t.name + "' of kind '" + t.kind + "' cannot be planned", nullptr);
  std::string why = net::checkBaseUrl(t.where);
  if (!why.empty()) return (err = "target '" + t.name + "': base_url: " + why, nullptr);
  std::string key;
  if (!secretFromEnv(opts, t.keyEnv, "the API key for target '" + t.name + "'", key, err)) return nullptr;
  mackerel::Options mo;
  mo.targetName = t.name;
  mo.baseUrl = t.where;
  mo.apiKey = key;
  mo.retry = opts.retry;
  mo.log = opts.log;
  std::shared_ptr<net::Client> client = opts.client ? opts.client : std::shared_ptr<net::Client>(net::makeCurlClient(opts.http));
  return mackerel::makeRemote(client, mo);
}

bool secretFromEnv(const RemoteOptions& opts, const std::string& name, const std::string& what, std::string& value,
                   std::string& err) {
  const char* raw = opts.getenv ? opts.getenv(name.c_str()) : std::getenv(name.c_str());
  std::string v = raw ? raw : "";
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!v.empty() && blank(v.back())) v.pop_back();
  size_t first = 0;
  while (first < v.size() && blank(v[first])) ++first;
  v.erase(0, first);
  if (v.empty())
    return (err = "the environment variable " + name + " (" + what + ") is " + (raw && *raw ? "blank" : "not set"), false);
  for (unsigned char c : v)
    if (c < 0x20 || c == 0x7f)
      return (err = "the environment variable " + name + " (" + what +
                    ") contains a control character (a line break inside the value?); it is not sent",
              false);
  value = std::move(v);
  return true;
}

}  // namespace mon::engine
