#include "newrelic/pull.h"

#include "mackerel/import_writer.h"
#include "newrelic/condition_remote.h"
#include "newrelic/dashboard_source.h"
#include "ownership.h"
#include "prometheus/mon_source.h"
#include "support/text.h"

namespace mon::newrelic {

namespace {

using Json = ir::Json;

std::string lit(const Json& v) { return mackerel::flatLiteral(mackerel::jsonLiteral(mackerel::ImportJson::parse(v.dump()))); }

// The members of `have` that differ from monitorc's defaults in `dflt`.
Json beyond(const Json& have, const Json& dflt) {
  Json out = Json::object();
  for (auto it = have.begin(); it != have.end(); ++it)
    if (!dflt.contains(it.key()) || dflt[it.key()] != it.value()) out[it.key()] = it.value();
  return out;
}

}  // namespace

std::string pullSource(const engine::RemoteState& state, bool ownedOnly, const TargetSettings& s, std::vector<std::string>& warnings) {
  std::string out;
  for (const auto& r : state.monitors) {
    bool owned = engine::hasOwnerMarker(r.body.value("memo", ""));
    if (ownedOnly && !owned) continue;
    Json n = normalize(engine::ObjKind::Monitor, r.body);
    const Json& c = n["condition"];
    std::string name = n.value("name", r.id);
    const Json& terms = c["terms"];
    std::string op = terms.empty() ? "ABOVE" : terms[0].value("operator", "ABOVE");
    if (op != "ABOVE" && op != "BELOW") {
      warnings.push_back("condition '" + name + "': skipped: operator " + op + " has no counterpart in the language");
      continue;
    }
    if (terms.empty()) {
      // No thresholds: only the signal-loss condition a connectivity monitor makes comes back.
      const Json& exp = c["expiration"];
      if (c["nrql"].value("query", "") == "SELECT count(*) FROM SystemSample FACET hostname" &&
          exp.value("expirationDuration", 0LL) == 300 && exp.value("openViolationOnExpiration", false) &&
          !exp.value("closeViolationsOnExpiration", false) && c.value("enabled", true)) {
        std::string memo = engine::stripOwnerMarker(c.value("description", ""));
        out += "monitor connectivity " + quoteSource(name) + " {\n" + (memo.empty() ? "" : "  memo = " + quoteSource(memo) + "\n") +
               "  targets = [" + quoteSource(s.name) + "]\n}\n\n";
      } else {
        warnings.push_back("condition '" + name + "': skipped: it has no thresholds, which a query monitor needs");
      }
      continue;
    }
    std::string block;
    auto field = [&](const std::string& k, const std::string& v) { block += "  " + k + " = " + v + "\n"; };
    field("query", quoteSource(c["nrql"].value("query", "")));
    field("operator", quoteSource(op == "BELOW" ? "<" : ">"));
    Json raw = Json::object();
    long long window = c["signal"].value("aggregationWindow", 60LL), hold = window;
    std::string occurrences = "ALL";
    for (const auto& t : terms) {
      if (t.value("operator", "") != op) warnings.push_back("condition '" + name + "': its terms' operators differ; both come back as " + op);
      field(t.value("priority", "") == "WARNING" ? "warning" : "critical", formatNumber(t.value("threshold", 0.0)));
      hold = t.value("thresholdDuration", window);
      occurrences = t.value("thresholdOccurrences", "ALL");
    }
    if (hold != window) field("for_duration", source::duration(hold));
    if (occurrences != "ALL") raw["thresholdOccurrences"] = occurrences;
    Json sig = beyond(c["signal"], {{"aggregationMethod", "EVENT_FLOW"}, {"aggregationDelay", 120}, {"fillOption", "NONE"}});
    if (window == 60) sig.erase("aggregationWindow");
    if (!sig.empty()) raw["signal"] = sig;
    Json exp = beyond(c["expiration"], {{"openViolationOnExpiration", false}, {"closeViolationsOnExpiration", false},
                                        {"ignoreOnExpectedTermination", false}});
    if (!exp.empty()) raw["expiration"] = exp;
    if (n.value("conditionType", "") == "BASELINE") raw["baselineDirection"] = c.value("baselineDirection", "");
    if (c.value("violationTimeLimitSeconds", 259200LL) != 259200) raw["violationTimeLimitSeconds"] = c["violationTimeLimitSeconds"];
    for (const char* k : {"titleTemplate", "runbookUrl"})
      if (c.contains(k)) raw[k] = c[k];
    if (!raw.empty()) field("raw", lit(raw));
    if (!c.value("enabled", true)) field("is_mute", "true");
    std::string memo = engine::stripOwnerMarker(c.value("description", ""));
    if (!memo.empty()) field("memo", quoteSource(memo));
    field("targets", "[" + quoteSource(s.name) + "]");
    out += "monitor query " + quoteSource(name) + " {\n" + block + "}\n\n";
  }
  for (const auto& r : state.dashboards) {
    if (ownedOnly && !engine::hasOwnerMarker(r.body.value("memo", ""))) continue;
    std::string block;
    if (dashboardSource(r.body.value("dashboard", Json::object()), s.name, s.accountId, block, warnings)) out += block + "\n";
  }
  return out;
}

}  // namespace mon::newrelic
