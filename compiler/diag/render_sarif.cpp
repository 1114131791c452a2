#include <cctype>
#include <map>
#include <nlohmann/json.hpp>

#include "diag/render.h"

namespace mon {

namespace {

using Json = nlohmann::ordered_json;

const char* level(Severity s) { return s == Severity::Error ? "error" : s == Severity::Warning ? "warning" : "note"; }

// SARIF counts columns in code points (we ask for unicodeCodePoints); ranges are bytes.
uint32_t codePointColumn(const SourceManager& sm, FileId f, uint32_t offset) {
  LineCol lc = sm.lineCol(f, offset);
  std::string_view line = sm.lineText(f, lc.line);
  uint32_t col = 1;
  for (size_t i = 0; i + 1 < lc.col && i < line.size(); ++i)
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++col;
  return col;
}

// A relative URI reference: the path as given, with the bytes a URI cannot hold escaped.
std::string uriOf(const std::string& path) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || std::string_view("/-._~").find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

Json physical(const SourceManager& sm, Range r) {
  LineCol b = sm.lineCol(r.file, r.begin);
  LineCol e = sm.lineCol(r.file, std::max(r.end, r.begin));
  Json region = {{"startLine", b.line}, {"startColumn", codePointColumn(sm, r.file, r.begin)}, {"endLine", e.line},
                 {"endColumn", codePointColumn(sm, r.file, std::max(r.end, r.begin))}};
  return {{"artifactLocation", {{"uri", uriOf(sm.path(r.file))}}}, {"region", region}};
}

// A catalog format as a description: its %0 arguments become "...".
std::string placeholders(const char* fmt) {
  std::string out;
  for (const char* p = fmt; *p; ++p) {
    if (*p == '%' && p[1] >= '0' && p[1] <= '9') {
      out += "...";
      ++p;
    } else {
      out += *p;
    }
  }
  return out;
}

std::string idOf(const Diagnostic& d) { return d.rule.empty() ? nameOf(d.kind) : d.rule; }

}  // namespace

std::string renderSarif(const SourceManager& sm, const std::vector<Diagnostic>& diags,
                        const std::vector<RuleDescription>& rules, const std::string& version) {
  std::map<std::string, const RuleDescription*> known;
  for (const auto& r : rules) known[r.id] = &r;
  Json ruleList = Json::array();
  std::map<std::string, size_t> index;
  auto ruleIndex = [&](const Diagnostic& d) {
    std::string id = idOf(d);
    auto it = index.find(id);
    if (it != index.end()) return it->second;
    Json r = {{"id", id}};
    if (auto k = known.find(id); k != known.end()) {
      r["name"] = k->second->name;
      r["shortDescription"] = {{"text", k->second->summary}};
      r["fullDescription"] = {{"text", k->second->help}};
      r["defaultConfiguration"] = {{"level", level(k->second->severity)}};
    } else {
      r["shortDescription"] = {{"text", placeholders(formatOf(d.kind))}};
      r["defaultConfiguration"] = {{"level", level(severityOf(d.kind))}};
    }
    ruleList.push_back(std::move(r));
    return index[id] = ruleList.size() - 1;
  };
  Json results = Json::array();
  for (const Diagnostic& d : diags) {
    Json res = {{"ruleId", idOf(d)}, {"ruleIndex", ruleIndex(d)}, {"level", level(d.severity)},
                {"message", {{"text", d.message}}}};
    if (d.range.valid()) res["locations"] = Json::array({{{"physicalLocation", physical(sm, d.range)}}});
    Json related = Json::array();
    std::string extra;
    for (const Note& n : d.notes) {
      if (n.range.valid())
        related.push_back({{"id", related.size()}, {"physicalLocation", physical(sm, n.range)}, {"message", {{"text", n.message}}}});
      else
        extra += (extra.empty() ? "" : "\n") + n.message;  // a note without a place is part of the message
    }
    if (!extra.empty()) res["message"]["markdown"] = d.message + "\n\n" + extra;
    if (!related.empty()) res["relatedLocations"] = std::move(related);
    results.push_back(std::move(res));
  }
  Json driver = {{"name", "monitorc"}, {"version", version},
                 {"rules", std::move(ruleList)}};
  Json log = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs", Json::array({{{"tool", {{"driver", std::move(driver)}}},
                                     {"columnKind", "unicodeCodePoints"},
                                     {"results", std::move(results)}}})}};
  return log.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace mon
