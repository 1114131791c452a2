#include "cloudwatch/alarm_remote.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

#include "cloudwatch/dashboard.h"
#include "cloudwatch/mapping.h"
#include "ownership.h"

namespace mon::cloudwatch {

namespace {

using engine::ObjKind;
using engine::OpResult;
using engine::RemoteObject;
using engine::RemoteState;

const char* const kStrings[] = {"AlarmName", "MetricName", "Namespace", "Statistic", "ExtendedStatistic", "Unit",
                                "ComparisonOperator", "EvaluateLowSampleCountPercentile", "ThresholdMetricId",
                                "AlarmRule", "ActionsSuppressor"};
const char* const kNumbers[] = {"Period", "EvaluationPeriods", "DatapointsToAlarm", "Threshold", "ActionsSuppressorWaitPeriod",
                                "ActionsSuppressorExtensionPeriod"};
const char* const kActionLists[] = {"OKActions", "AlarmActions", "InsufficientDataActions"};

Json number(const Json& v) {
  double d = 0;
  if (v.is_number()) d = v.get<double>();
  else if (v.is_string()) {
    try {
      d = std::stod(v.get<std::string>());
    } catch (...) {
      return v;
    }
  } else {
    return v;
  }
  if (std::floor(d) == d && std::fabs(d) < 1e15) return static_cast<long long>(d);
  return d;
}

Json boolean(const Json& v, bool dflt) {
  if (v.is_boolean()) return v;
  if (v.is_string()) return v.get<std::string>() == "true";
  return dflt;
}

Json dimensions(const Json& dims) {
  std::vector<std::pair<std::string, std::string>> v;
  if (dims.is_array())
    for (const auto& d : dims)
      if (d.is_object()) v.emplace_back(d.value("Name", ""), d.value("Value", ""));
  std::sort(v.begin(), v.end());
  Json out = Json::array();
  for (auto& [n, val] : v) out.push_back({{"Name", n}, {"Value", val}});
  return out;
}

Json metricQuery(const Json& q) {
  if (!q.is_object()) return q;
  Json out = Json::object();
  for (const char* k : {"Id", "Expression", "Label", "AccountId"})
    if (q.contains(k)) out[k] = q[k];
  out["ReturnData"] = boolean(q.value("ReturnData", Json(true)), true);
  if (q.contains("Period")) out["Period"] = number(q["Period"]);
  if (q.contains("MetricStat") && q["MetricStat"].is_object()) {
    const Json& ms = q["MetricStat"];
    Json m = ms.value("Metric", Json::object());
    Json metric = {{"Namespace", m.value("Namespace", Json(""))}, {"MetricName", m.value("MetricName", Json(""))},
                   {"Dimensions", dimensions(m.value("Dimensions", Json::array()))}};
    Json stat = {{"Metric", metric}, {"Period", number(ms.value("Period", Json(0)))}, {"Stat", ms.value("Stat", Json(""))}};
    if (ms.contains("Unit")) stat["Unit"] = ms["Unit"];
    out["MetricStat"] = stat;
  }
  return out;
}

// Tags by key, in key order: CloudWatch lists them in an order of its own, and two objects
// with the same members in another order differ for the diff.
Json tagsObject(const Json& tags) {
  std::map<std::string, std::string> sorted;
  if (tags.is_array())
    for (const auto& t : tags)
      if (t.is_object()) sorted[t.value("Key", "")] = t.value("Value", "");
  Json out = Json::object();
  for (auto& [k, v] : sorted) out[k] = v;
  return out;
}

std::string tagValue(const Json& tags, const std::string& key) {
  Json o = tagsObject(tags);
  return o.contains(key) && o[key].is_string() ? o[key].get<std::string>() : "";
}

Json canonical(const Json& p) {
  Json out = Json::object();
  for (const char* k : kStrings)
    if (p.contains(k) && !p[k].is_null()) out[k] = p[k];
  out["AlarmDescription"] = p.value("AlarmDescription", Json(""));
  out["ActionsEnabled"] = boolean(p.value("ActionsEnabled", Json(true)), true);
  for (const char* k : kActionLists) {
    Json l = p.value(k, Json::array());
    if (l.is_array()) std::sort(l.begin(), l.end());
    out[k] = l;
  }
  for (const char* k : kNumbers)
    if (p.contains(k)) out[k] = number(p[k]);
  if (!out.contains("DatapointsToAlarm") && out.contains("EvaluationPeriods")) out["DatapointsToAlarm"] = out["EvaluationPeriods"];
  if (!p.contains("AlarmRule")) out["TreatMissingData"] = p.value("TreatMissingData", Json("missing"));
  if (p.contains("Dimensions") || p.contains("MetricName")) out["Dimensions"] = dimensions(p.value("Dimensions", Json::array()));
  if (p.contains("Metrics") && p["Metrics"].is_array()) {
    Json ms = Json::array();
    for (const auto& q : p["Metrics"]) ms.push_back(metricQuery(q));
    out["Metrics"] = ms;
  }
  out["Tags"] = tagsObject(p.value("Tags", Json::array()));
  return out;
}

struct Known {
  std::string arn;
  Json tags;  // [{Key, Value}] as read
};

class AlarmRemote : public engine::Remote {
 public:
  AlarmRemote(std::shared_ptr<Api> api, std::string target) : api_(std::move(api)), target_(std::move(target)) {}

  std::string describe() const override {
    return "cloudwatch \"" + target_ + "\" (" + api_->endpoint() + ", " + api_->region() + ")";
  }

  bool fetch(RemoteState& out, std::string& err) override {
    std::map<std::string, Known> known;
    std::string next;
    do {
      Json params = {{"AlarmTypes", Json::array({"MetricAlarm", "CompositeAlarm"})}, {"MaxRecords", 100}};
      if (!next.empty()) params["NextToken"] = next;
      XmlNode r;
      if (!api_->call("DescribeAlarms", params, r, err)) return false;
      next = r.childText("NextToken");
      for (const char* listName : {"MetricAlarms", "CompositeAlarms"}) {
        const XmlNode* list = r.child(listName);
        if (!list) continue;
        bool composite = std::string(listName) == "CompositeAlarms";
        for (const auto& member : list->children) {
          Json a = toJson(member);
          if (!a.is_object()) continue;
          std::string name = a.value("AlarmName", ""), arn = a.value("AlarmArn", "");
          Json tags;
          if (!tagsOf(arn, tags, err)) return false;
          known[name] = {arn, tags};
          Json body = {{"name", name}, {"type", composite ? kCompositeType : "alarm"},
                       {"alarm", composite ? compositeParams(a, tags) : alarmParams(a, tags)}};
          if (tagValue(tags, kOwnerTag) == kOwnerValue) body["memo"] = std::string(engine::kOwnerMarker);
          out.monitors.push_back({ObjKind::Monitor, name, std::move(body)});
        }
      }
    } while (!next.empty());
    if (!fetchDashboards(out, err)) return false;
    std::lock_guard<std::mutex> lock(mu_);
    known_ = std::move(known);
    return true;
  }

  OpResult create(ObjKind kind, const std::string& key, const Json& body) override {
    OpResult r;
    if (kind == ObjKind::Dashboard) return createDashboard(key, body);
    Json params = body.value("alarm", Json::object());
    std::string name = params.value("AlarmName", key);
    const std::string put = putAction(params);
    // A put overwrites an alarm of the same name: one made since the plan read the target is
    // taken only when it is owned (a create whose answer was lost).
    XmlNode d;
    if (!api_->call("DescribeAlarms", {{"AlarmNames", Json::array({name})}, {"AlarmTypes", Json::array({"MetricAlarm", "CompositeAlarm"})}},
                    d, r.error))
      return r;
    const XmlNode* list = d.child("MetricAlarms");
    if (!list || list->children.empty()) list = d.child("CompositeAlarms");
    if (list && !list->children.empty()) {
      Json a = toJson(list->children.front());
      Json tags;
      if (!tagsOf(a.value("AlarmArn", ""), tags, r.error)) return r;
      if (tagValue(tags, kOwnerTag) != kOwnerValue)
        return (r.error = "alarm '" + name + "' exists and is not owned by monitorc (no tag " + kOwnerTag + "=" + kOwnerValue + ")", r);
      r.recovered = true;
      if (!syncTags(a.value("AlarmArn", ""), tags, params.value("Tags", Json::array()), r.error)) return r;
      Json untagged = params;
      untagged.erase("Tags");
      if (!api_->call(put, untagged, d, r.error)) return r;
    } else if (!api_->call(put, params, d, r.error)) {
      return r;
    }
    r.id = name;
    r.ok = true;
    return r;
  }

  OpResult update(ObjKind kind, const std::string& id, const Json& body) override {
    OpResult r;
    r.id = id;
    if (kind == ObjKind::Dashboard) return putDashboard(id, body, r);
    Known k;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = known_.find(id);
      if (kind != ObjKind::Monitor || it == known_.end()) return (r.error = "alarm '" + id + "' is not on the target as last read", r);
      k = it->second;
    }
    Json params = body.value("alarm", Json::object());
    std::string name = params.value("AlarmName", id);
    XmlNode d;
    if (name != id) {
      // A rename: a new alarm (with its tags), then the old one goes.
      if (!api_->call(putAction(params), params, d, r.error)) return r;
      if (!api_->call("DeleteAlarms", {{"AlarmNames", Json::array({id})}}, d, r.error)) return r;
      r.id = name;
      r.ok = true;
      return r;
    }
    // PutMetricAlarm ignores Tags on an existing alarm: they are set with TagResource. The
    // ownership tag goes first, so an adopted alarm is owned before it changes.
    if (!syncTags(k.arn, k.tags, params.value("Tags", Json::array()), r.error)) return r;
    params.erase("Tags");
    if (!api_->call(putAction(params), params, d, r.error)) return r;
    r.ok = true;
    return r;
  }

  OpResult remove(ObjKind kind, const std::string& id) override {
    OpResult r;
    r.id = id;
    XmlNode d;
    if (kind == ObjKind::Dashboard ? !api_->call("DeleteDashboards", {{"DashboardNames", Json::array({id})}}, d, r.error)
                                   : !api_->call("DeleteAlarms", {{"AlarmNames", Json::array({id})}}, d, r.error)) {
      // Already gone (a run that was stopped after its delete): nothing left to do.
      if (r.error.find("ResourceNotFound") == std::string::npos) return r;
      r.error.clear();
    }
    r.ok = true;
    return r;
  }

 private:
  static std::string putAction(const Json& params) { return params.contains("AlarmRule") ? "PutCompositeAlarm" : "PutMetricAlarm"; }

  // Every dashboard of the account (ListDashboards, then GetDashboard each): owned when its
  // body starts with monitorc's header widget, whose last line is the ownership marker.
  bool fetchDashboards(RemoteState& out, std::string& err) {
    std::string next;
    std::vector<std::string> names;
    do {
      Json params = Json::object();
      if (!next.empty()) params["NextToken"] = next;
      XmlNode r;
      if (!api_->call("ListDashboards", params, r, err)) return false;
      next = r.childText("NextToken");
      if (const XmlNode* list = r.child("DashboardEntries"))
        for (const auto& m : list->children) names.push_back(m.childText("DashboardName"));
    } while (!next.empty());
    for (const auto& name : names) {
      Json body;
      bool found = false;
      if (!getDashboard(name, body, found, err)) return false;
      if (found) out.dashboards.push_back({ObjKind::Dashboard, name, dashboardObject(name, body)});
    }
    return true;
  }

  bool getDashboard(const std::string& name, Json& body, bool& found, std::string& err) {
    XmlNode r;
    found = false;
    if (!api_->call("GetDashboard", {{"DashboardName", name}}, r, err)) {
      // Deleted between the listing and this read: not there.
      if (err.find("ResourceNotFound") == std::string::npos) return false;
      err.clear();
      return true;
    }
    found = true;
    std::string text = r.childText("DashboardBody");
    body = Json::parse(text, nullptr, false);
    if (body.is_discarded()) body = text;  // kept as read: not a body monitorc wrote
    return true;
  }

  static Json dashboardObject(const std::string& name, const Json& body) {
    Json o = {{"urlPath", name}, {"dashboard", body}};
    std::string title, memo;
    if (body.is_object() && body.contains("widgets") && body["widgets"].is_array() && !body["widgets"].empty() &&
        readHeader(body["widgets"][0], title, memo))
      o["memo"] = std::string(engine::kOwnerMarker);
    return o;
  }

  OpResult createDashboard(const std::string& name, const Json& body) {
    OpResult r;
    // PutDashboard replaces a dashboard of the same name: one made since the plan is taken
    // only when it is monitorc's (a create whose answer was lost).
    Json have;
    bool found = false;
    if (!getDashboard(name, have, found, r.error)) return r;
    if (found) {
      if (!dashboardObject(name, have).contains("memo"))
        return (r.error = "dashboard '" + name + "' exists and is not owned by monitorc (its body has no monitorc header)", r);
      r.recovered = true;
    }
    return putDashboard(name, body, r);
  }

  OpResult putDashboard(const std::string& name, const Json& body, OpResult& r) {
    r.id = name;
    XmlNode d;
    if (!api_->call("PutDashboard", {{"DashboardName", name}, {"DashboardBody", body.value("dashboard", Json::object()).dump()}}, d, r.error))
      return r;
    r.ok = true;
    return r;
  }

  bool tagsOf(const std::string& arn, Json& tags, std::string& err) {
    XmlNode t;
    if (!api_->call("ListTagsForResource", {{"ResourceARN", arn}}, t, err)) return false;
    const XmlNode* list = t.child("Tags");
    tags = list ? toJson(*list) : Json::array();
    if (!tags.is_array()) tags = Json::array();
    return true;
  }

  bool syncTags(const std::string& arn, const Json& have, const Json& want, std::string& err) {
    Json h = tagsObject(have), w = tagsObject(want);
    XmlNode d;
    if (h != w) {
      Json add = Json::array();
      // managed-by first: TagResource applies them together, but the order documents intent.
      for (auto it = w.begin(); it != w.end(); ++it) add.push_back({{"Key", it.key()}, {"Value", it.value()}});
      if (!add.empty() && !api_->call("TagResource", {{"ResourceARN", arn}, {"Tags", add}}, d, err)) return false;
      Json gone = Json::array();
      for (auto it = h.begin(); it != h.end(); ++it)
        if (!w.contains(it.key())) gone.push_back(it.key());
      if (!gone.empty() && !api_->call("UntagResource", {{"ResourceARN", arn}, {"TagKeys", gone}}, d, err)) return false;
    }
    return true;
  }

  std::shared_ptr<Api> api_;
  std::string target_;
  std::mutex mu_;
  std::map<std::string, Known> known_;
};

}  // namespace

Json alarmParams(const Json& a, const Json& tags) {
  Json p = Json::object();
  for (auto it = a.begin(); it != a.end(); ++it)
    if (isAlarmParameter(it.key())) p[it.key()] = it.value();
  p["Tags"] = tags;
  return p;
}

Json compositeParams(const Json& a, const Json& tags) {
  Json p = Json::object();
  for (auto it = a.begin(); it != a.end(); ++it)
    if (isCompositeParameter(it.key())) p[it.key()] = it.value();
  p["Tags"] = tags;
  return p;
}

Json normalize(ObjKind kind, const Json& body) {
  if (kind == ObjKind::Dashboard)
    return {{"urlPath", body.value("urlPath", Json(""))}, {"dashboard", canonicalDashboard(body.value("dashboard", Json::object()))}};
  return {{"name", body.value("name", Json(""))}, {"alarm", canonical(body.value("alarm", Json::object()))}};
}

std::unique_ptr<engine::Remote> makeRemote(std::shared_ptr<Api> api, std::string targetName) {
  return std::make_unique<AlarmRemote>(std::move(api), std::move(targetName));
}

}  // namespace mon::cloudwatch
