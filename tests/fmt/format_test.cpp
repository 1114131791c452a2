// Library-level tests of format() (the entry point the language server calls): it keeps the
// meaning of the tree (same AST up to positions), keeps every comment, is idempotent, and
// breaks a list exactly when it would pass column 100.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "diag/render.h"
#include "fmt/format.h"
#include "parse/parse.h"

namespace fs = std::filesystem;
using namespace mon;

namespace {

// A position-free dump of an expression or statement tree.
void dump(const ast::Expr* e, std::ostream& o) {
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

void dump(const std::vector<ast::StmtPtr>& stmts, std::ostream& o);

void dump(const ast::Stmt& s, std::ostream& o) {
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

void dump(const std::vector<ast::StmtPtr>& stmts, std::ostream& o) {
  for (const auto& s : stmts) dump(*s, o);
}

struct Parsed {
  SourceManager sm;
  DiagEngine diags;
  ast::File file;
};

std::unique_ptr<Parsed> parseText(const std::string& text) {
  auto p = std::make_unique<Parsed>();
  FileId id = p->sm.add("test.mon", text);
  p->file = parse(p->sm, id, p->diags);
  return p;
}

std::string treeOf(const ast::File& f) {
  std::ostringstream o;
  dump(f.stmts, o);
  return o.str();
}

std::vector<std::string> commentsOf(const ast::File& f) {
  std::vector<std::string> out;
  for (const auto& c : f.comments) {
    std::string t = c.text;
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
    out.push_back(t);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string formatText(const std::string& text) {
  auto p = parseText(text);
  REQUIRE_MESSAGE(!p->diags.hasErrors(), renderText(p->sm, p->diags.all()));
  return format(p->sm, p->file);
}

// Formats `text` and checks every property the formatter promises.
void checkProperties(const std::string& name, const std::string& text) {
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

std::vector<fs::path> monFiles(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".mon") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("golden inputs: same tree, same comments, idempotent, equal to the golden") {
  auto files = monFiles(MON_FMT_CASES);
  REQUIRE(files.size() >= 5);
  for (const auto& f : files) {
    std::string text = readFile(f);
    checkProperties(f.string(), text);
    fs::path golden = f;
    golden.replace_extension(".fmt");
    CHECK_MESSAGE(formatText(text) == readFile(golden), f.string());
  }
}

TEST_CASE("examples keep their tree and comments") {
  auto files = monFiles(MON_EXAMPLES);
  REQUIRE(!files.empty());
  for (const auto& f : files) checkProperties(f.string(), readFile(f));
}

TEST_CASE("empty and comment-only files") {
  CHECK(formatText("") == "");
  CHECK(formatText("\n\n  \n") == "");
  CHECK(formatText("# only\n\n\n// two   \n") == "# only\n\n// two\n");
  CHECK(formatText("a = 1") == "a = 1\n");
}

TEST_CASE("a list breaks exactly when it would pass column 100") {
  // `let v = ["xxx...", 1]` is 15 columns plus the x's.
  for (int len = 90; len <= 110; ++len) {
    std::string item(static_cast<size_t>(len - 15), 'x');
    std::string flat = "let v = [\"" + item + "\", 1]";
    REQUIRE(static_cast<int>(flat.size()) == len);
    std::string got = formatText(flat);
    if (len <= 100) CHECK(got == flat + "\n");
    else CHECK(got == "let v = [\n  \"" + item + "\",\n  1,\n]\n");
  }
}

TEST_CASE("parentheses only where precedence needs them") {
  CHECK(formatText("x = ((a && b)) || (c)") == "x = a && b || c\n");
  CHECK(formatText("x = a && (b || c)") == "x = a && (b || c)\n");
  CHECK(formatText("x = a == (b == c)") == "x = a == (b == c)\n");
  CHECK(formatText("x = !(a == b)") == "x = !(a == b)\n");
  CHECK(formatText("x = (-a).b") == "x = (-a).b\n");
  CHECK(formatText("x = -(a.b)") == "x = -a.b\n");
  CHECK(formatText("x = (a || b) && !c") == "x = (a || b) && !c\n");
}

TEST_CASE("strings are re-escaped the way the lexer reads them") {
  CHECK(formatText(R"(x = "a\$b \${c} $${d} \u{41}\u{1}")") == "x = \"a$b \\${c} $${d} A\\u{1}\"\n");
  CHECK(formatText("x = \"two\nlines\"") == "x = \"two\\nlines\"\n");
  CHECK(formatText(R"(m = { "k" : "v" , b : 1 })") == "m = { \"k\" = \"v\", b = 1 }\n");
}

TEST_CASE("format() reads only its own file from a shared SourceManager") {
  SourceManager sm;
  DiagEngine diags;
  sm.add("other.mon", "b   =   2\n");
  FileId id = sm.add("this.mon", "a   =   1\n");
  ast::File f = parse(sm, id, diags);
  CHECK(format(sm, f) == "a = 1\n");
  CHECK(sm.text(id) == "a   =   1\n");
}
