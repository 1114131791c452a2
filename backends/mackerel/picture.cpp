// A Mackerel dashboard body (as sent, or as read) as a picture: widgets at their `layout`,
// kinds in the DSL's words. Plan pictures draw both sides of a change with it.
#include "mackerel/mackerel.h"

namespace mon::mackerel {

namespace {

std::string kindOf(const std::string& type) { return type == "alertStatus" ? "alert_status" : type; }

int intAt(const ir::Json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_number() ? j[key].get<int>() : 0;
}

}  // namespace

bool dashboardPicture(const ir::Json& body, preview::Board& out) {
  if (!body.is_object() || !body.contains("widgets") || !body["widgets"].is_array()) return false;
  out = preview::Board{};
  out.title = body.value("title", "");
  for (const auto& w : body["widgets"]) {
    if (!w.is_object()) continue;
    const ir::Json l = w.contains("layout") ? w["layout"] : ir::Json::object();
    out.boxes.push_back({kindOf(w.value("type", "")), w.contains("title") && w["title"].is_string() ? w["title"].get<std::string>() : "",
                         intAt(l, "x"), intAt(l, "y"), intAt(l, "width"), intAt(l, "height")});
  }
  return true;
}

}  // namespace mon::mackerel
