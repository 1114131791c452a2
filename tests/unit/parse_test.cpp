// parse(): the generic AST it builds and how it recovers from syntax errors.
#include <doctest/doctest.h>

#include <algorithm>

#include "harness.h"
#include "parse/lexer.h"
#include "parse/chunks.h"
#include "parse/parse.h"

namespace {

struct Parsed {
  mon::SourceManager sm;
  mon::DiagEngine diags;
  mon::ast::File file;
};

std::unique_ptr<Parsed> parseText(const std::string& text) {
  auto p = std::make_unique<Parsed>();
  mon::FileId id = p->sm.add("t.mon", text);
  p->file = mon::parse(p->sm, id, p->diags);
  return p;
}

using mon::ast::ExprKind;
using mon::ast::StmtKind;

}  // namespace

TEST_CASE("parse: block with labels, attributes and a nested block") {
  auto p = parseText(R"(monitor host "CPU ${x}" { warning = 70  scopes = ["a", "b"] inner { y = null } })");
  CHECK(p->diags.all().empty());
  REQUIRE(p->file.stmts.size() == 1);
  const auto& b = *p->file.stmts[0];
  CHECK(b.kind == StmtKind::Block);
  CHECK(b.name == "monitor");
  REQUIRE(b.labels.size() == 2);
  CHECK(b.labels[0].isWord);
  CHECK(b.labels[0].word == "host");
  REQUIRE(b.labels[1].string);
  REQUIRE(b.labels[1].string->parts.size() == 2);
  CHECK(b.labels[1].string->parts[0].text == "CPU ");
  REQUIRE(b.labels[1].string->parts[1].expr);
  CHECK(b.labels[1].string->parts[1].expr->kind == ExprKind::Ident);
  REQUIRE(b.body.size() == 3);
  CHECK(b.body[0]->kind == StmtKind::Attribute);
  CHECK(b.body[0]->name == "warning");
  CHECK(b.body[0]->value->kind == ExprKind::Number);
  CHECK(b.body[0]->value->number == 70);
  CHECK(b.body[1]->value->kind == ExprKind::List);
  CHECK(b.body[1]->value->items.size() == 2);
  CHECK(b.body[2]->kind == StmtKind::Block);
  CHECK(b.body[2]->body[0]->value->kind == ExprKind::Null);
  // Ranges are byte offsets into the file.
  CHECK(b.nameRange.begin == 0);
  CHECK(b.nameRange.end == 7);
  CHECK(b.body[0]->nameRange.begin == 26);
}

TEST_CASE("parse: control statements") {
  auto p = parseText(R"(
import "other.mon"
let a = 1
template t(x, y = 2) { m { v = x } }
use t(1, y = 3)
for k, v in { a = 1 } { }
if a == 1 { } else if a == 2 { } else { z { } }
)");
  CHECK(p->diags.all().empty());
  REQUIRE(p->file.stmts.size() == 6);
  CHECK(p->file.stmts[0]->kind == StmtKind::Import);
  CHECK(p->file.stmts[0]->value->parts[0].text == "other.mon");
  CHECK(p->file.stmts[1]->kind == StmtKind::Let);
  const auto& t = *p->file.stmts[2];
  CHECK(t.kind == StmtKind::Template);
  REQUIRE(t.params.size() == 2);
  CHECK(t.params[0].name == "x");
  CHECK_FALSE(t.params[0].defaultValue);
  CHECK(t.params[1].name == "y");
  REQUIRE(t.params[1].defaultValue);
  const auto& u = *p->file.stmts[3];
  CHECK(u.kind == StmtKind::Use);
  REQUIRE(u.args.size() == 2);
  CHECK(u.args[0].name.empty());
  CHECK(u.args[1].name == "y");
  const auto& f = *p->file.stmts[4];
  CHECK(f.kind == StmtKind::For);
  CHECK(f.name == "k");
  CHECK(f.name2 == "v");
  CHECK(f.value->kind == ExprKind::Map);
  const auto& i = *p->file.stmts[5];
  CHECK(i.kind == StmtKind::If);
  CHECK(i.hasElse);
  CHECK(i.elseIsIf);
  REQUIRE(i.elseBody.size() == 1);
  CHECK(i.elseBody[0]->hasElse);
  CHECK_FALSE(i.elseBody[0]->elseIsIf);
  CHECK(i.elseBody[0]->elseBody.size() == 1);
}

TEST_CASE("parse: expression precedence") {
  auto p = parseText("a = x || y && !z == w\nb = -m.k[0]\nc = (1 || 2) && 3\nd = f(1, 2)");
  CHECK(p->diags.all().empty());
  REQUIRE(p->file.stmts.size() == 4);
  const auto& a = *p->file.stmts[0]->value;
  CHECK(a.kind == ExprKind::Binary);
  CHECK(a.text == "||");
  CHECK(a.items[1]->text == "&&");
  CHECK(a.items[1]->items[1]->text == "==");
  CHECK(a.items[1]->items[1]->items[0]->kind == ExprKind::Unary);
  const auto& b = *p->file.stmts[1]->value;
  CHECK(b.kind == ExprKind::Unary);
  CHECK(b.items[0]->kind == ExprKind::Index);
  CHECK(b.items[0]->items[0]->kind == ExprKind::Member);
  CHECK(b.items[0]->items[0]->text == "k");
  const auto& c = *p->file.stmts[2]->value;
  CHECK(c.text == "&&");
  CHECK(c.items[0]->text == "||");
  const auto& d = *p->file.stmts[3]->value;
  CHECK(d.kind == ExprKind::Call);
  CHECK(d.args.size() == 2);
}

TEST_CASE("parse: literals are decoded") {
  auto p = parseText(R"(a = "q\"\\\n\t\r\$x \u{1F600}\u{e9}"  b = 1h30m  c = 0.25  d = { "K-1" = 1, k2: 2 } e = true)");
  CHECK(p->diags.all().empty());
  REQUIRE(p->file.stmts.size() == 5);
  CHECK(p->file.stmts[0]->value->parts[0].text == "q\"\\\n\t\r$x \xF0\x9F\x98\x80\xC3\xA9");
  CHECK(p->file.stmts[1]->value->kind == ExprKind::Duration);
  CHECK(p->file.stmts[1]->value->durationMs == 5400000);
  CHECK(p->file.stmts[2]->value->number == 0.25);
  const auto& m = *p->file.stmts[3]->value;
  REQUIRE(m.entries.size() == 2);
  CHECK(m.entries[0].key == "K-1");
  CHECK(m.entries[0].quotedKey);
  CHECK(m.entries[1].key == "k2");
  CHECK(p->file.stmts[4]->value->boolean);
}

TEST_CASE("parse: bad escapes are reported at the backslash") {
  auto p = parseText(R"(a = "x\qy" b = "\u{110000}" c = "\u{D800}" d = "\u12")");
  CHECK(montest::codes(p->diags) ==
        std::vector<std::string>{"err_bad_escape", "err_bad_unicode_escape", "err_bad_unicode_escape", "err_bad_unicode_escape"});
  CHECK(p->diags.all()[0].range.begin == 6);
  CHECK(p->diags.all()[0].message == "unknown escape sequence '\\q' (write '\\\\' for a backslash)");
}

TEST_CASE("parse: several syntax errors in one file, good statements kept") {
  auto p = parseText(R"(monitor host "a" { metric = }
let = 3
monitor host "b" { warning 70 }
dashboard "ok" { url_path = "x" }
)");
  CHECK(p->diags.errorCount() >= 3);
  for (const auto& d : p->diags.all()) CHECK(d.severity == mon::Severity::Error);
  // Each error is on its own line.
  std::vector<uint32_t> lines;
  for (const auto& d : p->diags.all()) lines.push_back(p->sm.lineCol(d.range.file, d.range.begin).line);
  CHECK(std::find(lines.begin(), lines.end(), 1u) != lines.end());
  CHECK(std::find(lines.begin(), lines.end(), 2u) != lines.end());
  CHECK(std::find(lines.begin(), lines.end(), 3u) != lines.end());
  bool sawDashboard = false;
  for (const auto& s : p->file.stmts)
    if (s->kind == StmtKind::Block && s->name == "dashboard") sawDashboard = true;
  CHECK(sawDashboard);
}

TEST_CASE("parse: missing closing brace and stray tokens") {
  auto p = parseText("monitor host \"a\" {\n  warning = 1\n");
  REQUIRE(p->diags.errorCount() >= 1);
  CHECK(p->diags.all()[0].message.find("end of file") != std::string::npos);
  auto q = parseText("a = 1 ) b = 2");
  REQUIRE(q->diags.errorCount() >= 1);
  CHECK(q->diags.all()[0].message == "expected a field, a block or a statement, found ')'");
}

TEST_CASE("parse: interpolated import path is an error") {
  auto p = parseText("import \"${x}.mon\"");
  CHECK(montest::codes(p->diags) == std::vector<std::string>{"err_import_not_literal"});
}

TEST_CASE("parse: a number too large for a double") {
  auto p = parseText("a = 1e999");
  CHECK(montest::codes(p->diags) == std::vector<std::string>{"err_bad_number"});
}

TEST_CASE("parse: long flat inputs") {
  std::string big;
  for (int i = 0; i < 3000; ++i) big += "monitor host \"m" + std::to_string(i) + "\" { warning = " + std::to_string(i) + " }\n";
  auto p = parseText(big);
  CHECK(p->diags.all().empty());
  CHECK(p->file.stmts.size() == 3000);
}

TEST_CASE("parse: recovery that conjures a missing token does not crash") {
  // ANTLR inserts the missing name here; it used to dereference a null token source.
  for (const char* src : {"let = 3", "let = 3\nlet b = 1", "template (x) { }", "use (1)", "for in [1] { }",
                          "for a, in [1] { }", "monitor host \"x\" { a = }", "m { = 1 }", "import", "if { }",
                          "x = [1, 2", "x = { a = 1", "x = \"${}\"", "x = f(,)", "let a = 1 let = 2 let c = 3"}) {
    CAPTURE(src);
    auto p = parseText(src);
    CHECK(p->diags.hasErrors());
    for (const auto& d : p->diags.all()) {
      CHECK(d.range.valid());
      CHECK(d.range.begin <= std::string(src).size());
    }
  }
  auto p = parseText("let = 3\nlet b = 1");
  REQUIRE(p->file.stmts.size() == 2);
  CHECK(p->file.stmts[0]->name.empty());
  CHECK(p->file.stmts[1]->name == "b");
}

TEST_CASE("parse: deep but legal nesting and long chains") {
  std::string deep = "a = " + std::string(mon::kMaxNesting - 1, '[') + std::string(mon::kMaxNesting - 1, ']');
  CHECK(parseText(deep)->diags.all().empty());
  // 5,000 links: the release build takes the lexer's whole 20,000, but under ASan (how CI runs
  // this) each level of the tree builder needs several times the stack.
  std::string chain = "a = x";
  for (int i = 0; i < 5000; ++i) chain += ".y";
  auto p = parseText(chain);
  CHECK(p->diags.all().empty());
  std::string elif = "if a { }";
  for (int i = 0; i < mon::kMaxElseIf - 1; ++i) elif += " else if a { }";
  CHECK(parseText(elif)->diags.all().empty());
}

TEST_CASE("parse: statement pieces are cut only where a top-level statement begins") {
  auto lexed = [](const std::string& text, mon::DiagEngine& d) { return mon::lex(0, text, d).tokens; };
  mon::DiagEngine d;
  // Target 1 token: cut at every place that allows it.
  std::string text = "a { }\nb { }\nif x { } else { }\nlet m = { k = 1 }\nc \"${ {a = 1}.a }\" { }\nt = {k = 1}.k\n";
  auto tokens = lexed(text, d);
  auto pieces = mon::statementChunks(tokens, 1);
  std::vector<size_t> starts;
  for (const auto& p : pieces) starts.push_back(tokens[p.begin].begin);
  // Not before `else` (the if goes on), not inside the interpolation (its braces are nested in
  // the string), not inside `{k = 1}.k` (a `.` after the brace continues the expression).
  CHECK(starts == std::vector<size_t>{0, text.find("b {"), text.find("if"), text.find("let"), text.find("c \""),
                                      text.find("t =")});
  // Together the pieces cover every token but the end of file, in order.
  size_t next = 0;
  for (const auto& p : pieces) {
    CHECK(p.begin == next);
    next = p.end;
  }
  CHECK(next == tokens.size() - 1);
  // A large target keeps the file whole.
  CHECK(mon::statementChunks(tokens, 1000000).size() == 1);
}

TEST_CASE("parse: a file parsed in pieces gives the statements in order, errors where they are") {
  std::string text;
  for (int i = 0; i < 3000; ++i)
    text.append("monitor host \"m").append(std::to_string(i)).append("\" { warning = ").append(std::to_string(i))
        .append(" memo = \"a\\tb ${x}\" }\n");
  auto p = parseText(text);
  CHECK(p->diags.all().empty());
  REQUIRE(p->file.stmts.size() == 3000);
  for (int i : {0, 1, 1499, 2999}) {
    const auto& st = *p->file.stmts[i];
    CHECK(st.labels[1].string->parts[0].text == "m" + std::to_string(i));
    CHECK(st.body[0]->value->number == i);
    CHECK(st.body[1]->value->parts[0].text == "a\tb ");
  }
  // A syntax error in a late piece: the file is parsed again with recovery from that piece on,
  // and the error is reported once, at its place; the statements around it are kept.
  std::string broken = text;
  size_t at = broken.find("warning = 2500 ");
  broken.replace(at, 15, "warning 2500 ");
  auto q = parseText(broken);
  REQUIRE(q->diags.all().size() == 1);
  CHECK(q->sm.lineCol(q->diags.all()[0].range.file, q->diags.all()[0].range.begin).line == 2501);
  CHECK(q->file.stmts.size() == 3000);
}

TEST_CASE("parse: names and plain literals are views of the source text, which the tree keeps alive") {
  mon::ast::File file;
  const char* textStart = nullptr;
  {
    mon::SourceManager sm;
    mon::DiagEngine diags;
    mon::FileId id = sm.add("t.mon", "# top\nlet plain = \"no escapes here\"\nlet esc = \"a\\\"b\\u{e9}\"\nm x { k = n1 }\n");
    textStart = sm.text(id).data();
    file = mon::parse(sm, id, diags);
    CHECK(diags.all().empty());
  }  // the source manager, and its hold on the text, are gone
  REQUIRE(file.stmts.size() == 3);
  const auto& plain = *file.stmts[0];
  CHECK(plain.name == "plain");
  CHECK(plain.name.data() == textStart + 10);  // no copy: the bytes are the source's own
  CHECK(plain.value->parts[0].text == "no escapes here");
  CHECK(plain.value->parts[0].text.data() == textStart + 19);
  // Decoded text is not in the source; it is as long as it decodes to.
  CHECK(file.stmts[1]->value->parts[0].text == "a\"b\xC3\xA9");
  CHECK(file.stmts[1]->value->parts[0].text.size() == 5);
  CHECK(file.stmts[2]->labels[0].word == "x");
  CHECK(file.stmts[2]->body[0]->value->text == "n1");
  REQUIRE(file.comments.size() == 1);
  CHECK(file.comments[0].text == "# top");
}

TEST_CASE("parse: a tree's strings outlive a move of its statements into another tree with its store") {
  auto region = parseText("a = \"x\\ty\"\nb = name\n");
  mon::ast::File next;
  {
    auto kept = parseText("c = \"p\\nq\"\n");
    next.strings = std::move(kept->file.strings);
    next.strings.splice(std::move(region->file.strings));
    for (auto& st : kept->file.stmts) next.stmts.push_back(std::move(st));
  }
  for (auto& st : region->file.stmts) next.stmts.push_back(std::move(st));
  region.reset();
  REQUIRE(next.stmts.size() == 3);
  CHECK(next.stmts[0]->value->parts[0].text == "p\nq");
  CHECK(next.stmts[1]->value->parts[0].text == "x\ty");
  CHECK(next.stmts[2]->value->text == "name");
  CHECK(next.strings.keptBytes() > 0);
}
