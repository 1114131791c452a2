// The feature requests: each converts LSP positions to byte offsets, calls the workspace
// layer (features.h) and converts the answer back.
#include "diag/diag_engine.h"
#include "fmt/format.h"
#include "parse/parse.h"
#include "server.h"

namespace mon::lsp {

const Analysis* Server::analysisFor(const json& params, uint32_t* offset) {
  std::string path = pathOf(params);
  Position pos = offset ? positionFrom(params.at("position")) : Position{};
  const Analysis* a = awaitAnalysis(path);
  if (!a) return nullptr;  // not an open document: answer "nothing here"
  if (offset) *offset = LineIndex(a->text()).offset(pos);
  return a;
}

json Server::onHover(const json& params) {
  uint32_t offset = 0;
  const Analysis* a = analysisFor(params, &offset);
  if (!a) return nullptr;
  auto h = hover(*a, offset);
  if (!h) return nullptr;
  LineIndex index(a->text());
  return {{"contents", {{"kind", "markdown"}, {"value", h->markdown}}}, {"range", rangeJson(index, h->range.begin, h->range.end)}};
}

json Server::onCompletion(const json& params) {
  uint32_t offset = 0;
  const Analysis* a = analysisFor(params, &offset);
  json items = json::array();
  if (!a) return {{"isIncomplete", workspace_.document(pathOf(params)) != nullptr}, {"items", items}};  // ask again
  LineIndex index(a->text());
  for (const auto& item : complete(*a, offset)) items.push_back(completionJson(item, index));
  return {{"isIncomplete", false}, {"items", items}};
}

json Server::onDefinition(const json& params) {
  uint32_t offset = 0;
  const Analysis* a = analysisFor(params, &offset);
  json out = json::array();
  if (!a) return out;
  const SourceManager& sm = a->comp->sources;
  for (Range r : definition(*a, offset)) {
    if (!r.valid() || r.file >= sm.fileCount()) continue;
    LineIndex index(sm.text(r.file));
    out.push_back({{"uri", uriOf(Workspace::normalize(sm.path(r.file)))}, {"range", rangeJson(index, r.begin, r.end)}});
  }
  return out;
}

json Server::onDocumentSymbol(const json& params) {
  const Analysis* a = analysisFor(params, nullptr);
  json out = json::array();
  if (!a) return out;
  LineIndex index(a->text());
  for (const auto& s : documentSymbols(*a)) out.push_back(symbolJson(s, index));
  return out;
}

json Server::onFormatting(const json& params) {
  const Document* doc = workspace_.document(pathOf(params));
  if (!doc) return nullptr;
  // The formatter needs a file that parses; with syntax errors there is nothing to do.
  SourceManager sm;
  FileId id = sm.add(doc->path, doc->text());
  DiagEngine diags;
  ast::File file = parse(sm, id, diags);
  if (diags.hasErrors()) return json::array();
  std::string formatted = format(sm, file);
  if (formatted == doc->text()) return json::array();
  LineIndex index(doc->text());
  return json::array({{{"range", rangeJson(index, 0, static_cast<uint32_t>(doc->text().size()))}, {"newText", formatted}}});
}

namespace {
// "did you mean 'x'?" -> "Change to 'x'"; otherwise describe the replacement.
std::string fixTitle(const Diagnostic& d, const FixIt& f) {
  for (const auto& n : d.notes)
    if (n.message.rfind("did you mean ", 0) == 0) return "Change to " + n.message.substr(13, n.message.size() - 14);
  return "Replace with '" + f.replacement + "'";
}
bool overlaps(uint32_t b1, uint32_t e1, uint32_t b2, uint32_t e2) { return b1 <= e2 && b2 <= e1; }
}  // namespace

json Server::onCodeAction(const json& params) {
  const Analysis* a = analysisFor(params, nullptr);
  json out = json::array();
  if (!a) return out;
  const SourceManager& sm = a->comp->sources;
  LineIndex index(a->text());
  const json& range = params.at("range");
  uint32_t begin = index.offset(positionFrom(range.at("start"))), end = index.offset(positionFrom(range.at("end")));
  std::string uri = uriOf(a->path());
  a->forEachDiagnostic([&](const Diagnostic& d) {
    if (d.fixits.empty() || d.range.file != a->root || !overlaps(d.range.begin, d.range.end, begin, end)) return;
    json edits = json::array();
    for (const FixIt& f : d.fixits)
      if (f.range.file == a->root) edits.push_back({{"range", rangeJson(index, f.range.begin, f.range.end)}, {"newText", f.replacement}});
    if (edits.empty()) return;
    out.push_back({{"title", fixTitle(d, d.fixits[0])},
                   {"kind", "quickfix"},
                   {"isPreferred", d.fixits.size() == 1},
                   {"diagnostics", json::array({diagnosticJson(d, index, sm, [&](FileId f) { return uriOf(Workspace::normalize(sm.path(f))); })})},
                   {"edit", {{"changes", {{uri, edits}}}}}});
  });
  return out;
}

}  // namespace mon::lsp
