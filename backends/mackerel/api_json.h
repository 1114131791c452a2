#pragma once
// IR -> the JSON the Mackerel API takes and `mkr monitors pull` writes: key order per type,
// zero values left out, server defaults filled in (what a pull after apply would show).
#include "ir/ir.h"

namespace mon::mackerel {

/// API `type` value for a monitor kind ("anomalyDetection").
const char* apiType(ir::MonitorKind k);
/// A monitor as the API and mkr spell it, without id.
ir::Json monitorToApi(const ir::Monitor& m);
/// A dashboard body as POST /api/v0/dashboards takes it.
ir::Json dashboardToApi(const ir::Dashboard& d);

}  // namespace mon::mackerel
