#pragma once
// The Mackerel backend's entry points.
#include <memory>
#include <vector>

#include "backend.h"
#include "preview/board.h"

namespace mon::mackerel {

/// `{"monitors": [...]}` exactly as `mkr monitors pull` writes it, ids left out, into `sink` as
/// the file `rel`, a few monitors at a time.
void writeMonitorsFile(const std::vector<const ir::Monitor*>& monitors, const std::string& rel, FileSink& sink);
/// The same as one string.
std::string monitorsFile(const std::vector<const ir::Monitor*>& monitors);
OutputFiles build(const ir::Module& module, DiagEngine& diags);
/// build() with monitors.json written into `sink` (Backend::buildInto).
OutputFiles buildInto(const ir::Module& module, DiagEngine& diags, FileSink& sink, MonitorStream* streamed);
/// monitors.json into `sink` as the front end lowers the monitors (Backend::streamMonitors).
std::unique_ptr<MonitorStream> streamMonitors(FileSink& sink);
/// Mackerel's widget limits (sizes per kind, one reference line) on the dashboards that go to
/// Mackerel: those with no `targets` or naming a mackerel or local target.
bool checkDashboards(const ir::Module& module, DiagEngine& diags);
/// A dashboard body as a picture (Backend::dashboardPicture).
bool dashboardPicture(const ir::Json& body, preview::Board& out);
/// `monitorc test` with monitorc's model of Mackerel's evaluation (evaluate/evaluate.h).
TestOutcome runTest(const ir::Module& module, const ir::Test& test);

}  // namespace mon::mackerel
