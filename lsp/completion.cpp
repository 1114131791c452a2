// complete(): block kinds, the fields of the enclosing block kind, enum values, names and
// import paths, chosen by the token context so that half-typed source works.
#include <algorithm>
#include <filesystem>
#include <set>

#include "context.h"
#include "lsp_features.h"
#include "names.h"

namespace mon::lsp {

namespace {

namespace fs = std::filesystem;

class Builder {
 public:
  Builder(const CursorContext& c, uint32_t offset) : c_(c), offset_(offset) {}

  void add(std::string label, ItemKind kind, std::string detail = "", std::string doc = "", std::string insert = "") {
    if (!seen_.insert(label).second) return;
    if (label.compare(0, c_.prefix.size(), c_.prefix) != 0) return;
    items.push_back({std::move(label), kind, std::move(detail), std::move(doc), std::move(insert), c_.prefixBegin, offset_});
  }

  std::vector<CompletionItem> items;

 private:
  const CursorContext& c_;
  uint32_t offset_;
  std::set<std::string> seen_;
};

void statementItems(const Analysis& a, const CursorContext& c, uint32_t offset, Builder& b) {
  if (const schema::Kind* kind = kindOf(c.blocks))
    for (const auto& f : kind->fields)
      b.add(f.name, ItemKind::Field, schema::describeType(f), schema_doc::field(f, kind->what), std::string(f.name) + " = ");
  for (const auto& t : childBlockTypes(c.blocks)) {
    std::string doc;
    std::vector<BlockFrame> inner = c.blocks;
    inner.push_back(BlockFrame{t, {}});
    if (const schema::Kind* k = kindOf(inner)) doc = schema_doc::kind(*k);
    b.add(t, ItemKind::Class, "block", doc);
  }
  static const char* kKeywords[] = {"let", "use", "for", "if", "template"};
  for (const char* k : kKeywords) b.add(k, ItemKind::Keyword);
  if (c.blocks.empty()) b.add("import", ItemKind::Keyword);
}

void nameItems(const Analysis& a, uint32_t offset, Builder& b, bool templates) {
  auto names = visibleNames(a.comp->program, a.root, offset);
  for (auto it = names.rbegin(); it != names.rend(); ++it) {
    bool isTemplate = it->kind == NameDef::Template;
    if (isTemplate != templates) continue;
    b.add(it->name, isTemplate ? ItemKind::Function : ItemKind::Variable,
          isTemplate ? "template" : it->kind == NameDef::Let ? "let" : it->kind == NameDef::Param ? "parameter" : "loop variable");
  }
}

void valueItems(const Analysis& a, const CursorContext& c, uint32_t offset, Builder& b) {
  if (const schema::Kind* kind = kindOf(c.blocks))
    if (const schema::Field* f = schema::findField(*kind, c.field)) {
      for (const auto& v : f->values) b.add(v.word, ItemKind::EnumMember, f->name);
      if (f->type == schema::Type::Bool) {
        b.add("true", ItemKind::Value, f->name);
        b.add("false", ItemKind::Value, f->name);
      }
      if (f->type == schema::Type::Operator) {
        b.add("\">\"", ItemKind::Value, f->name);
        b.add("\"<\"", ItemKind::Value, f->name);
      }
      if (f->type == schema::Type::Threshold) b.add("null", ItemKind::Value, f->name);
    }
  nameItems(a, offset, b, false);
  b.add("var", ItemKind::Keyword, "declared variables: var.NAME");
}

void importItems(const Analysis& a, const CursorContext& c, uint32_t offset, std::vector<CompletionItem>& out) {
  const std::string& self = a.path();
  if (self.empty() || self[0] != '/') return;
  size_t slash = c.stringText.rfind('/');
  std::string dirPart = slash == std::string::npos ? "" : c.stringText.substr(0, slash + 1);
  std::string partial = slash == std::string::npos ? c.stringText : c.stringText.substr(slash + 1);
  fs::path dir = (fs::path(self).parent_path() / dirPart).lexically_normal();
  std::error_code ec;
  std::vector<CompletionItem> found;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.empty() || name[0] == '.' || name.compare(0, partial.size(), partial) != 0) continue;
    bool isDir = it->is_directory(ec);
    if (!isDir && (it->path().extension() != ".mon" || it->path().lexically_normal() == fs::path(self))) continue;
    uint32_t begin = c.stringBegin + static_cast<uint32_t>(dirPart.size());
    found.push_back({isDir ? name + "/" : name, isDir ? ItemKind::Folder : ItemKind::File, "", "", "", begin, offset});
    if (found.size() >= 500) break;
  }
  std::sort(found.begin(), found.end(), [](const auto& x, const auto& y) { return x.label < y.label; });
  out.insert(out.end(), found.begin(), found.end());
}

// `var.|`: the declared variables of the program.
bool variableItems(const Analysis& a, const CursorContext& c, Builder& b) {
  const std::string& text = a.text();
  if (c.prefixBegin < 4 || text.compare(c.prefixBegin - 4, 4, "var.") != 0) return false;
  if (c.prefixBegin > 4 && (isalnum(static_cast<unsigned char>(text[c.prefixBegin - 5])) || text[c.prefixBegin - 5] == '_'))
    return false;
  for (const auto& [id, lf] : a.comp->program.files)
    for (const auto& st : lf.ast.stmts)
      if (st->kind == ast::StmtKind::Block && st->name == "variable" && st->labels.size() == 1 && st->labels[0].string &&
          st->labels[0].string->parts.size() == 1 && !st->labels[0].string->parts[0].expr)
        b.add(st->labels[0].string->parts[0].text, ItemKind::Variable, "variable");
  return true;
}

}  // namespace

std::vector<CompletionItem> complete(const Analysis& a, uint32_t offset) {
  const std::string& text = a.text();
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text.size()));
  CursorContext c = cursorContext(text, offset);
  Builder b(c, offset);
  if (c.slot != Slot::String && c.slot != Slot::ImportPath && variableItems(a, c, b)) return std::move(b.items);
  switch (c.slot) {
    case Slot::Statement: statementItems(a, c, offset, b); break;
    case Slot::BlockLabel:
      if (c.labelIndex == 0 && c.blockType == "monitor")
        for (const auto& k : schema::monitorKinds()) b.add(k.name, ItemKind::Class, k.what, schema_doc::kind(k));
      if (c.labelIndex == 0 && c.blockType == "target")
        for (const auto& k : schema::targetKinds()) b.add(k.name, ItemKind::Class, k.what, schema_doc::kind(k));
      if (c.labelIndex == 0 && c.blockType == "channel")
        for (const auto& k : schema::channelKinds()) b.add(k.name, ItemKind::Class, k.what, schema_doc::kind(k));
      break;
    case Slot::FieldValue:
      valueItems(a, c, offset, b);
      // Newlines do not end a statement, but a word on a new line is most likely the next field.
      if (c.lineStart) statementItems(a, c, offset, b);
      break;
    case Slot::Expression: nameItems(a, offset, b, false); break;
    case Slot::UseName: nameItems(a, offset, b, true); break;
    case Slot::ImportPath: importItems(a, c, offset, b.items); break;
    default: break;
  }
  return std::move(b.items);
}

}  // namespace mon::lsp
