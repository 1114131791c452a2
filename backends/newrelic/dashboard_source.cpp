#include "newrelic/dashboard_source.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "ownership.h"
#include "prometheus/mon_source.h"

namespace mon::newrelic {

namespace {

using Json = ir::Json;

std::string text(const Json& o, const char* k) {
  return o.is_object() && o.contains(k) && o[k].is_string() ? o[k].get<std::string>() : std::string();
}

// A url_path from the name: lower-case letters and digits, other runs as '-'.
std::string slug(const std::string& name) {
  std::string s;
  for (unsigned char c : name) {
    if (std::isalnum(c)) s += static_cast<char>(std::tolower(c));
    else if (!s.empty() && s.back() != '-') s += '-';
  }
  while (!s.empty() && s.back() == '-') s.pop_back();
  return s.empty() ? "dashboard" : s;
}

void accountsOf(const Json& d, std::set<int64_t>& out) {
  for (const auto& p : d.value("pages", Json::array()))
    for (const auto& w : p.is_object() ? p.value("widgets", Json::array()) : Json::array()) {
      const Json& raw = w.is_object() ? w.value("rawConfiguration", Json::object()) : Json::object();
      for (const auto& q : raw.is_object() ? raw.value("nrqlQueries", Json::array()) : Json::array()) {
        if (!q.is_object()) continue;
        if (q.contains("accountIds") && q["accountIds"].is_array())
          for (const auto& a : q["accountIds"])
            if (a.is_number_integer()) out.insert(a.get<int64_t>());
        if (q.contains("accountId") && q["accountId"].is_number_integer()) out.insert(q["accountId"].get<int64_t>());
      }
    }
}

}  // namespace

int64_t dashboardAccount(const Json& d) {
  std::set<int64_t> ids;
  accountsOf(d, ids);
  return ids.size() == 1 ? *ids.begin() : 0;
}

bool dashboardSource(const Json& d, const std::string& target, int64_t accountId, std::string& out,
                     std::vector<std::string>& warnings) {
  std::string name = text(d, "name");
  std::string what = "dashboard '" + name + "'";
  const Json pages = d.value("pages", Json::array());
  if (!pages.is_array() || pages.size() != 1 || !pages[0].is_object()) {
    warnings.push_back(what + ": skipped: it has " + std::to_string(pages.is_array() ? pages.size() : 0) +
                       " pages; monitorc writes dashboards of one page");
    return false;
  }
  const Json& page = pages[0];
  if (text(page, "name") != name) warnings.push_back(what + ": its page '" + text(page, "name") + "' is named as the dashboard");
  if (!text(page, "description").empty()) warnings.push_back(what + ": the page's description is not kept");
  if (d.contains("variables") && d["variables"].is_array() && !d["variables"].empty())
    warnings.push_back(what + ": " + std::to_string(d["variables"].size()) + " variables not kept (monitorc does not write them)");
  if (accountId == 0) accountId = dashboardAccount(d);
  std::string body;
  for (const auto& w : page.value("widgets", Json::array())) {
    if (!w.is_object()) continue;
    std::string title = text(w, "title");
    std::string viz = text(w.value("visualization", Json::object()), "id");
    Json raw = w.contains("rawConfiguration") && w["rawConfiguration"].is_object() ? w["rawConfiguration"] : Json::object();
    std::string fields, kind;
    Json extra = Json::object();  // the widget's raw
    const Json queries = raw.value("nrqlQueries", Json::array());
    if (viz == "viz.markdown") {
      kind = "markdown";
      fields += "    text = " + source::quote(text(raw, "text")) + "\n";
      raw.erase("text");
    } else if (queries.is_array() && !queries.empty() && queries[0].is_object() && !text(queries[0], "query").empty()) {
      kind = viz == "viz.billboard" ? "value" : "graph";
      fields += "    query = " + source::quote(text(queries[0], "query")) + "\n";
      // One query of the target's account is what `query` writes; anything else stays as given.
      Json plain = Json::array({{{"accountIds", Json::array({accountId})}, {"query", text(queries[0], "query")}}});
      if (nlohmann::json::parse(queries.dump()) == nlohmann::json::parse(plain.dump())) raw.erase("nrqlQueries");
      if (viz != (kind == "value" ? "viz.billboard" : "viz.line")) extra["visualization"] = viz;
      if (kind == "graph" && raw.contains("yAxisLeft") && raw["yAxisLeft"].is_object()) {
        Json axis = raw["yAxisLeft"], range = Json::object();
        for (const char* k : {"min", "max"})
          if (axis.contains(k) && axis[k].is_number()) range[k] = axis[k], axis.erase(k);
        if (!range.empty() && axis.empty()) {
          fields += "    value_range = " + source::value(range) + "\n";
          raw.erase("yAxisLeft");
        }
      }
    } else {
      warnings.push_back(what + ": widget '" + title + "' (" + (viz.empty() ? "no visualization" : viz) +
                         ") skipped: it has no NRQL query and is not markdown");
      continue;
    }
    if (!raw.empty()) extra["rawConfiguration"] = raw;
    if (source::depth(extra) + 1 > source::kMaxValueDepth) {
      warnings.push_back(what + ": widget '" + title + "' skipped: nested more than .mon source takes");
      continue;
    }
    if (!extra.empty()) fields += "    raw = " + source::value(extra) + "\n";
    const Json& l = w.value("layout", Json::object());
    auto num = [&](const char* k, int dflt) { return l.is_object() && l.contains(k) && l[k].is_number_integer() ? l[k].get<int>() : dflt; };
    int column = std::clamp(num("column", 1), 1, 12), width = std::clamp(num("width", 4), 1, 12);
    fields += "    x = " + std::to_string((column - 1) * 2) + "\n";
    fields += "    y = " + std::to_string(std::max(0, num("row", 1) - 1)) + "\n";
    fields += "    width = " + std::to_string(std::min(24, width * 2)) + "\n";
    fields += "    height = " + std::to_string(std::clamp(num("height", 3), 1, 80)) + "\n";
    body += "  " + kind + " " + source::quote(title) + " {\n" + fields + "  }\n";
  }
  out += "dashboard " + source::quote(name) + " {\n";
  out += "  url_path = " + source::quote(slug(name)) + "\n";
  std::string memo = engine::stripOwnerMarker(text(d, "description"));
  if (!memo.empty()) out += "  memo = " + source::quote(memo) + "\n";
  std::string perm = text(d, "permissions");
  if (!perm.empty() && perm != "PUBLIC_READ_WRITE") out += "  raw = { permissions = " + source::quote(perm) + " }\n";
  out += "  targets = [" + source::quote(target) + "]\n";
  out += body + "}\n";
  return true;
}

}  // namespace mon::newrelic
