#pragma once
// A plan is data: what apply would do to one target, computed by diff() from the desired
// objects and the remote state, rendered by render.h and carried out by apply.h.
// docs/plan-json.md documents its JSON form (also the --out file).
#include <functional>
#include <map>
#include <string>
#include <utility>
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
/// absent (has* false). Text and markdown plans show the field in the source's words when the
/// backend gives them (`words` "response_time_critical", `beforeWords` "3s"); JSON plans keep
/// the API's `path`, `before` and `after` for machines and carry the words beside them.
struct FieldChange {
  FieldChange() = default;
  FieldChange(std::string p, Json b, Json a, bool hasB = true, bool hasA = true)
      : path(std::move(p)), before(std::move(b)), after(std::move(a)), hasBefore(hasB), hasAfter(hasA) {}
  std::string path;
  Json before;
  Json after;
  bool hasBefore = true;
  bool hasAfter = true;
  std::string words;        // the field as written in source ("" : show `path`)
  std::string beforeWords;  // a value as written in source ("" : show the JSON value)
  std::string afterWords;
};

/// A backend's words for one field of an object of kind `kind` (monitor type `type`): fills
/// FieldChange::words, beforeWords and afterWords. `before` and `after` are the compared
/// objects in canonical form (null for the side that does not exist), so a path such as
/// "widgets[2]" can be named by what is in it. False: the source never writes this field (it
/// follows from others, as a widget's type from its kind), so the fields a created or deleted
/// object lists leave it out; a change to it is still shown.
using FieldWords = std::function<bool(ObjKind kind, const std::string& type, const Json& before, const Json& after,
                                      FieldChange& field)>;

struct Change {
  Action action;
  ObjKind kind;
  std::string key;          // monitor name or dashboard urlPath
  std::string id;           // remote id (empty for creates)
  std::string type;         // monitor type, "" for dashboards
  std::string source;       // "file:line" of what made it: the block, or the outermost `use` of
                            // the template that holds the block ("" if none)
  std::string renamedFrom;  // the remote key, when matched through a previous name
  Json body;                // what create/update sends (marker included); null otherwise
  /// update/adopt: the changed fields; create: every field of the new object (no before);
  /// delete: every field of the removed object as read (no after).
  std::vector<FieldChange> fields;
  int op = -1;              // index in Plan::operations that carries it out (-1: the body is sent)
  std::string duplicateOf;  // delete: the id of the owned object with the same key that is kept
  std::string templateSource;  // "file:line" of the block inside the template, when a `use` made it
  std::string templateName;    // that template's name
};

struct Plan {
  std::string targetKind;  // a kind from the backends' registry ("mackerel", "prometheus", ...)
  std::string targetName;
  std::string where;       // for people: base URL, directory, "URL, folder F"
  /// What the backend records about the target's declaration (URL, directory, the name of the
  /// variable holding the key, never the key); `apply FILE` confirms each against the source.
  /// Opaque to the engine; written into the plan file's "target" object beside kind and name.
  Json settings = Json::object();
  /// The backend's writes in order when it applies by operations rather than by object bodies
  /// (docs/plan-json.md, "operations"); Change::op indexes it.
  Json operations = Json::array();
  bool prune = false;
  /// The source paths the plan was made from, as given (`apply FILE` without sources re-reads
  /// these to confirm the target; only relative paths inside the working directory are used).
  std::vector<std::string> sources;
  std::vector<Change> changes;  // sorted: kind, then key
  /// "<what>/<id>" -> fingerprint of every remote object read when planning ("monitor/<id>",
  /// "rule_file/<name>", "dashboard/<uid>" ...; each backend names its own).
  std::map<std::string, std::string> fingerprints;

  int count(Action a) const;
  /// True when apply would write anything.
  bool hasChanges() const;
};

/// A stable fingerprint of a remote object as read (hex of a 64-bit FNV-1a of its JSON).
std::string fingerprint(const Json& body);

}  // namespace mon::engine
