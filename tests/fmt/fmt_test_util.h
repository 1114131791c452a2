#pragma once
// Helpers shared by the formatter's doctests: parse text, dump a tree without positions,
// and check the properties every formatted file must have.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "diag/render.h"
#include "fmt/format.h"
#include "parse/parse.h"

namespace fs = std::filesystem;
using namespace mon;


// A position-free dump of an expression or statement tree.
inline void dump(const ast::Expr* e, std::ostream& o) {
  if (!e) {
    o << "~";
    return;
  }
  o << "(" << static_cast<int>(e->kind) << " " << e->text;
  if (e->kind == ast::ExprKind::Bool) o << (e->boolean ? " true" : " false");
  for (const auto& p : e->parts) {
    if (p.expr) dump(p.expr.get(), o);
    else o << " '" << p.text << "'";
  }
  for (const auto& x : e->items) dump(x.get(), o);
  for (const auto& m : e->entries) {
    o << " " << (m.quotedKey ? "q:" : "k:") << m.key << "=";
    dump(m.value.get(), o);
  }
  for (const auto& a : e->args) {
    o << " " << a.name << "=";
    dump(a.value.get(), o);
  }
  o << ")";
}

void dump(const ast::List<ast::StmtPtr>& stmts, std::ostream& o);

inline void dump(const ast::Stmt& s, std::ostream& o) {
  o << "[" << static_cast<int>(s.kind) << " " << s.name << " " << s.name2 << " ";
  dump(s.value.get(), o);
  for (const auto& l : s.labels) {
    if (l.isWord) o << " w:" << l.word;
    else dump(l.string.get(), o);
  }
  for (const auto& p : s.params) {
    o << " p:" << p.name;
    if (p.defaultValue) dump(p.defaultValue.get(), o);
  }
  for (const auto& a : s.args) {
    o << " a:" << a.name;
    dump(a.value.get(), o);
  }
  o << " {";
  dump(s.body, o);
  o << "}";
  if (s.hasElse) {
    o << " else" << (s.elseIsIf ? "if" : "") << " {";
    dump(s.elseBody, o);
    o << "}";
  }
  o << "]\n";
}

inline void dump(const ast::List<ast::StmtPtr>& stmts, std::ostream& o) {
  for (const auto& s : stmts) dump(*s, o);
}

struct Parsed {
  SourceManager sm;
  DiagEngine diags;
  ast::File file;
};

inline std::unique_ptr<Parsed> parseText(const std::string& text) {
  auto p = std::make_unique<Parsed>();
  FileId id = p->sm.add("test.mon", text);
  p->file = parse(p->sm, id, p->diags);
  return p;
}

inline std::string treeOf(const ast::File& f) {
  std::ostringstream o;
  dump(f.stmts, o);
  return o.str();
}

inline std::vector<std::string> commentsOf(const ast::File& f) {
  std::vector<std::string> out;
  for (const auto& c : f.comments) {
    std::string t = c.text;
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
    out.push_back(t);
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string formatText(const std::string& text) {
  auto p = parseText(text);
  REQUIRE_MESSAGE(!p->diags.hasErrors(), renderText(p->sm, p->diags.all()));
  return format(p->sm, p->file);
}

// Formats `text` and checks every property the formatter promises.
inline void checkProperties(const std::string& name, const std::string& text) {
  INFO(name);
  auto in = parseText(text);
  REQUIRE_MESSAGE(!in->diags.hasErrors(), renderText(in->sm, in->diags.all()));
  std::string once = format(in->sm, in->file);
  auto out = parseText(once);
  REQUIRE_MESSAGE(!out->diags.hasErrors(), (renderText(out->sm, out->diags.all()) + once));
  CHECK(treeOf(out->file) == treeOf(in->file));
  CHECK(commentsOf(out->file) == commentsOf(in->file));
  CHECK(format(out->sm, out->file) == once);
  CHECK(once.find(" \n") == std::string::npos);
  CHECK(once.find("\t") == std::string::npos);
  if (!once.empty()) CHECK(once.back() == '\n');
  if (once.size() >= 2) CHECK(once.substr(once.size() - 2) != "\n\n");
}

