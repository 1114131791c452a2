#pragma once
// Editor features over an analysis, free of the protocol: byte offsets in, byte ranges out.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "check/schema.h"
#include "workspace.h"

namespace mon::lsp {

struct Hover {
  std::string markdown;
  Range range;
};
/// What the word at `offset` of the root file is: a field, block kind, let, template ...
std::optional<Hover> hover(const Analysis& a, uint32_t offset);

enum class ItemKind { Keyword, Field, Class, EnumMember, Variable, Function, File, Folder, Value };
struct CompletionItem {
  std::string label;
  ItemKind kind = ItemKind::Keyword;
  std::string detail;
  std::string documentation;  // markdown
  std::string insertText;     // may be empty: insert the label
  uint32_t editBegin = 0;     // the range the item replaces (the word being typed)
  uint32_t editEnd = 0;
};
/// Completions at `offset` of the root file.
std::vector<CompletionItem> complete(const Analysis& a, uint32_t offset);

/// Where the name at `offset` is defined (lets, templates, parameters, imports, variables).
std::vector<Range> definition(const Analysis& a, uint32_t offset);

enum class SymbolKind { Monitor, Dashboard, Row, Widget, Target, Variable, Template, Let, Record };
struct Symbol {
  std::string name;
  std::string detail;
  SymbolKind kind;
  Range range;
  Range selection;
  std::vector<Symbol> children;
};
/// The outline of the root file: monitors, dashboards (rows and widgets as children), ...
std::vector<Symbol> documentSymbols(const Analysis& a);

/// Markdown description of a schema field.
namespace schema_doc {
std::string field(const schema::Field& f, const std::string& owner);
std::string kind(const schema::Kind& k);
}  // namespace schema_doc

}  // namespace mon::lsp
