#include "protocol.h"

#include <cstdio>

#include <memory>

#include "diag/diagnostic.h"
#include "lint_pass.h"

namespace mon::lsp {

namespace {
int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
// Walks the JSON events of a prefix, remembering the value of the top-level "id".
class IdFinder : public nlohmann::json_sax<json> {
 public:
  json id;
  bool null() override { return value(nullptr); }
  bool boolean(bool) override { return value(nullptr); }
  bool number_integer(number_integer_t v) override { return value(v); }
  bool number_unsigned(number_unsigned_t v) override { return value(v); }
  bool number_float(number_float_t, const string_t&) override { return value(nullptr); }
  bool string(string_t& v) override { return value(v); }
  bool binary(binary_t&) override { return value(nullptr); }
  bool start_object(std::size_t) override { return open(); }
  bool start_array(std::size_t) override { return open(); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    idNext_ = depth_ == 1 && k == "id";
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  bool value(json v) {
    if (idNext_ && depth_ == 1) {
      id = std::move(v);
      return false;  // found: no need to read on
    }
    return true;
  }
  bool open() {
    idNext_ = false;
    ++depth_;
    return true;
  }
  bool close() {
    --depth_;
    return true;
  }
  int depth_ = 0;
  bool idNext_ = false;
};

}  // namespace

json requestIdIn(const std::string& prefix) {
  IdFinder finder;
  json::sax_parse(prefix, &finder, json::input_format_t::json, /*strict=*/false);
  return finder.id;
}

std::string uriToPath(const std::string& uri) {
  if (uri.rfind("file://", 0) != 0) return uri;
  std::string rest = uri.substr(7);
  size_t slash = rest.find('/');
  if (slash == std::string::npos) return uri;
  rest = rest.substr(slash);  // drop the authority (usually empty or "localhost")
  std::string out;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() && hexValue(rest[i + 1]) >= 0 && hexValue(rest[i + 2]) >= 0) {
      out += static_cast<char>(hexValue(rest[i + 1]) * 16 + hexValue(rest[i + 2]));
      i += 2;
    } else {
      out += rest[i];
    }
  }
  return out;
}

std::string pathToUri(const std::string& path) {
  if (path.empty() || path[0] != '/') return path;
  std::string out = "file://";
  for (unsigned char c : path) {
    if (isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

json toJson(Position p) { return {{"line", p.line}, {"character", p.character}}; }

Position positionFrom(const json& j) {
  if (!j.is_object() || !j.contains("line") || !j.contains("character") || !j["line"].is_number_integer() ||
      !j["character"].is_number_integer())
    throw RpcError{rpc::kInvalidParams, "expected a position { line, character }"};
  auto clamp = [](const json& v) {
    long long n = v.get<long long>();
    return static_cast<uint32_t>(n < 0 ? 0 : n > 0x7fffffffLL ? 0x7fffffffLL : n);
  };
  return {clamp(j["line"]), clamp(j["character"])};
}

json rangeJson(const LineIndex& index, uint32_t begin, uint32_t end) {
  return {{"start", toJson(index.position(begin))}, {"end", toJson(index.position(std::max(begin, end)))}};
}

json diagnosticJson(const Diagnostic& d, const LineIndex& index, const SourceManager& sm,
                    const std::function<std::string(FileId)>& uriOf,
                    const std::function<const LineIndex&(FileId)>& indexOf) {
  json j;
  j["range"] = d.range.valid() ? rangeJson(index, d.range.begin, d.range.end) : rangeJson(index, 0, 0);
  j["severity"] = d.severity == Severity::Error ? 1 : d.severity == Severity::Warning ? 2 : 3;
  j["source"] = "monitorc";
  // A lint finding is known by its rule ("MON004", as suppressions and .monitorc-lint name
  // it); the compiler's own checks by their catalog name.
  j["code"] = d.rule.empty() ? std::string(nameOf(d.kind)) : d.rule;
  if (!d.rule.empty())
    if (std::string doc = ruleDocPath(d.rule); !doc.empty()) {
      size_t hash = doc.rfind('#');  // the fragment is not part of the path to escape
      j["codeDescription"] = {{"href", pathToUri(doc.substr(0, hash)) + doc.substr(hash)}};
    }
  std::string message = d.message;
  json related = json::array();
  for (const auto& n : d.notes) {
    if (!n.range.valid() || n.range.file >= sm.fileCount()) {
      message += "\n" + n.message;
      continue;
    }
    std::unique_ptr<LineIndex> own;  // without a shared index, one for this note
    if (!indexOf) own = std::make_unique<LineIndex>(sm.text(n.range.file));
    const LineIndex& other = indexOf ? indexOf(n.range.file) : *own;
    related.push_back({{"location", {{"uri", uriOf(n.range.file)}, {"range", rangeJson(other, n.range.begin, n.range.end)}}},
                       {"message", n.message}});
  }
  j["message"] = message;
  if (!related.empty()) j["relatedInformation"] = related;
  return j;
}

json completionJson(const CompletionItem& item, const LineIndex& index) {
  static const int kKinds[] = {14, 5, 7, 20, 6, 3, 17, 19, 12};  // LSP CompletionItemKind per ItemKind
  json j{{"label", item.label}, {"kind", kKinds[static_cast<int>(item.kind)]}};
  if (!item.detail.empty()) j["detail"] = item.detail;
  if (!item.documentation.empty()) j["documentation"] = {{"kind", "markdown"}, {"value", item.documentation}};
  j["textEdit"] = {{"range", rangeJson(index, item.editBegin, item.editEnd)},
                   {"newText", item.insertText.empty() ? item.label : item.insertText}};
  return j;
}

json symbolJson(const Symbol& s, const LineIndex& index) {
  // LSP SymbolKind: Module 2, Class 5, Field 8, Function 12, Variable 13, Object 19, Struct 23, Event 24
  static const int kKinds[] = {24, 2, 23, 19, 5, 13, 12, 13, 8};
  json j{{"name", s.name},
         {"detail", s.detail},
         {"kind", kKinds[static_cast<int>(s.kind)]},
         {"range", rangeJson(index, s.range.begin, s.range.end)},
         {"selectionRange", rangeJson(index, s.selection.begin, s.selection.end)}};
  if (!s.children.empty()) {
    j["children"] = json::array();
    for (const auto& c : s.children) j["children"].push_back(symbolJson(c, index));
  }
  return j;
}

}  // namespace mon::lsp
