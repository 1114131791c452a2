// hover(): fields from the schema tables, block kinds, lets with their values, templates.
#include <sstream>

#include "context.h"
#include "lsp_features.h"
#include "names.h"
#include "support/text.h"
#include "tokens.h"

namespace mon::lsp {

namespace schema_doc {

std::string field(const schema::Field& f, const std::string& owner) {
  std::ostringstream md;
  md << "**" << f.name << "** (" << owner << ")\n\n";
  if (*f.doc) md << f.doc << "\n\n";
  md << "- type: " << schema::describeType(f) << "\n";
  if (f.min < f.max) {
    std::string lo = formatNumber(f.min), hi = formatNumber(f.max);
    if (f.type == schema::Type::String) md << "- length: at most " << hi << " characters\n";
    else if (f.max >= 1e9) md << "- range: at least " << lo << "\n";
    else md << "- range: " << lo << " to " << hi << "\n";
  }
  if (f.multipleOf) md << "- multiple of " << f.multipleOf << "\n";
  if (f.type == schema::Type::String && f.max > 0 && !(f.min < f.max)) md << "- length: at most " << formatNumber(f.max) << " characters\n";
  if (*f.defaultText) md << "- default: " << f.defaultText << "\n";
  if (f.required) md << "- required\n";
  return md.str();
}

std::string kind(const schema::Kind& k) {
  std::ostringstream md;
  md << "**" << k.what << "**\n\nfields:";
  for (const auto& f : k.fields) md << " `" << f.name << "`" << (f.required ? "*" : "");
  md << "\n\n(* required)";
  return md.str();
}

}  // namespace schema_doc

namespace {

std::string templateSignature(const SourceManager& sm, const ast::Stmt& t) {
  std::string s = "template " + t.name + "(";
  for (size_t i = 0; i < t.params.size(); ++i) {
    if (i) s += ", ";
    s += t.params[i].name;
    if (t.params[i].defaultValue) s += " = " + sourceText(sm, t.params[i].defaultValue->range);
  }
  return s + ")";
}

// Comment lines directly above a statement, without their markers.
std::string leadingComments(const SourceManager& sm, const ast::File* file, const ast::Stmt& st) {
  if (!file || st.range.file != file->id) return "";
  uint32_t line = sm.lineCol(st.range.file, st.range.begin).line;
  std::vector<std::string> lines;
  for (auto it = file->comments.rbegin(); it != file->comments.rend(); ++it) {
    if (it->range.begin >= st.range.begin) continue;
    uint32_t l = sm.lineCol(it->range.file, it->range.begin).line;
    if (l + 1 + lines.size() != line) break;
    std::string text = it->text;
    size_t skip = text.rfind("//", 0) == 0 ? 2 : 1;
    text = text.substr(std::min(skip, text.size()));
    if (!text.empty() && text[0] == ' ') text.erase(0, 1);
    lines.insert(lines.begin(), text);
  }
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

const ast::File* fileOf(const Analysis& a, FileId id) {
  auto it = a.comp->program.files.find(id);
  return it == a.comp->program.files.end() ? nullptr : &it->second.ast;
}

std::string nameHover(const Analysis& a, const NameDef& d) {
  const SourceManager& sm = a.comp->sources;
  std::string md;
  switch (d.kind) {
    case NameDef::Let: {
      md = "```mon\nlet " + d.name + " = " + sourceText(sm, d.stmt->value ? d.stmt->value->range : Range{}) + "\n```\n";
      if (auto v = letValue(a.comp->program, d)) md += "\nvalue: `" + renderValue(*v) + "`\n";
      else md += "\nvalue: depends on template arguments or loop variables\n";
      break;
    }
    case NameDef::Template:
      md = "```mon\n" + templateSignature(sm, *d.stmt) + "\n```\n";
      break;
    case NameDef::Param:
      md = "parameter `" + d.name + "` of `" + templateSignature(sm, *d.stmt) + "`";
      break;
    case NameDef::LoopVar:
      md = "loop variable `" + d.name + "` of `for ... in " + sourceText(sm, d.stmt->value ? d.stmt->value->range : Range{}) + "`";
      break;
  }
  std::string doc = leadingComments(sm, fileOf(a, d.stmt->range.file), *d.stmt);
  if (!doc.empty()) md += "\n---\n" + doc;
  if (d.range.file != a.root) md += "\n(defined in " + sm.path(d.range.file) + ")";
  return md;
}

const schema::Kind* kindByWord(const std::string& type, const std::string& label) {
  if (type == "monitor") return schema::findKind(schema::monitorKinds(), label);
  if (type == "target") return schema::findKind(schema::targetKinds(), label);
  if (type == "channel") return schema::findKind(schema::channelKinds(), label);
  return nullptr;
}

}  // namespace

std::optional<Hover> hover(const Analysis& a, uint32_t offset) {
  const std::string& text = a.text();
  TokenList toks = tokenize(text);
  int i = tokenAt(toks, offset);
  if (i < 0) return std::nullopt;
  Tok k = toks.kinds[i];
  if (k != Tok::Ident) return std::nullopt;
  const Token& tok = toks.tokens[i];
  std::string word = text.substr(tok.begin, tok.end - tok.begin);
  Range r{a.root, tok.begin, tok.end};
  Tok prev = i > 0 ? toks.kinds[i - 1] : Tok::Eof;
  Tok next = toks.kinds[i + 1];
  const Program& prog = a.comp->program;

  if (prev == Tok::Use || prev == Tok::Template) {
    if (auto d = resolve(prog, a.root, offset, word); d && d->kind == NameDef::Template) return Hover{nameHover(a, *d), r};
    return std::nullopt;
  }
  if (prev == Tok::Dot && i >= 2 && text.substr(toks.tokens[i - 2].begin, 3) == "var") {
    FileId f = kNoFile;
    if (const ast::Stmt* v = findVariable(prog, word, &f)) {
      std::string md = "variable `" + word + "`";
      for (const auto& st : v->body)
        if (st->kind == ast::StmtKind::Attribute && st->value)
          md += "\n- " + st->name + ": `" + sourceText(a.comp->sources, st->value->range) + "`";
      return Hover{md, r};
    }
    return std::nullopt;
  }
  if (prev == Tok::Dot) return std::nullopt;
  if (prev == Tok::Let) {
    if (auto d = resolve(prog, a.root, offset, word)) return Hover{nameHover(a, *d), r};
  }
  CursorContext ctx = cursorContext(text, tok.begin);
  if (ctx.slot == Slot::Statement && next == Tok::Assign) {
    if (const schema::Kind* kind = kindOf(ctx.blocks))
      if (const schema::Field* f = schema::findField(*kind, word)) return Hover{schema_doc::field(*f, kind->what), r};
    return std::nullopt;
  }
  if (ctx.slot == Slot::Statement) {  // a block type
    auto blocks = ctx.blocks;
    blocks.push_back(BlockFrame{word, {}});
    if (const schema::Kind* kind = kindOf(blocks)) return Hover{schema_doc::kind(*kind), r};
    if (word == "monitor") return Hover{"**monitor** KIND \"name\" { ... }: kinds " + quotedList(schema::kindNames(schema::monitorKinds())), r};
    if (word == "target") return Hover{"**target** KIND \"name\" { ... }: kinds " + quotedList(schema::kindNames(schema::targetKinds())), r};
    return std::nullopt;
  }
  if (ctx.slot == Slot::BlockLabel) {
    if (const schema::Kind* kind = kindByWord(ctx.blockType, word)) return Hover{schema_doc::kind(*kind), r};
    return std::nullopt;
  }
  if (auto d = resolve(prog, a.root, offset, word)) return Hover{nameHover(a, *d), r};
  if (ctx.slot == Slot::FieldValue)  // a bare word as a field's value: an enumerated value
    if (const schema::Kind* kind = kindOf(ctx.blocks))
      if (const schema::Field* f = schema::findField(*kind, ctx.field))
        if (!f->values.empty()) return Hover{"`" + word + "`: a value of " + schema_doc::field(*f, kind->what), r};
  return std::nullopt;
}

}  // namespace mon::lsp
