#include "mackerel/local_remote.h"

#include <iostream>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>

#include "mackerel/normalize.h"
#include "support/file_lock.h"
#include "support/files.h"

namespace mon::engine::local {

namespace {

namespace fs = std::filesystem;

std::string newId() {
  static const char kChars[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string id;
  for (int i = 0; i < 11; ++i) id += kChars[rng() % 62];
  return id;
}

int64_t now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class LocalRemote : public Remote {
 public:
  LocalRemote(std::string name, std::string dir, FileLock lock)
      : name_(std::move(name)), dir_(std::move(dir)), lock_(std::move(lock)) {}

  std::string describe() const override { return "local \"" + name_ + "\" (" + dir_ + ")"; }

  bool fetch(RemoteState& out, std::string& err) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!load(err)) return false;
    for (const auto& m : monitors_) out.monitors.push_back({ObjKind::Monitor, m.value("id", ""), m});
    for (const auto& d : dashboards_) out.dashboards.push_back({ObjKind::Dashboard, d.value("id", ""), d});
    return true;
  }

  OpResult create(ObjKind kind, const std::string& key, const Json& body) override {
    std::lock_guard<std::mutex> lock(mu_);
    OpResult r;
    if (!load(r.error)) return r;
    Json stored;
    if (!accept(kind, body, nullptr, stored, r.error)) return r;
    stored["id"] = r.id = newId();
    if (kind == ObjKind::Dashboard) stored["createdAt"] = stored["updatedAt"] = now();
    list(kind).push_back(ordered(kind, stored));
    r.ok = save(r.error);
    return r;
  }

  OpResult update(ObjKind kind, const std::string& id, const Json& body) override {
    std::lock_guard<std::mutex> lock(mu_);
    OpResult r;
    if (!load(r.error)) return r;
    Json* existing = find(kind, id);
    if (!existing) {
      r.error = std::string(kindName(kind)) + " " + id + " not found";
      return r;
    }
    Json stored;
    if (!accept(kind, body, existing, stored, r.error)) return r;
    stored["id"] = id;
    if (kind == ObjKind::Dashboard) {
      stored["createdAt"] = (*existing).value("createdAt", now());
      stored["updatedAt"] = now();
    }
    *existing = ordered(kind, stored);
    r.id = id;
    r.ok = save(r.error);
    return r;
  }

  OpResult remove(ObjKind kind, const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu_);
    OpResult r;
    if (!load(r.error)) return r;
    auto& l = list(kind);
    for (auto it = l.begin(); it != l.end(); ++it)
      if (it->value("id", "") == id) {
        l.erase(it);
        break;
      }
    r.id = id;
    r.ok = save(r.error);
    return r;
  }

 private:
  std::vector<Json>& list(ObjKind k) { return k == ObjKind::Monitor ? monitors_ : dashboards_; }

  Json* find(ObjKind k, const std::string& id) {
    for (auto& o : list(k))
      if (o.value("id", "") == id) return &o;
    return nullptr;
  }

  // Checks what the service would refuse and fills in what it would add.
  bool accept(ObjKind kind, const Json& body, const Json* existing, Json& out, std::string& err) {
    if (!body.is_object()) return (err = "body must be a JSON object", false);
    out = body;
    out.erase("id");
    if (kind == ObjKind::Monitor) {
      std::string type = out.value("type", "");
      if (type.empty()) return (err = "type is required", false);
      if (existing && existing->value("type", "") != type)
        return (err = "type cannot be changed (from '" + existing->value("type", "") + "' to '" + type + "')", false);
      if (type != "connectivity" && out.value("name", "").empty()) return (err = "name is required", false);
      // PUT keeps alertStatusOnGone and headers when omitted, like the API.
      for (const char* keep : {"alertStatusOnGone", "headers"})
        if (existing && (!out.contains(keep) || out[keep].is_null()) && existing->contains(keep)) out[keep] = (*existing)[keep];
      for (auto it = out.begin(); it != out.end();)
        it = it.value().is_null() && it.key() != "warning" && it.key() != "critical" ? out.erase(it) : std::next(it);
      out = mackerel::withServerDefaults(out);
      return true;
    }
    std::string path = out.value("urlPath", "");
    if (path.empty() || out.value("title", "").empty()) return (err = "title and urlPath are required", false);
    for (const auto& d : dashboards_)
      if (d.value("urlPath", "") == path && (!existing || d.value("id", "") != existing->value("id", "")))
        return (err = "urlPath '" + path + "' is already in use (409)", false);
    if (!out.contains("widgets") || out["widgets"].is_null()) out["widgets"] = Json::array();
    if (!out.contains("memo") || out["memo"].is_null()) out["memo"] = "";
    for (auto& w : out["widgets"]) {
      std::string t = w.value("type", "");
      if (t == "graph" && !w.contains("referenceLines")) w["referenceLines"] = Json::array();
      if (t == "value" && !w.contains("formatRules")) w["formatRules"] = Json::array();
    }
    return true;
  }

  // id first, like the API's answers.
  static Json ordered(ObjKind kind, const Json& j) {
    Json out = Json::object();
    out["id"] = j["id"];
    for (auto it = j.begin(); it != j.end(); ++it)
      if (it.key() != "id") out[it.key()] = it.value();
    return out;
  }

  fs::path file(ObjKind k) const { return fs::path(dir_) / (k == ObjKind::Monitor ? "monitors.json" : "dashboards.json"); }

  bool loadOne(ObjKind k, std::vector<Json>& out, std::string& err) {
    out.clear();
    std::ifstream in(file(k), std::ios::binary);
    if (!in) return true;  // a fresh directory is an empty service
    std::stringstream ss;
    ss << in.rdbuf();
    Json j = Json::parse(ss.str(), nullptr, false);
    const char* key = k == ObjKind::Monitor ? "monitors" : "dashboards";
    if (j.is_discarded() || !j.is_object() || !j.contains(key) || !j[key].is_array())
      return (err = file(k).string() + ": not a local target file (expected {\"" + key + "\": [...]})", false);
    for (auto& o : j[key]) out.push_back(std::move(o));
    return true;
  }

  bool load(std::string& err) { return loadOne(ObjKind::Monitor, monitors_, err) && loadOne(ObjKind::Dashboard, dashboards_, err); }

  bool saveOne(ObjKind k, const std::vector<Json>& objs, std::string& err) {
    const char* key = k == ObjKind::Monitor ? "monitors" : "dashboards";
    Json j = Json::object();
    j[key] = Json::array();
    for (const auto& o : objs) j[key].push_back(o);
    return writeFileAtomic(file(k).string(), j.dump(2) + "\n", err);
  }

  bool save(std::string& err) { return saveOne(ObjKind::Monitor, monitors_, err) && saveOne(ObjKind::Dashboard, dashboards_, err); }

  std::string name_;
  std::string dir_;
  FileLock lock_;  // held for the Remote's whole life
  std::mutex mu_;
  std::vector<Json> monitors_;
  std::vector<Json> dashboards_;
};

}  // namespace

std::unique_ptr<Remote> makeRemote(const std::string& targetName, const std::string& dir, std::string& err) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::string path = (fs::path(dir) / ".monitorc.lock").string();
  // No time limit: the holder may be waiting for someone to confirm its plan.
  FileLock lock;
  if (!lockFile(path, std::chrono::milliseconds(0),
                [&] {
                  std::cerr << "monitorc: waiting for '" << path << "' (another monitorc is using local target \""
                            << targetName << "\")\n";
                },
                lock, err))
    return nullptr;
  return std::make_unique<LocalRemote>(targetName, dir, std::move(lock));
}

}  // namespace mon::engine::local
