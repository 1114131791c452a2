#include "mackerel/api_remote.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "net/decorators.h"
#include "ownership.h"

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

  // The monitor list is read on a thread of its own while the dashboard list and then each
  // dashboard by id (the list lacks widgets) are read by up to readParallel - 1 workers, so a
  // plan waits for about requests / readParallel round trips rather than one per request.
  bool fetch(RemoteState& out, std::string& err) override {
    const size_t parallel = std::max<size_t>(1, opts_.readParallel);
    Json monitors;
    std::string monitorsErr;
    bool monitorsOk = false;
    auto readMonitors = [&] { monitorsOk = getJson("/api/v0/monitors", monitors, monitorsErr); };
    std::thread monitorsThread;
    if (parallel > 1) monitorsThread = std::thread(readMonitors);
    std::string dashboardsErr;
    bool dashboardsOk = readDashboards(out, parallel > 1 ? parallel - 1 : 1, dashboardsErr);
    if (monitorsThread.joinable()) monitorsThread.join();
    else readMonitors();
    // The monitors' error first, as when the lists were read one after the other.
    if (!monitorsOk) return fail(err, monitorsErr);
    if (!monitors.contains("monitors") || !monitors["monitors"].is_array())
      return fail(err, "GET /api/v0/monitors: no 'monitors' list in the answer");
    if (!dashboardsOk) return fail(err, dashboardsErr);
    for (auto& m : monitors["monitors"]) out.monitors.push_back({ObjKind::Monitor, m.value("id", ""), std::move(m)});
    return true;
  }

  OpResult create(ObjKind kind, const std::string& key, const Json& body) override {
    OpResult r;
    std::string path = collection(kind);
    net::Retrier retry(opts_.retry);
    for (r.attempts = 1;; ++r.attempts) {
      net::Response res = send("POST", path, body.dump());
      if (res.ok()) return created(res, r);
      bool unknownOutcome = !res.transport.empty() || res.status >= 500;
      bool conflict = kind == ObjKind::Dashboard && res.status == 409;
      if (unknownOutcome || conflict) {
        // The create may have happened (lost response) or the key may exist: look before retrying.
        std::string id, err;
        if (findOwned(kind, key, body.value("type", ""), id, err)) {
          r.ok = true;
          r.id = id;
          r.recovered = true;
          return r;
        }
        if (conflict) return failed(r, "POST", path, res);
      }
      if (!retry.again(res)) return failed(r, "POST", path, res);
    }
  }

  OpResult update(ObjKind kind, const std::string& id, const Json& body) override {
    OpResult r;
    std::string path = collection(kind) + "/" + id;
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
  // The dashboard list, then each dashboard by id on up to `workers` threads.
  bool readDashboards(RemoteState& out, size_t workers, std::string& err) {
    Json j;
    if (!getJson("/api/v0/dashboards", j, err)) return false;
    if (!j.contains("dashboards") || !j["dashboards"].is_array())
      return fail(err, "GET /api/v0/dashboards: no 'dashboards' list in the answer");
    const Json& items = j["dashboards"];
    out.dashboards.resize(items.size());
    std::vector<std::string> errors(items.size());
    std::atomic<size_t> next{0};
    auto worker = [&] {
      for (size_t i; (i = next++) < items.size();) {
        std::string id = items[i].value("id", "");
        out.dashboards[i] = {ObjKind::Dashboard, id, Json()};
        getJson("/api/v0/dashboards/" + id, out.dashboards[i].body, errors[i]);
      }
    };
    std::vector<std::thread> threads;
    for (size_t t = 1; t < std::min(workers, items.size()); ++t) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();
    for (const auto& e : errors)
      if (!e.empty()) return fail(err, e);
    return true;
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

  static std::string collection(ObjKind k) { return k == ObjKind::Monitor ? "/api/v0/monitors" : "/api/v0/dashboards"; }
  static bool fail(std::string& err, std::string msg) {
    err = std::move(msg);
    return false;
  }

  // Removes the key from any text that could reach the user.
  std::string redact(std::string s) const { return net::redact(std::move(s), {opts_.apiKey}); }

  std::string describeFailure(const std::string& method, const std::string& path, const net::Response& res) const {
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
    const char* listKey = kind == ObjKind::Monitor ? "monitors" : "dashboards";
    if (!j.contains(listKey) || !j[listKey].is_array()) return false;
    for (const auto& o : j[listKey]) {
      if (objectKey(kind, o) != key) continue;
      if (kind == ObjKind::Monitor && o.value("type", "") != type) continue;
      std::string memo = o.contains("memo") && o["memo"].is_string() ? o["memo"].get<std::string>() : "";
      if (!hasOwnerMarker(memo)) continue;
      id = o.value("id", "");
      return true;
    }
    return false;
  }

  Options opts_;
  std::shared_ptr<net::Client> client_;  // logged (net::LoggingClient), sent once per call
};

}  // namespace

std::unique_ptr<Remote> makeRemote(std::shared_ptr<net::Client> client, Options opts) {
  return std::make_unique<MackerelRemote>(std::move(client), std::move(opts));
}

}  // namespace mon::engine::mackerel
