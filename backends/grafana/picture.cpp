// A classic Grafana dashboard (as sent, or as read) as a picture: panels at their `gridPos`,
// the panel types dashboard.cpp writes named as the DSL's widget kinds, any other type as is.
#include "grafana/grafana.h"

namespace mon::grafana {

namespace {

std::string kindOf(const std::string& type) {
  if (type == "timeseries") return "graph";
  if (type == "stat") return "value";
  if (type == "text") return "markdown";
  if (type == "alertlist") return "alert_status";
  return type;
}

}  // namespace

bool dashboardPicture(const ir::Json& body, preview::Board& out) {
  // A plan's body is the dashboard itself; a POST body wraps it in {dashboard: ...}.
  const ir::Json& d = body.is_object() && body.contains("dashboard") && body["dashboard"].is_object() ? body["dashboard"] : body;
  if (!d.is_object() || !d.contains("panels") || !d["panels"].is_array()) return false;
  out = preview::Board{};
  out.title = preview::stringMember(d, "title");
  for (const auto& p : d["panels"]) {
    if (!p.is_object()) continue;
    const ir::Json g = p.contains("gridPos") ? p["gridPos"] : ir::Json::object();
    out.boxes.push_back({kindOf(preview::stringMember(p, "type")), preview::stringMember(p, "title"),
                         preview::gridMember(g, "x"), preview::gridMember(g, "y"), preview::gridMember(g, "w"), preview::gridMember(g, "h")});
  }
  return true;
}

}  // namespace mon::grafana
