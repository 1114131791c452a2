#pragma once
// The Amazon CloudWatch backend: every monitor for a `target cloudwatch` becomes one metric
// alarm per threshold (CloudWatch alarms have one threshold each), written with PutMetricAlarm
// and owned through the tag managed-by=monitorc; plan/apply/prune through the CloudWatch API's
// query protocol, signed with AWS Signature Version 4 (target_kind.cpp, alarm_remote.cpp).
// docs/cloudwatch.md describes the mapping.
#include <string>
#include <vector>

#include "backend.h"

namespace mon::cloudwatch {

/// Settings of one `target cloudwatch`, defaults applied.
struct TargetSettings {
  std::string name;
  std::string region;          // "" : from the environment or the shared config file
  std::string endpoint;        // "" : https://monitoring.REGION.amazonaws.com
  std::string profile;         // "" : AWS_PROFILE, else "default"
  std::string agentNamespace = "CWAgent";  // where the CloudWatch agent writes host metrics
  std::vector<std::string> criticalActions, warningActions;  // alarm actions (SNS topic ARNs ...)
};
TargetSettings settingsOf(const ir::Target& t);

/// `cloudwatch/<target>/alarms.json`: per monitor, its alarms as PutMetricAlarm takes them.
OutputFiles build(const ir::Module& module, DiagEngine& diags);
/// What build() reports, writing nothing.
void check(const ir::Module& module, DiagEngine& diags);

}  // namespace mon::cloudwatch
