// `monitorc import cloudwatch FILE...`: what the AWS CLI prints for `aws cloudwatch
// describe-alarms` (MetricAlarms and CompositeAlarms) and `get-dashboard` (a DashboardBody), as
// the source that builds the same alarms and dashboard (pull.cpp, dashboard_source.cpp write it).
// describe-alarms prints no tags, so imported alarms have no labels; each keeps its own name
// (raw.AlarmName unless it is "NAME (critical)" or "NAME (warning)") and its actions (raw), so
// a plan of the imported source on a target adopts the alarms as they are.
#include "cloudwatch/import.h"

#include "cloudwatch/alarm_remote.h"
#include "cloudwatch/dashboard_source.h"
#include "cloudwatch/pull.h"
#include "cloudwatch/mapping.h"

namespace mon::cloudwatch {

using Json = ir::Json;

bool importFile(const std::string& text, std::string& source, std::vector<std::string>& warnings, std::string& error) {
  Json doc = Json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    error = "not JSON as `aws cloudwatch describe-alarms` or `get-dashboard` prints it";
    return false;
  }
  if (doc.contains("DashboardBody")) {
    if (!doc["DashboardBody"].is_string() || !doc.contains("DashboardName") || !doc["DashboardName"].is_string()) {
      error = "a get-dashboard answer has DashboardName and DashboardBody as strings";
      return false;
    }
    Json body = Json::parse(doc["DashboardBody"].get<std::string>(), nullptr, false);
    if (body.is_discarded()) {
      error = "DashboardBody is not JSON";
      return false;
    }
    source = dashboardSource(doc["DashboardName"].get<std::string>(), body, "", warnings);
    if (source.empty()) return (error = "the dashboard could not be written as source", false);
    return true;
  }
  if (!doc.contains("MetricAlarms") && !doc.contains("CompositeAlarms")) {
    error = "neither MetricAlarms nor CompositeAlarms (describe-alarms) nor DashboardBody (get-dashboard)";
    return false;
  }
  engine::RemoteState state;
  for (const char* list : {"MetricAlarms", "CompositeAlarms"}) {
    const Json& alarms = doc.value(list, Json::array());
    if (!alarms.is_array()) return (error = std::string(list) + " is not a list", false);
    bool composite = std::string(list) == "CompositeAlarms";
    for (const auto& a : alarms) {
      if (!a.is_object() || !a.contains("AlarmName") || !a["AlarmName"].is_string()) {
        warnings.push_back(std::string(list) + ": an entry without an AlarmName was skipped");
        continue;
      }
      std::string name = a["AlarmName"].get<std::string>();
      Json params = composite ? compositeParams(a, Json::array()) : alarmParams(a, Json::array());
      state.monitors.push_back({engine::ObjKind::Monitor, name, {{"name", name}, {"type", composite ? kCompositeType : "alarm"}, {"alarm", params}}});
    }
  }
  TargetSettings none;  // no target: no `targets`, actions kept in raw
  source = pullSource(state, false, none, warnings);
  return true;
}

}  // namespace mon::cloudwatch
