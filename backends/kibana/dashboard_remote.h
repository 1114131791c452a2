#pragma once
// Kibana dashboards as the engine's remote objects, through the saved objects API: one remote
// "dashboard" per dashboard saved object, keyed by its url_path (dashboards.h: the id is the
// url_path), as {urlPath, title, objects: its panels' saved objects then the dashboard}.
// Ownership is the reference to the tag monitorc-managed; the engine's memo marker is how this
// store reports it. Unowned objects are read and never written: a write whose ids are held by
// an object without the tag is refused before anything is sent.
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include "kibana/api.h"
#include "remote.h"

namespace mon::kibana {

class DashboardStore {
 public:
  DashboardStore(std::shared_ptr<Api> api, std::string space) : api_(std::move(api)), space_(std::move(space)) {}
  /// `GET /api/saved_objects/_find?type=dashboard` page by page, and the panels of the owned
  /// ones through `POST /api/saved_objects/_bulk_get`.
  bool fetch(std::vector<engine::RemoteObject>& out, std::string& err);
  /// `_import` without overwrite; when an earlier run's objects are there (a lost answer,
  /// kill -9), with overwrite, reported as recovered.
  engine::OpResult create(const ir::Json& body);
  /// `_import?overwrite=true`, then the panels the dashboard no longer has are deleted.
  engine::OpResult update(const std::string& id, const ir::Json& body);
  /// `DELETE /api/saved_objects/dashboard/ID` and its owned panels (404: already gone).
  engine::OpResult remove(const std::string& id);

 private:
  engine::OpResult write(const std::string& id, const std::vector<ir::Json>& objects, const std::set<std::string>& adoptable);
  std::vector<ir::Json> knownObjects(const std::string& id);

  std::shared_ptr<Api> api_;
  std::string space_;
  std::mutex mu_;
  std::map<std::string, std::vector<ir::Json>> known_;  // dashboard id -> its objects as read
};

/// The canonical form of a dashboard body, as read or as sent (DiffOptions::normalize).
ir::Json normalizeDashboard(const ir::Json& body);

}  // namespace mon::kibana
