// definition(): lets, templates, parameters, loop variables, imports and declared variables.
#include "lsp_features.h"
#include "names.h"
#include "tokens.h"

namespace mon::lsp {

namespace {

// The import whose path string holds `offset`, as the imported file's id.
FileId importAt(const Analysis& a, uint32_t offset) {
  auto it = a.comp->program.files.find(a.root);
  if (it == a.comp->program.files.end()) return kNoFile;
  size_t imp = 0;
  for (const auto& st : it->second.ast.stmts) {
    if (st->kind != ast::StmtKind::Import) continue;
    if (st->range.begin <= offset && offset <= st->range.end)
      return imp < it->second.imports.size() ? it->second.imports[imp] : kNoFile;
    ++imp;
  }
  return kNoFile;
}

}  // namespace

std::vector<Range> definition(const Analysis& a, uint32_t offset) {
  const std::string& text = a.text();
  FileId imported = importAt(a, offset);
  if (imported != kNoFile) return {Range{imported, 0, 0}};
  TokenList toks = tokenize(text);
  int i = tokenAt(toks, offset);
  if (i < 0 || toks.kinds[i] != Tok::Ident) return {};
  const Token& tok = toks.tokens[i];
  std::string word = text.substr(tok.begin, tok.end - tok.begin);
  if (i >= 2 && toks.kinds[i - 1] == Tok::Dot) {
    if (text.compare(toks.tokens[i - 2].begin, 3, "var") != 0 || toks.tokens[i - 2].end - toks.tokens[i - 2].begin != 3) return {};
    FileId f = kNoFile;
    if (const ast::Stmt* v = findVariable(a.comp->program, word, &f)) return {v->labels[0].range};
    return {};
  }
  Tok next = toks.kinds[i + 1];
  if (next == Tok::Assign && (i == 0 || toks.kinds[i - 1] != Tok::Let)) return {};  // a field name
  if (auto d = resolve(a.comp->program, a.root, offset, word)) return {d->range};
  return {};
}

}  // namespace mon::lsp
