#pragma once
// What plan and apply need from a place that holds monitors and dashboards: read everything,
// create, update, delete. The Mackerel API (mackerel/remote.cpp) and the local directory
// target (local/local_remote.cpp) implement it; tests add fakes.
#include <string>
#include <vector>

#include "alerts.h"
#include "ir/ir.h"

namespace mon::engine {

using Json = ir::Json;

enum class ObjKind { Monitor, Dashboard, Channel, NotificationGroup, Downtime, AlertGroupSetting };
/// "monitor", "dashboard", "channel", "notification_group", "downtime", "alert_group_setting".
const char* kindName(ObjKind k);
/// The kind called `name` (as kindName spells it); false when there is none.
bool kindFromName(const std::string& name, ObjKind& out);
/// Objects of this kind are matched by key and type (a monitor's or channel's "type" cannot
/// change on the server): monitors and channels.
inline bool matchedByType(ObjKind k) { return k == ObjKind::Monitor || k == ObjKind::Channel; }
/// Objects of this kind name objects of other kinds by key (a notification group its channels
/// and monitors, a downtime or an alert group setting its monitors): apply creates them after, and deletes them before,
/// the objects they name.
bool namesOthers(ObjKind k);

/// One remote object as read (dashboards with their widgets).
struct RemoteObject {
  ObjKind kind;
  std::string id;
  Json body;
  /// Made ahead by a remote that reads on threads of its own, between answers, so that the plan
  /// does not wait for them once the last answer is in; otherwise empty, and diff() makes them:
  /// the backend's canonical form of `body` (DiffOptions::normalize) and fingerprint(body).
  Json canonical = nullptr;
  std::string fingerprint = {};
};

struct RemoteState {
  std::vector<RemoteObject> monitors;
  std::vector<RemoteObject> dashboards;
  // Who gets paged (Mackerel): empty for systems that keep no such objects.
  std::vector<RemoteObject> channels;
  std::vector<RemoteObject> notificationGroups;
  std::vector<RemoteObject> downtimes;
  std::vector<RemoteObject> alertGroupSettings;

  std::vector<RemoteObject>& of(ObjKind k);
  const std::vector<RemoteObject>& of(ObjKind k) const;
  /// Every list, in ObjKind order.
  std::vector<const std::vector<RemoteObject>*> lists() const;
};

inline constexpr ObjKind kAllObjKinds[] = {ObjKind::Monitor, ObjKind::Dashboard, ObjKind::Channel,
                                           ObjKind::NotificationGroup, ObjKind::Downtime,
                                           ObjKind::AlertGroupSetting};

/// The outcome of one write. `id` is the object's id after a create.
struct OpResult {
  bool ok = false;
  std::string id;
  std::string error;
  int attempts = 1;
  bool recovered = false;  // a lost create response was found again by its key
};

/// One write of a batch (Remote::writeBatch): a create (`key`, `body`), an update (`id`,
/// `body`) or a remove (`id`).
struct Write {
  enum What { Create, Update, Remove } what;
  ObjKind kind;
  std::string key;
  std::string id;
  const Json* body = nullptr;
};

class Remote {
 public:
  virtual ~Remote() = default;
  /// e.g. `mackerel "prod" (https://api.mackerelio.com/)`.
  virtual std::string describe() const = 0;
  /// Reads every monitor and every dashboard (with widgets). False with `err` on failure.
  virtual bool fetch(RemoteState& out, std::string& err) = 0;
  /// Asks a fetch running on another thread to send no further request: it then ends, with an
  /// error, once the requests in flight have. For a run that no longer wants what it reads (an
  /// early read whose source did not compile, early_read.h). The default does nothing.
  virtual void stopReading() {}
  /// Creates; `key` (monitor name or dashboard urlPath) lets an implementation find an
  /// object whose create succeeded but whose response was lost, instead of creating twice.
  virtual OpResult create(ObjKind kind, const std::string& key, const Json& body) = 0;
  virtual OpResult update(ObjKind kind, const std::string& id, const Json& body) = 0;
  virtual OpResult remove(ObjKind kind, const std::string& id) = 0;
  /// How many writes of one phase apply may hand over at once (writeBatch); 1, the default:
  /// one at a time. Places whose API takes many objects in one request say more.
  virtual size_t batchLimit() const { return 1; }
  /// Carries out `writes` (all creates, all updates or all removes) in as few requests as the
  /// place allows; one result per write, in order. The default writes them one by one. When a
  /// batched request fails, an implementation writes those objects again one by one, so that
  /// each error is reported on its own object.
  virtual std::vector<OpResult> writeBatch(const std::vector<Write>& writes);
  /// The alerts opened since `since` (Unix seconds), open and closed; pages older than that are
  /// not read. False with `err` when they cannot be read or the place keeps none.
  virtual bool alerts(int64_t /*since*/, std::vector<AlertEvent>& /*out*/, std::string& err) {
    err = describe() + " keeps no alert history";
    return false;
  }
};

/// The key an object is matched by: monitor name, dashboard urlPath, the name of the others.
std::string objectKey(ObjKind kind, const Json& body);

}  // namespace mon::engine
