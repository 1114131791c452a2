#pragma once
// A plan is data: what apply would do to one target, computed by diff() from the desired
// objects and the remote state, rendered by render.h and carried out by apply.h.
// docs/plan-json.md documents its JSON form (also the --out file).
#include <map>
#include <string>
#include <vector>

#include "remote.h"

namespace mon::engine {

enum class Action {
  Create,    // in source, not remote
  Update,    // owned remote object differs from source
  Adopt,     // remote object with the same key but no ownership marker: apply takes it over
  Delete,    // owned, gone from source, --prune given
  Orphan,    // owned, gone from source, no --prune: listed, not touched
  Ignore,    // unowned and not in source: never touched
  NoChange,  // owned and equal
};
const char* actionName(Action a);  // "create", "update", "adopt", "delete", "orphan", "ignore", "no-change"

/// One changed field; `path` uses dots and [i] ("widgets[2].graph.name"). A missing side is
/// absent (has* false).
struct FieldChange {
  std::string path;
  Json before;
  Json after;
  bool hasBefore = true;
  bool hasAfter = true;
};

struct Change {
  Action action;
  ObjKind kind;
  std::string key;          // monitor name or dashboard urlPath
  std::string id;           // remote id (empty for creates)
  std::string type;         // monitor type, "" for dashboards
  std::string source;       // "file:line" of the source block ("" if none)
  std::string renamedFrom;  // the remote key, when matched through a previous name
  Json body;                // what create/update sends (marker included); null otherwise
  std::vector<FieldChange> fields;  // update/adopt: the changed fields
  int op = -1;              // prometheus/grafana: index in Plan::operations that carries it out
  std::string duplicateOf;  // delete: the id of the owned object with the same key that is kept
};

struct Plan {
  std::string targetKind;  // "mackerel", "local", "prometheus" or "grafana"
  std::string targetName;
  std::string where;       // base URL or directory
  std::string keyEnv;      // mackerel, grafana: the environment variable holding the key/token (never the key)
  // prometheus and grafana (direct_target.h): what apply needs besides `changes`.
  std::string url;         // base URL of Prometheus or Grafana
  std::string rulesDir;    // prometheus: the rules directory
  std::string folder;      // grafana: the folder uid
  /// The backend's writes in order (docs/plan-json.md, "operations"); Change::op indexes it.
  Json operations = Json::array();
  bool prune = false;
  /// The source paths the plan was made from, as given (`apply FILE` without sources re-reads
  /// these to confirm the target; only relative paths inside the working directory are used).
  std::vector<std::string> sources;
  std::vector<Change> changes;  // sorted: kind, then key
  /// "monitor/<id>" -> fingerprint of every remote object read when planning (direct targets:
  /// "rule_file/<name>", "dashboard/<uid>", "folder/<uid>", "rule_group/<name>", "alert_rule/<uid>").
  std::map<std::string, std::string> fingerprints;

  int count(Action a) const;
  /// True when apply would write anything.
  bool hasChanges() const;
};

/// A stable fingerprint of a remote object as read (hex of a 64-bit FNV-1a of its JSON).
std::string fingerprint(const Json& body);

}  // namespace mon::engine
