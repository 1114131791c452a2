#include "grafana/apply.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "prometheus/promql.h"
#include "prometheus/targets.h"

namespace mon::grafana {

namespace {

using Json = ir::Json;

using Headers = std::vector<std::pair<std::string, std::string>>;

Headers auth(const Connection& c, bool provenance = false) {
  Headers h = {{"Authorization", "Bearer " + c.token}, {"Content-Type", "application/json"}, {"Accept", "application/json"}};
  if (provenance) h.emplace_back("X-Disable-Provenance", "true");
  return h;
}

// One request to Grafana through the connection's client.
net::Response send(const Connection& c, const std::string& method, const std::string& path, const Headers& headers,
                   const std::string& body = "") {
  return c.http->send(net::Request{method, c.url + path, headers, body});
}

std::string why(const net::Response& r) {
  if (!r.httpStatus()) return r.transport.empty() ? r.body : r.transport;
  Json j = Json::parse(r.body, nullptr, false);
  std::string msg = j.is_object() && j.contains("message") && j["message"].is_string() ? j["message"].get<std::string>() : r.body;
  return "HTTP " + std::to_string(r.status) + (msg.empty() ? "" : ": " + msg);
}

}  // namespace

bool ownedRule(const Json& rule) {
  return rule.contains("labels") && rule["labels"].is_object() && rule["labels"].value("managed_by", "") == "monitorc";
}

bool getJson(const Connection& c, const std::string& path, Json& body, std::string& err) {
  net::Response r = send(c, "GET", path, auth(c), "");
  if (r.httpStatus() == 404) return (body = nullptr, true);
  if (r.httpStatus() != 200) return (err = "GET " + path + ": " + why(r), false);
  body = Json::parse(r.body, nullptr, false);
  if (body.is_discarded()) return (err = "GET " + path + ": the answer is not JSON", false);
  return true;
}

namespace {

// Prometheus duration text -> seconds, for comparing `for` ("300s" and "5m" are equal).
long long seconds(const std::string& d) {
  long long total = 0, n = 0;
  for (size_t i = 0; i < d.size(); ++i) {
    char c = d[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      n = n * 10 + (c - '0');
      continue;
    }
    if (c == 'm' && i + 1 < d.size() && d[i + 1] == 's') {
      total += n / 1000;
      ++i;
    } else {
      total += n * (c == 'y' ? 31536000 : c == 'w' ? 604800 : c == 'd' ? 86400 : c == 'h' ? 3600 : c == 'm' ? 60 : 1);
    }
    n = 0;
  }
  return total + n;
}

// Key order does not matter to Grafana (ordered_json compares it, so compare unordered).
nlohmann::json unordered(const Json& j) { return nlohmann::json::parse(j.dump()); }
bool same(const Json& a, const Json& b) { return unordered(a) == unordered(b); }

std::vector<std::string> jsonDiff(const Json& a, const Json& b) {
  std::vector<std::string> out;
  for (const auto& op : nlohmann::json::diff(unordered(a), unordered(b))) {
    out.push_back(op.value("op", "") + " " + op.value("path", ""));
    if (out.size() == 8) {
      out.push_back("...");
      break;
    }
  }
  return out;
}

}  // namespace

Json normalizeDashboard(Json d) {
  d.erase("id");
  d.erase("version");
  return d;
}

Json normalizeRule(Json r) {
  for (const char* k : {"id", "updated", "provenance", "orgID"}) r.erase(k);
  if (r.contains("for") && r["for"].is_string()) r["for"] = seconds(r["for"].get<std::string>());
  for (const char* k : {"labels", "annotations"})
    if (!r.contains(k)) r[k] = Json::object();
  if (r.contains("data"))
    for (auto& q : r["data"])
      if (q.contains("model") && q.value("datasourceUid", "") != "__expr__") {
        q["model"].erase("intervalMs");
        q["model"].erase("maxDataPoints");
      }
  return r;
}

namespace {

bool makePlanChecked(const OutputFiles& built, const TargetSettings& t, const Connection& c, bool prune, Plan& plan,
                     std::string& err) {
  plan = Plan{t.name, c.url, t.folder, {}, {}, nullptr, nullptr, nullptr, nullptr};
  std::string base = "grafana/" + targets::fileSafe(t.name) + "/";
  if (!validUid(t.folder))
    return err = "folder '" + t.folder + "' is not a valid Grafana uid (1 to 40 letters, digits, '-' or '_')", false;
  const std::string folder = pathSegment(t.folder);
  net::Response f = send(c, "GET", "/api/folders/" + folder, auth(c), "");
  if (f.httpStatus() == 404) plan.changes.push_back({Change::CreateFolder, t.folder, {{"uid", t.folder}, {"title", t.folder}}, 0, {}, nullptr});
  else if (f.httpStatus() != 200) return err = "GET /api/folders/" + folder + ": " + why(f), false;
  std::vector<std::string> wanted;
  std::vector<Json> dashboards;
  for (const auto& [path, text] : built) {
    if (path.rfind(base + "dashboards/", 0) != 0) continue;
    dashboards.push_back(Json::parse(text));
    std::string uid = dashboards.back().value("uid", "");
    wanted.push_back(uid);
    if (!validUid(uid)) return err = "dashboard uid '" + uid + "' is not a valid Grafana uid", false;
  }
  // One GET per dashboard, up to readParallel at a time; compared below in source order.
  std::vector<net::Response> answers(wanted.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next++) < wanted.size();) answers[i] = send(c, "GET", "/api/dashboards/uid/" + wanted[i], auth(c), "");
  };
  std::vector<std::thread> threads;
  for (size_t t = 1; t < std::min(std::max<size_t>(1, c.readParallel), wanted.size()); ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < wanted.size(); ++i) {
    const Json& d = dashboards[i];
    const std::string& uid = wanted[i];
    const net::Response& r = answers[i];
    if (r.httpStatus() == 404) {
      plan.changes.push_back({Change::CreateDashboard, uid, d, 0, {}, nullptr});
      continue;
    }
    if (r.httpStatus() != 200) return err = "GET /api/dashboards/uid/" + uid + ": " + why(r), false;
    Json remote = Json::parse(r.body, nullptr, false);
    if (remote.is_discarded() || !remote.contains("dashboard")) return err = "GET /api/dashboards/uid/" + uid + ": not a dashboard", false;
    Json have = normalizeDashboard(remote["dashboard"]);
    std::string folderNow = remote.contains("meta") ? remote["meta"].value("folderUid", "") : "";
    std::vector<std::string> details = jsonDiff(have, normalizeDashboard(d));
    if (folderNow != t.folder) details.insert(details.begin(), "move from folder '" + folderNow + "'");
    if (!details.empty())
      plan.changes.push_back({Change::UpdateDashboard, uid, d, remote["dashboard"].value("version", 0), details, remote["dashboard"]});
  }
  if (f.httpStatus() != 404) {  // a missing folder has no dashboards
    net::Response s = send(c, "GET", "/api/search?type=dash-db&tag=monitorc&limit=5000&folderUIDs=" + folder, auth(c), "");
    if (s.httpStatus() != 200) return err = "GET /api/search: " + why(s), false;
    Json hits = Json::parse(s.body, nullptr, false);
    if (!hits.is_array()) return err = "GET /api/search: not a list", false;
    for (const auto& hit : hits) {
      std::string uid = hit.value("uid", "");
      if (!validUid(uid)) return err = "GET /api/search: dashboard uid '" + uid + "' is not a valid Grafana uid", false;
      if (std::find(wanted.begin(), wanted.end(), uid) != wanted.end()) continue;
      plan.orphanDashboards.push_back(uid);
      if (prune)
        plan.changes.push_back({Change::DeleteDashboard, uid, nullptr, 0, {"tagged monitorc, no longer in the source"}, hit});
    }
  }
  for (const auto& [path, text] : built) {
    if (path.rfind(base + "alert-rules/", 0) != 0) continue;
    Json g = Json::parse(text);
    std::string name = g.value("title", "");
    net::Response r = send(c, "GET", "/api/v1/provisioning/folder/" + folder + "/rule-groups/" + pathSegment(name), auth(c), "");
    Json want = Json::array(), have = Json::array();
    for (const auto& rule : g["rules"]) want.push_back(normalizeRule(rule));
    if (r.httpStatus() == 200) {
      Json remote = Json::parse(r.body, nullptr, false);
      if (remote.is_object()) plan.remoteGroup = remote;
      if (remote.is_object() && remote.contains("rules"))
        for (const auto& rule : remote["rules"]) {
          have.push_back(normalizeRule(rule));
          // The PUT replaces the group: keep what monitorc does not own, and owned rules
          // gone from the source unless pruning.
          bool built = false;
          for (const auto& w : g["rules"]) built = built || w.value("uid", "") == rule.value("uid", "");
          bool owned = ownedRule(rule);
          if (built || (owned && prune)) continue;
          Json keep = rule;
          for (const char* k : {"id", "updated", "provenance"}) keep.erase(k);
          g["rules"].push_back(keep);
          want.push_back(normalizeRule(keep));
        }
      if (remote.is_object() && remote.value("interval", 0) != g.value("interval", 0)) have.push_back("interval changed");
    } else if (r.httpStatus() != 404) {
      return err = "GET rule group '" + name + "': " + why(r), false;
    }
    if (want.empty() && have.empty()) continue;
    // Order within the group is not compared (kept rules go after the built ones).
    auto byUid = [](Json list) {
      std::stable_sort(list.begin(), list.end(), [](const Json& a, const Json& b) {
        return (a.is_object() ? a.value("uid", "") : "~" + a.dump()) < (b.is_object() ? b.value("uid", "") : "~" + b.dump());
      });
      return list;
    };
    if (same(byUid(have), byUid(want))) continue;
    std::vector<std::string> details;
    auto find = [](const Json& list, const Json& rule) {
      for (const auto& x : list)
        if (x.is_object() && x.value("uid", "") == rule.value("uid", "")) return &x;
      return static_cast<const Json*>(nullptr);
    };
    for (const auto& w : want) {
      const Json* h = find(have, w);
      if (!h) details.push_back("+ rule '" + w.value("title", "") + "'");
      else if (!same(*h, w)) details.push_back("~ rule '" + w.value("title", "") + "'");
    }
    for (const auto& h : have)
      if (h.is_object() && !find(want, h)) details.push_back("- rule '" + h.value("title", "") + "'");
    if (details.empty()) details.push_back("order or interval");
    plan.changes.push_back({Change::PutRuleGroup, name, g, 0, details, plan.remoteGroup});
  }
  return planRouting(built, t, c, prune, plan, err);
}

}  // namespace

bool makePlan(const OutputFiles& built, const TargetSettings& t, const Connection& c, bool prune, Plan& plan,
              std::string& err) {
  try {
    return makePlanChecked(built, t, c, prune, plan, err);
  } catch (const nlohmann::json::exception& e) {  // Grafana answered JSON of an unexpected shape
    err = std::string("unexpected answer from Grafana: ") + e.what();
    return false;
  }
}

std::string renderPlan(const Plan& p) {
  std::string out = "grafana \"" + p.target + "\" (" + p.url + ", folder " + p.folder + "):\n";
  if (p.changes.empty()) return out + "  no changes\n";
  for (const auto& c : p.changes) {
    switch (c.action) {
      case Change::CreateFolder: out += "  + folder " + c.key + "\n"; break;
      case Change::CreateDashboard: out += "  + dashboard " + c.key + "\n"; break;
      case Change::UpdateDashboard: out += "  ~ dashboard " + c.key + "\n"; break;
      case Change::DeleteDashboard: out += "  - dashboard " + c.key + "\n"; break;
      case Change::PutRuleGroup: out += "  ~ alert rule group " + c.key + " (" + std::to_string(c.body["rules"].size()) + " rules)\n"; break;
      case Change::CreateMuteTiming: out += "  + mute timing " + c.key + "\n"; break;
      case Change::UpdateMuteTiming: out += "  ~ mute timing " + c.key + "\n"; break;
      case Change::DeleteMuteTiming: out += "  - mute timing " + c.key + "\n"; break;
      case Change::CreateContactPoint: out += "  + contact point " + c.body.value("name", c.key) + "\n"; break;
      case Change::UpdateContactPoint: out += "  ~ contact point " + c.body.value("name", c.key) + "\n"; break;
      case Change::DeleteContactPoint: out += "  - contact point " + c.remote.value("name", c.key) + "\n"; break;
      case Change::PutPolicies: out += "  ~ notification policy tree\n"; break;
    }
    for (const auto& d : c.details) out += "      " + d + "\n";
  }
  return out;
}

ApplyResult applyPlan(const Plan& p, const Connection& c) {
  ApplyResult res;
  // Keys go into request paths: every one is checked before the first write.
  if (!validUid(p.folder)) res.errors.push_back("folder '" + p.folder + "' is not a valid Grafana uid");
  for (const auto& ch : p.changes)
    if (ch.action <= Change::DeleteDashboard && ch.action != Change::PutRuleGroup && !validUid(ch.key))
      res.errors.push_back("'" + ch.key + "' is not a valid Grafana uid (1 to 40 letters, digits, '-' or '_')");
  if (!res.errors.empty()) return res;
  for (const auto& ch : p.changes) {
    net::Response r;
    std::string what;
    if (ch.action > Change::PutRuleGroup) {
      std::string err;
      if (applyRouting(ch, c, what, err)) res.log.push_back(what);
      else res.errors.push_back(what + ": " + err);
      continue;
    }
    switch (ch.action) {
      case Change::CreateFolder:
        what = "create folder " + ch.key;
        r = send(c, "POST", "/api/folders", auth(c), ch.body.dump());
        break;
      case Change::CreateDashboard:
      case Change::UpdateDashboard: {
        what = std::string(ch.action == Change::CreateDashboard ? "create" : "update") + " dashboard " + ch.key;
        Json d = ch.body;
        if (ch.action == Change::UpdateDashboard) d["version"] = ch.version;
        Json body = {{"dashboard", d}, {"folderUid", p.folder}, {"overwrite", false}, {"message", "monitorc apply"}};
        r = send(c, "POST", "/api/dashboards/db", auth(c), body.dump());
        if (r.httpStatus() == 412) {
          res.errors.push_back(what + ": conflict, it was changed in Grafana after the plan (" + why(r) + "); plan again");
          continue;
        }
        break;
      }
      case Change::DeleteDashboard:
        what = "delete dashboard " + ch.key;
        r = send(c, "DELETE", "/api/dashboards/uid/" + pathSegment(ch.key), auth(c), "");
        break;
      case Change::PutRuleGroup:
        what = "put alert rule group " + ch.key;
        r = send(c, "PUT", "/api/v1/provisioning/folder/" + pathSegment(p.folder) + "/rule-groups/" + pathSegment(ch.key), auth(c, true),
                   Json{{"title", ch.key}, {"interval", ch.body.value("interval", 60)}, {"rules", ch.body["rules"]}}.dump());
        break;
      default: break;
    }
    if (r.httpStatus() >= 200 && r.httpStatus() < 300) res.log.push_back(what);
    else res.errors.push_back(what + ": " + why(r));
  }
  res.ok = res.errors.empty();
  return res;
}

}  // namespace mon::grafana
