// A Mackerel dashboard body (as sent, or as read) as a picture: widgets at their `layout`,
// kinds in the DSL's words. Plan pictures draw both sides of a change with it.
#include "mackerel/mackerel.h"

namespace mon::mackerel {

namespace {

std::string kindOf(const std::string& type) { return type == "alertStatus" ? "alert_status" : type; }

}  // namespace

bool dashboardPicture(const ir::Json& body, preview::Board& out) {
  if (!body.is_object() || !body.contains("widgets") || !body["widgets"].is_array()) return false;
  out = preview::Board{};
  out.title = preview::stringMember(body, "title");
  for (const auto& w : body["widgets"]) {
    if (!w.is_object()) continue;
    const ir::Json l = w.contains("layout") ? w["layout"] : ir::Json::object();
    out.boxes.push_back({kindOf(preview::stringMember(w, "type")), preview::stringMember(w, "title"),
                         preview::gridMember(l, "x"), preview::gridMember(l, "y"), preview::gridMember(l, "width"), preview::gridMember(l, "height")});
  }
  return true;
}

}  // namespace mon::mackerel
