#include "mackerel/api_remote.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>

#include "mackerel/routing_wire.h"
#include "net/decorators.h"
#include "net/work_queue.h"
#include "ownership.h"
#include "plan.h"

namespace mon::engine::mackerel {

namespace {

class MackerelRemote : public Remote {
 public:
  MackerelRemote(std::shared_ptr<net::Client> c, Options o) : opts_(std::move(o)) {
    opts_.baseUrl = net::withoutTrailingSlash(opts_.baseUrl);
    // Logged like every backend's requests; retried here, per operation (lost creates).
    net::LoggingOptions lo;
    lo.log = opts_.log;
    lo.secrets = {opts_.apiKey};
    lo.retryGets = false;
    lo.base = opts_.baseUrl;
    lo.timing = true;
    client_ = std::make_shared<net::LoggingClient>(std::move(c), std::move(lo));
  }

  std::string describe() const override {
    return "mackerel \"" + opts_.targetName + "\" (" + opts_.baseUrl + "/)";
  }

  // Every list at once, and each dashboard by id (the list lacks widgets) as soon as the
  // dashboard list has named it, with up to readParallel requests in flight: a plan waits for
  // the dashboard list's round trip and then about requests / readParallel more.
  bool fetch(RemoteState& out, std::string& err) override {
    constexpr int kRouting = 4;
    const ObjKind routingKinds[kRouting] = {ObjKind::Channel, ObjKind::NotificationGroup, ObjKind::Downtime,
                                            ObjKind::AlertGroupSetting};
    Json monitors, dashboards, routing[kRouting];
    std::string monitorsErr, dashboardsErr, routingErr[kRouting];
    bool monitorsOk = false, dashboardsOk = false, routingOk[kRouting] = {};
    std::vector<std::string> dashboardErrs;
    net::WorkQueue reads;
    // The dashboard list first: what its answer names is most of the requests.
    reads.add([&] {
      dashboardsOk = getList(ObjKind::Dashboard, dashboards, dashboardsErr);
      if (!dashboardsOk) return;
      const Json& items = dashboards["dashboards"];
      out.dashboards.resize(items.size());
      dashboardErrs.resize(items.size());
      for (size_t i = 0; i < items.size(); ++i) {
        out.dashboards[i] = {ObjKind::Dashboard, items[i].value("id", ""), Json()};
        reads.add([&, i] {
          RemoteObject& d = out.dashboards[i];
          if (getJson("/api/v0/dashboards/" + d.id, d.body, dashboardErrs[i])) madeAhead(d);
        });
      }
    });
    reads.add([&] {
      monitorsOk = getList(ObjKind::Monitor, monitors, monitorsErr);
      if (!monitorsOk) return;
      for (auto& m : monitors["monitors"]) {
        out.monitors.push_back({ObjKind::Monitor, m.value("id", ""), std::move(m)});
        madeAhead(out.monitors.back());
      }
    });
    for (int i = 0; i < kRouting; ++i)
      reads.add([&, i] { routingOk[i] = getList(routingKinds[i], routing[i], routingErr[i]); });
    reads.run(std::max<size_t>(1, opts_.readParallel));
    // Errors in the order the reads had when they were made one after the other.
    if (!monitorsOk) return fail(err, monitorsErr);
    if (!dashboardsOk) return fail(err, dashboardsErr);
    for (const auto& e : dashboardErrs)
      if (!e.empty()) return fail(err, e);
    for (int i = 0; i < kRouting; ++i)
      if (!routingOk[i]) return fail(err, routingErr[i]);
    takeRouting(out, routing);
    return true;
  }

  void stopReading() override { stopped_ = true; }

  OpResult create(ObjKind kind, const std::string& key, const Json& planned) override {
    OpResult r;
    std::string path = collection(kind);
    Json body;
    if (!wire(kind, planned, body, r)) return r;
    net::Retrier retry(opts_.retry);
    for (r.attempts = 1;; ++r.attempts) {
      net::Response res = send("POST", path, body.dump());
      if (res.ok()) return remember(kind, key, created(res, r));
      bool unknownOutcome = !res.transport.empty() || res.status >= 500;
      bool conflict = kind == ObjKind::Dashboard && res.status == 409;
      if (unknownOutcome || conflict) {
        // The create may have happened (lost response) or the key may exist: look before retrying.
        std::string id, err;
        if (findOwned(kind, key, body.value("type", ""), id, err)) {
          r.ok = true;
          r.id = id;
          r.recovered = true;
          return remember(kind, key, r);
        }
        if (conflict) return failed(r, "POST", path, res);
      }
      if (!retry.again(res)) return failed(r, "POST", path, res);
    }
  }

  OpResult update(ObjKind kind, const std::string& id, const Json& planned) override {
    OpResult r;
    std::string path = collection(kind) + "/" + id;
    Json body;
    if (!wire(kind, planned, body, r)) return r;
    net::Response res = withRetries("PUT", path, body.dump(), r);
    if (!res.ok()) return failed(r, "PUT", path, res);
    r.ok = true;
    r.id = id;
    return r;
  }

  OpResult remove(ObjKind kind, const std::string& id) override {
    OpResult r;
    std::string path = collection(kind) + "/" + id;
    net::Response res = withRetries("DELETE", path, "", r);
    // 404: already gone (e.g. an earlier attempt succeeded but its answer was lost).
    if (!res.ok() && !(res.transport.empty() && res.status == 404)) return failed(r, "DELETE", path, res);
    r.ok = true;
    r.id = id;
    return r;
  }

  // GET /api/v0/alerts?withClosed=true, newest first, 100 a page, following nextId until a
  // page reaches alerts opened before `since` (or there is no next page).
  bool alerts(int64_t since, std::vector<AlertEvent>& out, std::string& err) override {
    std::string next;
    for (int page = 0;; ++page) {
      std::string path = "/api/v0/alerts?withClosed=true&limit=100" + (next.empty() ? "" : "&nextId=" + next);
      Json j;
      if (!getJson(path, j, err)) return false;
      if (!j.contains("alerts") || !j["alerts"].is_array()) return fail(err, "GET /api/v0/alerts: no 'alerts' list in the answer");
      bool older = false;
      for (const Json& a : j["alerts"]) {
        AlertEvent e;
        if (!alertFrom(a, e)) return fail(err, "GET /api/v0/alerts: an alert without 'monitorId' or 'openedAt'");
        if (e.openedAt < since) older = true;
        else out.push_back(std::move(e));
      }
      const Json* id = j.contains("nextId") ? &j["nextId"] : nullptr;
      next = id && id->is_string() ? id->get<std::string>() : id && id->is_number_integer() ? id->dump() : "";
      if (older || next.empty()) return true;
      // Ids are the API's; one that would change the query's meaning is not followed.
      if (next.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") != std::string::npos)
        return fail(err, "GET /api/v0/alerts: a 'nextId' that is not an id");
      if (page > 100000) return fail(err, "GET /api/v0/alerts: the pages do not end");
    }
  }

 private:
  static bool routingKind(ObjKind k) {
    return k == ObjKind::Channel || k == ObjKind::NotificationGroup || k == ObjKind::Downtime ||
           k == ObjKind::AlertGroupSetting;
  }
  static const char* listKey(ObjKind k) {
    switch (k) {
      case ObjKind::Monitor: return "monitors";
      case ObjKind::Dashboard: return "dashboards";
      case ObjKind::Channel: return "channels";
      case ObjKind::NotificationGroup: return "notificationGroups";
      case ObjKind::Downtime: return "downtimes";
      case ObjKind::AlertGroupSetting: return "alertGroupSettings";
    }
    return "";
  }

  // What a plan makes of an object read, made here on the reading thread between answers.
  void madeAhead(RemoteObject& r) const {
    if (!opts_.canonical) return;
    r.canonical = opts_.canonical(r.kind, r.body);
    r.fingerprint = fingerprint(r.body);
  }

  // The list of `kind` (GET of its collection), checked to hold its list.
  bool getList(ObjKind kind, Json& out, std::string& err) {
    std::string path = collection(kind);
    if (!getJson(path, out, err)) return false;
    if (!out.contains(listKey(kind)) || !out[listKey(kind)].is_array())
      return fail(err, "GET " + path + ": no '" + std::string(listKey(kind)) + "' list in the answer");
    return true;
  }

  // Channels, notification groups, downtimes and alert group settings as read (`lists`, in
  // that order), into the plans' form (routing_wire.h) with the monitors' names, which their
  // references need.
  void takeRouting(RemoteState& out, Json (&lists)[4]) {
    constexpr int kLists = 4;
    const ObjKind kinds[kLists] = {ObjKind::Channel, ObjKind::NotificationGroup, ObjKind::Downtime,
                                   ObjKind::AlertGroupSetting};
    std::lock_guard<std::mutex> lock(mu_);
    names_ = Names{};
    known_.clear();
    for (const auto& m : out.monitors) {
      names_.monitors[m.id] = objectKey(ObjKind::Monitor, m.body);
      known_[ObjKind::Monitor].insert({names_.monitors[m.id], {m.id, ownedBody(m.body)}});
    }
    bool owned = false;
    for (const auto& c : lists[0]["channels"]) names_.channels[c.value("id", "")] = withoutNameMarker(c.value("name", ""), owned);
    for (const auto& g : lists[1]["notificationGroups"]) names_.groups[g.value("id", "")] = withoutNameMarker(g.value("name", ""), owned);
    for (int i = 0; i < kLists; ++i)
      for (const auto& o : lists[i][listKey(kinds[i])]) {
        RemoteObject r{kinds[i], o.value("id", ""), fromWire(kinds[i], o, names_)};
        known_[kinds[i]].insert({objectKey(kinds[i], r.body), {r.id, ownedBody(r.body)}});
        out.of(kinds[i]).push_back(std::move(r));
      }
  }

  static bool ownedBody(const Json& body) {
    return body.contains("memo") && body["memo"].is_string() && hasOwnerMarker(body["memo"].get<std::string>());
  }

  // The body to send: routing objects translated (routing_wire.h), others as planned.
  bool wire(ObjKind kind, const Json& planned, Json& out, OpResult& r) {
    if (!routingKind(kind)) return (out = planned, true);
    std::vector<std::string> secrets;
    auto idOf = [&](ObjKind k, const std::string& key) { return idFor(k, key); };
    auto secretOf = [&](const std::string& env, std::string& value, std::string& err) {
      const char* v = opts_.getenv ? opts_.getenv(env.c_str()) : std::getenv(env.c_str());
      if (!v || !*v) return (err = "$" + env + " (a channel secret) is not set", false);
      value = v;
      while (!value.empty() && (value.back() == '\n' || value.back() == '\r' || value.back() == ' ')) value.pop_back();
      return true;
    };
    std::string err;
    bool ok = toWire(kind, planned, idOf, secretOf, out, err, secrets);
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& s : secrets) secrets_.push_back(std::move(s));
    if (ok) return true;
    r.ok = false;
    r.attempts = 0;
    r.error = std::string(kindName(kind)) + " '" + planned.value("name", "") + "': " + net::redact(err, secrets_);
    return false;
  }

  // The id of an object of `kind` called `key`: an owned one first (of several, the smallest
  // id, as plans pick), else any; the list is read again when the last read did not have it.
  std::string idFor(ObjKind kind, const std::string& key) {
    for (int pass = 0; pass < 2; ++pass) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        auto [from, to] = known_[kind].equal_range(key);
        const Known* best = nullptr;
        for (auto it = from; it != to; ++it)
          if (!best || (it->second.owned && (!best->owned || it->second.id < best->id))) best = &it->second;
        if (best) return best->id;
      }
      if (pass == 1) break;
      Json j;
      std::string err;
      if (!getJson(collection(kind), j, err) || !j.contains(listKey(kind)) || !j[listKey(kind)].is_array()) break;
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& o : j[listKey(kind)]) {
        Json body = fromWire(kind, o, names_);
        std::string id = o.value("id", "");
        auto [from, to] = known_[kind].equal_range(objectKey(kind, body));
        bool seen = std::any_of(from, to, [&](const auto& e) { return e.second.id == id; });
        if (!seen) known_[kind].insert({objectKey(kind, body), {id, ownedBody(body)}});
      }
    }
    return "";
  }

  // After a create: what later writes in this apply may name it by.
  OpResult remember(ObjKind kind, const std::string& key, OpResult r) {
    if (r.ok && !r.id.empty()) {
      std::lock_guard<std::mutex> lock(mu_);
      known_[kind].insert({key, {r.id, true}});
      if (kind == ObjKind::Channel) names_.channels[r.id] = key;
      if (kind == ObjKind::NotificationGroup) names_.groups[r.id] = key;
      if (kind == ObjKind::Monitor) names_.monitors[r.id] = key;
    }
    return r;
  }

  // One alert of the list; false when it lacks what the report needs.
  static bool alertFrom(const Json& a, AlertEvent& e) {
    if (!a.is_object() || !a.contains("monitorId") || !a["monitorId"].is_string() || !a.contains("openedAt") ||
        !a["openedAt"].is_number())
      return false;
    e.monitorId = a["monitorId"].get<std::string>();
    e.series = a.contains("hostId") && a["hostId"].is_string() ? a["hostId"].get<std::string>() : "";
    e.openedAt = a["openedAt"].get<int64_t>();
    bool closed = a.value("status", "") == "OK" || (a.contains("closedAt") && a["closedAt"].is_number());
    if (closed) {
      e.closedAt = a.contains("closedAt") && a["closedAt"].is_number() ? a["closedAt"].get<int64_t>() : e.openedAt;
      // A person closing an alert gives a reason; recovery leaves none.
      e.closedByHand = a.contains("reason") && a["reason"].is_string() && !a["reason"].get<std::string>().empty();
    }
    return true;
  }

  static std::string collection(ObjKind k) {
    switch (k) {
      case ObjKind::Monitor: return "/api/v0/monitors";
      case ObjKind::Dashboard: return "/api/v0/dashboards";
      case ObjKind::Channel: return "/api/v0/channels";
      case ObjKind::NotificationGroup: return "/api/v0/notification-groups";
      case ObjKind::Downtime: return "/api/v0/downtimes";
      case ObjKind::AlertGroupSetting: return "/api/v0/alert-group-settings";
    }
    return "";
  }
  static bool fail(std::string& err, std::string msg) {
    err = std::move(msg);
    return false;
  }

  // Removes the key from any text that could reach the user.
  std::string redact(std::string s) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> all = secrets_;
    all.push_back(opts_.apiKey);
    return net::redact(std::move(s), all);
  }

  std::string describeFailure(const std::string& method, const std::string& path, const net::Response& res) {
    std::string what = method + " " + path + ": ";
    if (!res.transport.empty()) return redact(what + res.transport);
    what += "HTTP " + std::to_string(res.status);
    Json j = Json::parse(res.body, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.contains("error") && j["error"].is_object() &&
        j["error"].contains("message") && j["error"]["message"].is_string())
      what += ": " + j["error"]["message"].get<std::string>();
    if (res.status == 403) what += " (check the API key's permissions and the organization's allowed IP range)";
    return redact(what);
  }

  net::Response send(const std::string& method, const std::string& path, const std::string& body) {
    if (stopped_) {
      // Nothing was sent; the run that stopped the read does not want its answers.
      net::Response res;
      res.transport = "not sent: the read was stopped";
      res.permanent = true;
      return res;
    }
    net::Request req;
    req.method = method;
    req.url = opts_.baseUrl + path;
    req.headers = {{"X-Api-Key", opts_.apiKey}, {"Accept", "application/json"}};
    if (method != "GET") req.headers.emplace_back("Content-Type", "application/json");
    req.body = body;
    return client_->send(req);
  }

  net::Response withRetries(const std::string& method, const std::string& path, const std::string& body, OpResult& r) {
    net::Retrier retry(opts_.retry);
    for (r.attempts = 1;; ++r.attempts) {
      net::Response res = send(method, path, body);
      if (res.ok() || !retry.again(res)) return res;
    }
  }

  bool getJson(const std::string& path, Json& out, std::string& err) {
    OpResult r;
    net::Response res = withRetries("GET", path, "", r);
    if (!res.ok()) return fail(err, describeFailure("GET", path, res));
    out = Json::parse(res.body, nullptr, false);
    if (out.is_discarded() || !out.is_object()) return fail(err, "GET " + path + ": the answer is not a JSON object");
    return true;
  }

  OpResult created(const net::Response& res, OpResult& r) {
    Json j = Json::parse(res.body, nullptr, false);
    if (!j.is_discarded() && j.is_object()) r.id = j.value("id", "");
    r.ok = true;
    return r;
  }

  OpResult failed(OpResult& r, const std::string& method, const std::string& path, const net::Response& res) {
    r.ok = false;
    r.error = describeFailure(method, path, res);
    if (r.attempts > 1) r.error += " (after " + std::to_string(r.attempts) + " attempts)";
    return r;
  }

  // Looks for an owned object with this key (and monitor type) in a fresh list.
  bool findOwned(ObjKind kind, const std::string& key, const std::string& type, std::string& id, std::string& err) {
    Json j;
    std::string path = collection(kind);
    if (!getJson(path, j, err)) return false;
    if (!j.contains(listKey(kind)) || !j[listKey(kind)].is_array()) return false;
    for (const auto& wireForm : j[listKey(kind)]) {
      Json o;
      {
        std::lock_guard<std::mutex> lock(mu_);
        o = routingKind(kind) ? fromWire(kind, wireForm, names_) : wireForm;
      }
      if (objectKey(kind, o) != key) continue;
      if (matchedByType(kind) && o.value("type", "") != type) continue;
      std::string memo = o.contains("memo") && o["memo"].is_string() ? o["memo"].get<std::string>() : "";
      if (!hasOwnerMarker(memo)) continue;
      id = o.value("id", "");
      return true;
    }
    return false;
  }

  struct Known {
    std::string id;
    bool owned = false;
  };

  Options opts_;
  std::shared_ptr<net::Client> client_;  // logged (net::LoggingClient), sent once per call
  std::atomic<bool> stopped_{false};     // stopReading(): no further request goes out
  std::mutex mu_;                        // guards what follows: apply writes from several threads
  Names names_;                          // ids -> keys, from the last read and this run's creates
  std::map<ObjKind, std::multimap<std::string, Known>> known_;  // keys -> ids, likewise
  std::vector<std::string> secrets_;     // channel secrets sent: scrubbed from every message
};

}  // namespace

std::unique_ptr<Remote> makeRemote(std::shared_ptr<net::Client> client, Options opts) {
  return std::make_unique<MackerelRemote>(std::move(client), std::move(opts));
}

}  // namespace mon::engine::mackerel
