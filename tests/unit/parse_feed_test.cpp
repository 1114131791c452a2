// A large file parsed in pieces while its statements are taken (StatementFeed): the statements
// and diagnostics are exactly a parse of the whole file with recovery, wherever its errors are,
// and the compiler driver, which expands each piece as it comes, reports what loading every
// file first and expanding afterwards reports.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "diag/render.h"
#include "harness.h"
#include "ir/ir.h"
#include "parse/parse.h"

namespace {

// `n` top-level statements of every kind, cycling, about 22 tokens each: 9,000 of them are well
// above the size parsed on several threads (kParallelTokens). Statement i holds "w<i> = <i>".
std::string statements(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    std::string k = std::to_string(i);
    switch (i % 6) {
      case 0: out += "monitor host \"m" + k + "\" { w" + k + " = " + k + " memo = \"a\\tb ${x}\" }\n"; break;
      case 1: out += "let l" + k + " = { w" + k + " = " + k + ", b = [1, 2, \"three\"] }\n"; break;
      case 2: out += "if x > 1 { a { w" + k + " = " + k + " } } else { b { c = 2 } }\n"; break;
      case 3: out += "for i in [1, 2] { monitor expression \"e${i}\" { w" + k + " = " + k + " } }\n"; break;
      case 4: out += "template t" + k + "(p, q = 2) { monitor host \"t\" { w" + k + " = " + k + " } }\n"; break;
      default: out += "use t4(p = 1)\nlet w" + k + " = " + k + "\ndashboard \"d\" { graph g { w = f(1, -2) } }\n";
    }
  }
  return out;
}

// `text` with statement i's "w<i> = <i>" replaced by `with`.
std::string breakAt(std::string text, int i, const std::string& with) {
  std::string k = std::to_string(i), what = "w" + k + " = " + k;
  size_t at = text.find(what);
  REQUIRE(at != std::string::npos);
  return text.replace(at, what.size(), with);
}

void sign(const mon::ast::Expr* e, std::string& out);
void sign(const mon::ast::List<mon::ast::StmtPtr>& list, std::string& out);

void sign(const mon::Range& r, std::string& out) { out += std::to_string(r.begin) + "-" + std::to_string(r.end) + " "; }

void sign(const mon::ast::Expr* e, std::string& out) {
  if (!e) {
    out += "_ ";
    return;
  }
  out += "e" + std::to_string(int(e->kind)) + ":" + std::string(e->text) + ":";
  sign(e->range, out);
  for (const auto& p : e->parts) {
    out += "'" + std::string(p.text) + "' ";
    sign(p.expr.get(), out);
  }
  for (const auto& i : e->items) sign(i.get(), out);
  for (const auto& m : e->entries) {
    out += std::string(m.key) + "=";
    sign(m.value.get(), out);
  }
  for (const auto& a : e->args) sign(a.value.get(), out);
}

void sign(const mon::ast::List<mon::ast::StmtPtr>& list, std::string& out) {
  out += "[";
  for (const auto& st : list) {
    if (!st) {
      out += "null ";
      continue;
    }
    out += "s" + std::to_string(int(st->kind)) + ":" + std::string(st->name) + ":";
    sign(st->range, out);
    for (const auto& l : st->labels) {
      out += std::string(l.word) + " ";
      sign(l.string.get(), out);
    }
    for (const auto& p : st->params) sign(p.defaultValue.get(), out);
    for (const auto& a : st->args) sign(a.value.get(), out);
    sign(st->value.get(), out);
    sign(st->body, out);
    sign(st->elseBody, out);
  }
  out += "]\n";
}

// Everything later passes read of a tree, as text.
std::string signature(const mon::ast::File& f) {
  std::string out;
  sign(f.stmts, out);
  for (const auto& c : f.comments) out += std::string(c.text) + "\n";
  return out;
}

std::string rendered(const mon::SourceManager& sm, const mon::DiagEngine& d) {
  return mon::renderText(sm, d.all(), false);
}

struct Both {
  std::string pieces, whole, piecesDiags, wholeDiags;
  size_t errors = 0;
};

Both parseBothWays(const std::string& text) {
  mon::SourceManager sm;
  mon::FileId id = sm.add("big.mon", text);
  mon::DiagEngine a, b;
  Both out;
  out.pieces = signature(mon::parse(sm, id, a));
  out.whole = signature(mon::parseWithRecovery(sm, id, b));
  out.piecesDiags = rendered(sm, a);
  out.wholeDiags = rendered(sm, b);
  out.errors = a.errorCount();
  return out;
}

}  // namespace

TEST_CASE("parse feed: wherever a large file's errors are, the pieces give what a parse of the whole file gives") {
  const std::string text = statements(9000);
  struct Case {
    std::string what;
    std::string text;
  };
  std::vector<Case> cases = {
      {"no error", text},
      {"a syntax error in the first piece", breakAt(text, 3, "w3 3")},
      {"a syntax error in the middle", breakAt(text, 3000, "w3000 3000")},
      {"a syntax error in the last statement", breakAt(text, 8999, "w8999 = ")},
      {"a bad escape before a syntax error", breakAt(breakAt(text, 12, "w12 = \"\\q\""), 4000, "w4000 4000")},
      {"a bad escape after a syntax error", breakAt(breakAt(text, 2000, "w2000 = ]"), 5000, "w5000 = \"\\q\"")},
      {"two syntax errors pieces apart", breakAt(breakAt(text, 1500, "w1500 ="), 4500, "= 4500")},
      {"an unclosed brace: no cut is certain after it", breakAt(text, 3000, "w3000 = { 3000")},
      {"a stray closing brace", breakAt(text, 1000, "w1000 = 1000 }")},
      {"an unterminated string: the lexer stops", breakAt(text, 4000, "w4000 = \"never closed")},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    Both b = parseBothWays(c.text);
    CHECK(b.pieces == b.whole);
    CHECK(b.piecesDiags == b.wholeDiags);
    CHECK((b.errors == 0) == (c.text == text));
  }
}

TEST_CASE("parse feed: statements are taken piece by piece, the diagnostics once all are taken") {
  const std::string text = breakAt(statements(9000), 3000, "w3000 = \"\\q\"");
  mon::SourceManager sm;
  mon::FileId id = sm.add("big.mon", text);
  mon::DiagEngine whole;
  std::string expected = signature(mon::parse(sm, id, whole));
  REQUIRE(whole.errorCount() == 1);

  mon::DiagEngine lexed, rest;
  std::unique_ptr<mon::StatementFeed> feed;
  mon::ast::File file = mon::parseIncrementally(id, sm.sharedText(id), lexed, feed);
  REQUIRE(feed);
  CHECK(file.stmts.empty());
  size_t takes = 0, before = 0;
  while (feed->next(file, rest)) {
    ++takes;
    CHECK(file.stmts.size() >= before);
    before = file.stmts.size();
    if (file.stmts.size() < 5000) CHECK(rest.all().empty());  // reported at the end only
  }
  CHECK(takes > 10);  // in pieces, not at once
  CHECK(!feed->next(file, rest));  // stays at the end, reporting nothing more
  CHECK(signature(file) == expected);
  CHECK(rendered(sm, rest) == rendered(sm, whole));

  // A file parsed on one thread anyway comes back whole, without a feed.
  mon::FileId small = sm.add("small.mon", statements(60));
  std::unique_ptr<mon::StatementFeed> none;
  mon::DiagEngine smallDiags;
  CHECK(mon::parseIncrementally(small, sm.sharedText(small), smallDiags, none).stmts.size() == 80);  // 10 of the 60 make three
  CHECK(!none);

  // A feed dropped before its end stops its threads (the test would not end otherwise).
  mon::DiagEngine d;
  std::unique_ptr<mon::StatementFeed> dropped;
  mon::ast::File part = mon::parseIncrementally(id, sm.sharedText(id), d, dropped);
  REQUIRE(dropped->next(part, d));
  dropped.reset();
  CHECK(!part.stmts.empty());
}

namespace {

// The diagnostics and the IR of compiling `paths`, loading every file first (keepSyntax) or
// expanding each piece of each file as it is parsed (what build and check do).
std::pair<std::string, std::string> compiled(const std::map<std::string, std::string>& files,
                                             const std::vector<std::string>& paths, bool keepSyntax) {
  montest::MemReader reader(files);
  mon::Compilation c;
  mon::CompileOptions opts;
  opts.keepSyntax = keepSyntax;
  mon::compile(paths, opts, reader, c);
  return {mon::renderText(c.sources, c.diags.all(), false), mon::ir::toJson(c.module, c.sources).dump()};
}

// `n` host monitors, about 30 tokens each; monitor i's memo is "w<i> = <i>" (for breakAt()).
std::string monitorStatements(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    std::string k = std::to_string(i);
    out += "monitor host \"m" + k + "\" {\n  metric = \"cpu%\"\n  operator = \">\"\n  warning = " +
           std::to_string(i % 90) + "\n  critical = 95\n  duration = 5m\n  memo = \"w" + k + " = " + k + "\"\n}\n";
  }
  return out;
}

}  // namespace

TEST_CASE("parse feed: a build that expands a large file as it is parsed reports what loading it first does") {
  const std::string big = monitorStatements(6000);
  auto same = [](const std::map<std::string, std::string>& files, const std::vector<std::string>& paths) {
    auto incremental = compiled(files, paths, false), loaded = compiled(files, paths, true);
    CHECK(incremental.first == loaded.first);
    CHECK(incremental.second == loaded.second);
    return incremental.first;
  };
  SUBCASE("valid") { CHECK(same({{"big.mon", big}}, {"big.mon"}) == ""); }
  SUBCASE("a syntax error and an expansion error") {
    std::string text = breakAt(breakAt(big, 4000, "\" = \""), 100, "\"\n  colour = 1\n  memo = \"");
    std::string diags = same({{"big.mon", text}}, {"big.mon"});
    CHECK(diags.find("big.mon:") != std::string::npos);
  }
  SUBCASE("an import at the top of a file with errors, and an error of the file after it") {
    std::map<std::string, std::string> files = {
        {"big.mon", "import \"lib.mon\"\n" + breakAt(big, 2000, "\\q")},
        {"lib.mon", "let x = = 1\n"},
        {"next.mon", "monitor host \"n\" { metric = \"cpu%\" operator = \">\" warning = \n}\n"}};
    same(files, {"big.mon", "next.mon"});
  }
  SUBCASE("an import far down a large file") {
    std::string text = big;
    text.insert(text.find("monitor host \"m4000\""), "import \"lib.mon\"\n");
    same({{"big.mon", breakAt(text, 1000, "\\q")}, {"lib.mon", "let x = = 1\n"}}, {"big.mon"});
  }
  SUBCASE("a variable read in a large file") {
    std::string text = "variable \"level\" { default = 5 }\n" + breakAt(big, 3000, "${var.level}");
    same({{"big.mon", text}}, {"big.mon"});
  }
}

TEST_CASE("parse feed: past the error limit, the rest is said once, at the end") {
  // A bad escape in each of 1,500 statements and a syntax error half way: more errors than the
  // limit, from the pieces, the syntax and the rest parsed with recovery.
  std::string text;
  for (int i = 0; i < 9000; ++i) {
    std::string k = std::to_string(i);
    text += "monitor host \"m" + k + "\" { memo = \"" + (i % 6 == 0 ? "\\q" : "a") + "\" w = " + k + " }\n";
  }
  for (const std::string& broken : {text, breakAt(text + "let w5000 = 5000\n", 5000, "w5000 = = 5000")}) {
    mon::SourceManager sm;
    mon::FileId id = sm.add("big.mon", broken);
    mon::DiagEngine d;
    d.setErrorLimit(1000);
    mon::parse(sm, id, d);
    auto codes = montest::codes(d);
    CHECK(d.errorCount() == 1000);
    CHECK(std::count(codes.begin(), codes.end(), "err_too_many_errors") == 1);
    CHECK(codes.back() == "err_too_many_errors");
  }
}

TEST_CASE("parse feed: the loader keeps a large file's statements to a feed only while it loads lazily") {
  const std::string big = statements(9000);
  for (bool everything : {false, true}) {
    CAPTURE(everything);
    montest::MemReader reader({{"big.mon", big}});
    mon::SourceManager sm;
    mon::DiagEngine diags;
    mon::Program program;
    mon::RootLoader loader({"big.mon"}, sm, diags, reader, program, 1, /*lazyImports=*/true);
    // Told to load everything (a source that uses variables), the files parsed ahead come whole:
    // a feed would only keep its threads waiting.
    if (everything) loader.parseAheadAll();
    mon::FileId id = loader.loadRoot(0);
    REQUIRE(id != mon::kNoFile);
    mon::LoadedFile& lf = program.files.at(id);
    CHECK((lf.rest == nullptr) == everything);
    size_t before = lf.ast.stmts.size();
    while (loader.more(id)) {
    }
    CHECK(lf.ast.stmts.size() == 12000);  // 1,500 of the 9,000 make three
    CHECK((before == lf.ast.stmts.size()) == everything);
  }
}
