#pragma once
// The engine's Remote (engine/remote.h) over the CloudWatch API: one remote "monitor" per
// metric alarm, keyed and identified by its AlarmName, as {name, type: "alarm", alarm:
// PutMetricAlarm parameters with Tags} (composite alarms: type "composite", PutCompositeAlarm
// parameters), and one remote "dashboard" per dashboard as {urlPath: its name, dashboard: its
// body}, owned when the body starts with monitorc's header (dashboard.h). Ownership is the tag managed-by=monitorc (read with
// ListTagsForResource); the engine's memo marker is how this Remote reports it.
#include <memory>

#include "cloudwatch/query_api.h"
#include "remote.h"

namespace mon::cloudwatch {

std::unique_ptr<engine::Remote> makeRemote(std::shared_ptr<Api> api, std::string targetName);

/// The canonical form of an alarm, as read or as sent (DiffOptions::normalize): the
/// PutMetricAlarm parameters with CloudWatch's defaults, numbers as numbers, dimensions
/// sorted, tags as an object.
ir::Json normalize(engine::ObjKind kind, const ir::Json& body);

/// An alarm of DescribeAlarms (toJson of one <member>) as the PutMetricAlarm parameters it
/// was written with, with `tags` ([{Key, Value}]).
ir::Json alarmParams(const ir::Json& described, const ir::Json& tags);
/// The same for a composite alarm (its PutCompositeAlarm parameters).
ir::Json compositeParams(const ir::Json& described, const ir::Json& tags);

}  // namespace mon::cloudwatch
