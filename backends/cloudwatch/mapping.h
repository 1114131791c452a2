#pragma once
// One monitor as CloudWatch metric alarms, as PutMetricAlarm takes them (API parameter names,
// JSON values). Build writes them, plan compares them, apply sends them (alarm_remote.cpp).
#include <string>
#include <vector>

#include "cloudwatch/cloudwatch.h"
#include "ir/ir.h"

namespace mon::cloudwatch {

using Json = ir::Json;

/// Tags on every alarm monitorc writes: ownership (an alarm without it is never changed or
/// deleted), the monitor it belongs to and the threshold it checks.
inline constexpr const char* kOwnerTag = "managed-by";
inline constexpr const char* kOwnerValue = "monitorc";
inline constexpr const char* kMonitorTag = "monitorc-monitor";
inline constexpr const char* kSeverityTag = "monitorc-severity";

/// The remote object type of a composite alarm (metric alarms are "alarm").
inline constexpr const char* kCompositeType = "composite";
/// `raw.AlarmType = "CompositeAlarm"` makes a query monitor a composite alarm: its query is the
/// AlarmRule (CloudWatch's own word for the kind, as DescribeAlarms' AlarmTypes spells it).
inline constexpr const char* kCompositeAlarmType = "CompositeAlarm";

struct Dropped {
  std::string field;
  std::string why;
};

/// One alarm: `name` is its AlarmName, `params` the PutMetricAlarm parameters (Tags included);
/// a composite alarm's are PutCompositeAlarm's (they have an AlarmRule).
struct Alarm {
  std::string name;
  Json params;
};

/// A monitor on a target: its alarms (critical first), or `whyNot` when the target cannot
/// express it, and the fields it drops.
struct Translation {
  std::vector<Alarm> alarms;
  std::string whyNot;
  std::vector<Dropped> dropped;
};

Translation translate(const ir::Monitor& m, const TargetSettings& s);

/// The alarm name of a monitor's threshold: "NAME (critical)", "NAME (warning)".
std::string alarmName(const std::string& monitor, const std::string& severity);

/// "" when `params` are PutMetricAlarm parameters CloudWatch would take, else why not (the
/// limits of the API reference: name and description lengths, one of a metric or Metrics,
/// Statistic or ExtendedStatistic, one returned series, DatapointsToAlarm <= EvaluationPeriods ...).
std::string checkAlarm(const Json& params);

/// The PutMetricAlarm parameters the mapping and `raw` may set.
bool isAlarmParameter(const std::string& name);
/// The PutCompositeAlarm parameters.
bool isCompositeParameter(const std::string& name);

/// "" when `params` are PutCompositeAlarm parameters CloudWatch would take (a rule of 1 to
/// 10240 characters, the name and description lengths, 5 actions a list, both suppressor
/// periods with a suppressor), else why not.
std::string checkComposite(const Json& params);

}  // namespace mon::cloudwatch
