#pragma once
// New Relic dashboards through NerdGraph, for the engine's Remote (condition_remote.cpp hands
// dashboards here): the account's dashboards found with entitySearch (pages, which are
// dashboard entities too, left out), read 25 at a time with actor.entities, written with
// dashboardCreate / dashboardUpdate / dashboardDelete. A dashboard's remote body is
// {urlPath: its name (the key dashboards are matched by), name, dashboard: the DashboardInput,
// memo: the marker when its description ends with it}. Documents pass every value as a
// variable.
#include <map>
#include <memory>
#include <mutex>

#include "newrelic/nerdgraph.h"
#include "remote.h"

namespace mon::newrelic {

class DashboardStore {
 public:
  DashboardStore(std::shared_ptr<Api> api, int64_t accountId) : api_(std::move(api)), account_(accountId) {}
  bool fetch(std::vector<engine::RemoteObject>& out, std::string& err);
  engine::OpResult create(const std::string& key, const ir::Json& body);
  engine::OpResult update(const std::string& guid, const ir::Json& body);
  engine::OpResult remove(const std::string& guid);

 private:
  bool findByName(const std::string& name, std::string& guid, std::string& err);
  bool search(const std::string& name, std::vector<std::string>& guids, std::string& err);
  std::shared_ptr<Api> api_;
  int64_t account_;
};

/// A dashboard entity as read, as the DashboardInput that would write it.
ir::Json dashboardInput(const ir::Json& entity);

extern const char* const kDashboardSearch;
extern const char* const kDashboardRead;
extern const char* const kDashboardCreate;
extern const char* const kDashboardUpdate;
extern const char* const kDashboardDelete;

}  // namespace mon::newrelic
