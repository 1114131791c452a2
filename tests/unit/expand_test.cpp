// expand(): lets, templates, loops, conditions, variables and imports.
#include <doctest/doctest.h>

#include "harness.h"

using montest::codes;
using montest::expandFiles;
using montest::expandText;

namespace {

// The string labels of the top-level objects, in order.
std::vector<std::string> names(const mon::Expanded& e) {
  std::vector<std::string> out;
  for (const auto& o : e.objects) {
    std::string n;
    for (const auto& l : o.labels)
      if (l.kind == mon::ValueKind::String) n = l.str;
    out.push_back(n);
  }
  return out;
}

const mon::Value& field(const mon::Object& o, const char* name) {
  const mon::Field* f = o.field(name);
  REQUIRE(f);
  return f->value;
}

}  // namespace

TEST_CASE("expand: let is visible from its statement on, in nested bodies") {
  auto e = expandText(R"(
let a = "x"
m "${a}" { v = a  let b = 2  w = b }
m "second" { v = a }
)");
  CHECK(e->diags.all().empty());
  REQUIRE(e->out.objects.size() == 2);
  CHECK(names(e->out) == std::vector<std::string>{"x", "second"});
  CHECK(field(e->out.objects[0], "v").str == "x");
  CHECK(field(e->out.objects[0], "w").number == 2);
}

TEST_CASE("expand: a let in one block is not visible in the next; redefinition is an error") {
  auto e = expandText(R"(
m "a" { let b = 2 }
m "b" { v = "${b}" }
)");
  CHECK(codes(e->diags) == std::vector<std::string>{"err_undefined_name"});
  auto r = expandText("let a = 1\nlet a = 2");
  REQUIRE(codes(r->diags) == std::vector<std::string>{"err_redefined_name"});
  REQUIRE(r->diags.all()[0].notes.size() == 1);
  CHECK(r->diags.all()[0].notes[0].message == "first defined here");
}

TEST_CASE("expand: templates with defaults and named arguments") {
  auto e = expandText(R"(
template t(scope, warn = 70, crit = 90) {
  m "${scope}" { w = warn  c = crit }
}
use t("a")
use t("b", crit = 95)
use t("c", 1, 2)
use t(crit = 5, scope = "d")
)");
  CHECK(e->diags.all().empty());
  REQUIRE(e->out.objects.size() == 4);
  CHECK(names(e->out) == std::vector<std::string>{"a", "b", "c", "d"});
  CHECK(field(e->out.objects[0], "w").number == 70);
  CHECK(field(e->out.objects[0], "c").number == 90);
  CHECK(field(e->out.objects[1], "c").number == 95);
  CHECK(field(e->out.objects[2], "w").number == 1);
  CHECK(field(e->out.objects[3], "c").number == 5);
  // Objects remember the use statement that produced them.
  REQUIRE(e->out.objects[1].useTemplates.size() == 1);
  CHECK(e->out.objects[1].useTemplates[0] == "t");
}

TEST_CASE("expand: template argument errors") {
  std::string tpl = "template t(a, b = 1) { m \"x\" { } }\n";
  CHECK(codes(expandText(tpl + "use t(1, 2, 3)")->diags) == std::vector<std::string>{"err_template_arity"});
  CHECK(codes(expandText(tpl + "use t()")->diags) == std::vector<std::string>{"err_template_missing_arg"});
  CHECK(codes(expandText(tpl + "use t(1, b = 2, b = 3)")->diags) == std::vector<std::string>{"err_template_dup_arg"});
  CHECK(codes(expandText(tpl + "use t(b = 2, 1)")->diags) ==
        std::vector<std::string>{"err_positional_after_named", "err_template_missing_arg"});
  auto unknown = expandText(tpl + "use t(1, bb = 2)");
  REQUIRE(codes(unknown->diags) == std::vector<std::string>{"err_template_unknown_arg"});
  REQUIRE(unknown->diags.all()[0].notes.size() == 2);
  CHECK(unknown->diags.all()[0].notes[0].message == "did you mean 'b'?");
  auto undefined = expandText(tpl + "use tt(1)");
  REQUIRE(codes(undefined->diags) == std::vector<std::string>{"err_undefined_template"});
  CHECK(undefined->diags.all()[0].notes[0].message == "did you mean 't'?");
  CHECK(undefined->out.objects.empty());
}

TEST_CASE("expand: runaway template recursion is an error, not a crash or hang") {
  auto e = expandText("template t(n) { m \"x\" { } use t(n) use t(n) }\nuse t(1)");
  REQUIRE(codes(e->diags) == std::vector<std::string>{"err_template_depth"});
  CHECK(e->diags.all()[0].message.find("64") != std::string::npos);
  CHECK(e->out.objects.size() <= 64);
  // Mutual recursion.
  auto m = expandText("template a() { use b() }\ntemplate b() { use a() }\nuse a()");
  CHECK(codes(m->diags) == std::vector<std::string>{"err_template_depth"});
  // Bounded recursion within the limit is fine.
  auto ok = expandText("template t() { m \"x\" { } }\ntemplate u() { use t() }\nuse u()");
  CHECK(ok->diags.all().empty());
  CHECK(ok->out.objects.size() == 1);
}

TEST_CASE("expand: for over lists and maps") {
  auto e = expandText(R"(
for r in ["web", "api"] { m "${r}" { } }
for k, v in { top = "/", api = "/api" } { m "${k}=${v}" { } }
for k in { one = 1 } { m "${k}" { } }
)");
  CHECK(e->diags.all().empty());
  CHECK(names(e->out) == std::vector<std::string>{"web", "api", "top=/", "api=/api", "one"});
  CHECK(codes(expandText("for a, b in [1] { }")->diags) == std::vector<std::string>{"err_for_two_vars_list"});
  CHECK(codes(expandText("for a in 3 { }")->diags) == std::vector<std::string>{"err_not_iterable"});
  // The loop variable does not leak out of the loop.
  CHECK(codes(expandText("for a in [1] { }\nm \"${a}\" { }")->diags) == std::vector<std::string>{"err_undefined_name"});
}

TEST_CASE("expand: for inside a block makes children") {
  auto e = expandText(R"(d "x" { row { for r in ["a", "b", "c"] { w "${r}" { } } } })");
  CHECK(e->diags.all().empty());
  REQUIRE(e->out.objects.size() == 1);
  REQUIRE(e->out.objects[0].children.size() == 1);
  CHECK(e->out.objects[0].children[0].children.size() == 3);
}

TEST_CASE("expand: if / else if / else") {
  std::string src = R"(
let n = 2
if n == 1 { m "one" { } } else if n == 2 { m "two" { } } else { m "other" { } }
if n > 5 || n < 3 && true { m "yes" { } }
if !(n != 2) { m "eq" { } } else { m "ne" { } }
)";
  auto e = expandText(src);
  CHECK(e->diags.all().empty());
  CHECK(names(e->out) == std::vector<std::string>{"two", "yes", "eq"});
  CHECK(codes(expandText("if 1 { }")->diags) == std::vector<std::string>{"err_type_mismatch"});
}

TEST_CASE("expand: variables with defaults and --var") {
  std::string src = R"(
variable "env" { default = "staging" }
m "${var.env}" { }
)";
  CHECK(names(expandText(src)->out) == std::vector<std::string>{"staging"});
  auto prod = expandText(src, {{"env", "prod"}});
  CHECK(prod->diags.all().empty());
  CHECK(names(prod->out) == std::vector<std::string>{"prod"});
  auto undeclared = expandText(src, {{"region", "eu"}});
  CHECK(codes(undeclared->diags) == std::vector<std::string>{"err_cli_var_undeclared"});
  auto noValue = expandText("variable \"env\" { }\nm \"${var.env}\" { }");
  REQUIRE(codes(noValue->diags) == std::vector<std::string>{"err_variable_not_set"});
  CHECK(noValue->diags.all()[0].notes[0].message == "declared here without a default; pass --var env=VALUE");
  CHECK(codes(expandText("variable \"env\" { }\nm \"${var.env}\" { }", {{"env", "x"}})->diags).empty());
  auto typo = expandText(src + "m \"${var.enx}\" { }");
  REQUIRE(codes(typo->diags) == std::vector<std::string>{"err_undefined_variable"});
  CHECK(typo->diags.all()[0].notes[0].message == "did you mean 'var.env'?");
  CHECK(codes(expandText("variable \"a\" { }\nvariable \"a\" { }")->diags) ==
        std::vector<std::string>{"err_duplicate_variable"});
}

TEST_CASE("expand: imports share templates and lets; cycles and missing files are errors") {
  auto e = expandFiles({{"main.mon", "import \"lib/t.mon\"\nuse t(base)"},
                        {"lib/t.mon", "let base = \"b\"\ntemplate t(x) { m \"${x}\" { } }\nm \"lib\" { }"}});
  CHECK(e->diags.all().empty());
  CHECK(names(e->out) == std::vector<std::string>{"lib", "b"});

  auto cycle = expandFiles({{"main.mon", "import \"a.mon\""}, {"a.mon", "import \"main.mon\""}});
  REQUIRE(codes(cycle->diags) == std::vector<std::string>{"err_import_cycle"});
  CHECK(cycle->diags.all()[0].message.find("'main.mon' -> 'a.mon' -> 'main.mon'") != std::string::npos);
  CHECK(codes(expandText("import \"main.mon\"")->diags) == std::vector<std::string>{"err_import_cycle"});

  auto missing = expandText("import \"nope.mon\"\nm \"still here\" { }");
  REQUIRE(codes(missing->diags) == std::vector<std::string>{"err_import_not_found"});
  CHECK(missing->diags.all()[0].message == "cannot read imported file 'nope.mon': no such file");
  CHECK(names(missing->out) == std::vector<std::string>{"still here"});

  // A file imported twice is loaded once.
  auto twice = expandFiles({{"main.mon", "import \"a.mon\"\nimport \"b.mon\""},
                            {"a.mon", "import \"c.mon\""},
                            {"b.mon", "import \"c.mon\""},
                            {"c.mon", "m \"c\" { }"}});
  CHECK(twice->diags.all().empty());
  CHECK(names(twice->out) == std::vector<std::string>{"c"});
  CHECK(codes(expandText("m \"x\" { import \"a.mon\" }")->diags) == std::vector<std::string>{"err_import_not_top_level"});
}

TEST_CASE("expand: expressions and functions") {
  auto e = expandText(R"(
let l = ["a", "b"]
let m = { k = 1, "Odd-Key" = 2 }
x "y" {
  a = l[1]
  b = m.k
  c = m["Odd-Key"]
  d = join(concat(l, ["c"]), "-")
  e = length(l)
  f = upper("ab")
  g = "${1.5} ${5m} ${true}"
  h = -3
  i = length("h\u{e9}")
}
)");
  CHECK(e->diags.all().empty());
  REQUIRE(e->out.objects.size() == 1);
  const auto& o = e->out.objects[0];
  CHECK(field(o, "a").str == "b");
  CHECK(field(o, "b").number == 1);
  CHECK(field(o, "c").number == 2);
  CHECK(field(o, "d").str == "a-b-c");
  CHECK(field(o, "e").number == 2);
  CHECK(field(o, "f").str == "AB");
  CHECK(field(o, "g").str == "1.5 5m true");
  CHECK(field(o, "h").number == -3);
  CHECK(field(o, "i").number == 2);
  CHECK(codes(expandText("let l = [1]\nx \"${l[3]}\" { }")->diags) == std::vector<std::string>{"err_index_out_of_range"});
  CHECK(codes(expandText("let m = {a = 1}\nx \"${m.b}\" { }")->diags) == std::vector<std::string>{"err_no_such_key"});
  CHECK(codes(expandText("x \"${[1]}\" { }")->diags) == std::vector<std::string>{"err_cannot_interpolate"});
  CHECK(codes(expandText("x \"${lenght([1])}\" { }")->diags) == std::vector<std::string>{"err_unknown_function"});
  CHECK(codes(expandText("x \"${1 < \"a\"}\" { }")->diags) == std::vector<std::string>{"err_bad_operands"});
  CHECK(codes(expandText("let m = { a = 1, a = 2 }")->diags) == std::vector<std::string>{"err_duplicate_field"});
}

TEST_CASE("expand: attributes at the top level are an error") {
  CHECK(codes(expandText("a = 1")->diags) == std::vector<std::string>{"err_field_not_here"});
}

TEST_CASE("expand: long operator chains stop at the evaluation depth limit, not the stack") {
  // The lexer stops a run of more than 1,000 binary operators (the parser recurses once per
  // operator): one error, no follow-on syntax errors from the cut.
  std::string ors = "let x = true\nlet a = x";
  for (int i = 0; i < 5000; ++i) ors += " || x";
  auto e = expandText(ors);
  REQUIRE(codes(e->diags) == std::vector<std::string>{"err_nesting_too_deep"});
  CHECK(e->diags.all()[0].message == "nesting is too deep (more than 1000 levels)");
  CHECK(e->diags.all()[0].range.begin == 22 + 5 * 1000 + 1);  // the 1,001st operator's first byte
  std::string members = "let m = { k = 1 }\nlet a = m";
  for (int i = 0; i < 5000; ++i) members += ".k";
  CHECK(codes(expandText(members)->diags) == std::vector<std::string>{"err_nesting_too_deep"});
  // Within the limit the chain evaluates.
  std::string ok = "let x = false\nlet a = x";
  for (int i = 0; i < 500; ++i) ok += " || x";
  ok += " || true\nm \"${a}\" { }";
  auto fine = expandText(ok);
  CHECK(fine->diags.all().empty());
  CHECK(names(fine->out) == std::vector<std::string>{"true"});
}

TEST_CASE("expand: loops and templates that make nothing still end") {
  std::string l = "let l = [";
  for (int i = 0; i < 40; ++i) l += std::to_string(i) + ",";
  l += "]\n";
  auto loops = expandText(l + "for a in l { for b in l { for c in l { for d in l { for e in l { } } } } }");
  CHECK(codes(loops->diags) == std::vector<std::string>{"err_too_many_steps"});
  std::string tpl = "template t0() { let x = 1 }\n";
  for (int i = 1; i <= 8; ++i) {
    tpl += "template t" + std::to_string(i) + "() {";
    for (int j = 0; j < 10; ++j) tpl += " use t" + std::to_string(i - 1) + "()";
    tpl += " }\n";
  }
  auto fanout = expandText(tpl + "use t8()");
  CHECK(codes(fanout->diags) == std::vector<std::string>{"err_too_many_steps"});
  CHECK(fanout->out.objects.empty());
}

TEST_CASE("expand: a label that fails to evaluate drops its block without follow-on errors") {
  auto e = expandText("m \"${nope}\" { }\nm \"ok\" { }");
  CHECK(codes(e->diags) == std::vector<std::string>{"err_undefined_name"});
  CHECK(names(e->out) == std::vector<std::string>{"ok"});
}

TEST_CASE("expand: strings and lists that grow without bound are stopped") {
  std::string s = "let a0 = \"xxxxxxxxxx\"\n";
  for (int i = 1; i < 12; ++i) {
    s += "let a" + std::to_string(i) + " = \"";
    for (int j = 0; j < 10; ++j) s += "${a" + std::to_string(i - 1) + "}";
    s += "\"\n";
  }
  auto str = expandText(s);
  REQUIRE(codes(str->diags) == std::vector<std::string>{"err_value_too_large"});
  CHECK(str->diags.all()[0].message == "string would be longer than 1048576 bytes (a runaway template or loop?)");
  std::string l = "let l0 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n";
  for (int i = 1; i < 9; ++i) {
    std::string prev = "l" + std::to_string(i - 1);
    l += "let l" + std::to_string(i) + " = concat(" + prev;
    for (int j = 1; j < 10; ++j) l += ", " + prev;
    l += ")\n";
  }
  auto list = expandText(l);
  REQUIRE(codes(list->diags) == std::vector<std::string>{"err_value_too_large"});
  CHECK(list->diags.all()[0].message == "list would be longer than 200000 elements (a runaway template or loop?)");
  // 100,000 elements of up to 2 characters, each with a 10-character separator: over 1 MiB.
  auto joined = expandText(l.substr(0, l.find("let l5")) + "let s = join(l4, \"----------\")");
  CHECK(codes(joined->diags) == std::vector<std::string>{"err_value_too_large"});
}

namespace {

// The `targets` of each top-level object, as "name=[a,b]" ("name=-" without targets).
std::vector<std::string> targetsOf(const std::vector<mon::Object>& objects) {
  std::vector<std::string> out;
  for (const auto& o : objects) {
    std::string n = o.type;
    for (const auto& l : o.labels)
      if (l.kind == mon::ValueKind::String) n = l.str;
    const mon::Field* t = o.field("targets");
    std::string s = n + "=";
    if (!t) s += "-";
    else {
      s += "[";
      for (size_t i = 0; i < t->value.items.size(); ++i) s += (i ? "," : "") + t->value.items[i].str;
      s += "]";
    }
    out.push_back(s);
  }
  return out;
}

// The same files through expandStreaming(), which hands objects over per statement.
std::vector<std::string> streamedTargets(std::map<std::string, std::string> files) {
  mon::SourceManager sm;
  mon::DiagEngine diags;
  montest::MemReader reader(std::move(files));
  mon::Program program = mon::load({"main.mon"}, sm, diags, reader);
  std::vector<mon::Object> objects;
  mon::expandStreaming(program, sm, mon::ExpandOptions{}, diags, [&](mon::Object&& o) { objects.push_back(std::move(o)); });
  return targetsOf(objects);
}

}  // namespace

TEST_CASE("expand: defaults give targets to the file's later objects, not to imported files; own targets win") {
  std::map<std::string, std::string> files = {
      {"main.mon", R"(
import "lib.mon"
let mk = ["demo", "prod"]
defaults { targets = mk }
template t(n) { monitor host "t ${n}" { } }
use t("a")
for x in ["b", "c"] { use t(x) }
if true { record "r" { } }
monitor host "own" { targets = ["prom"] }
dashboard "d" { row { markdown { } } }
target mackerel "prod" { }
)"},
      {"lib.mon", "template lib() { monitor host \"lib-made\" { } }\nmonitor host \"imported\" { }\n"}};
  auto e = expandFiles(files);
  CHECK(e->diags.all().empty());
  std::vector<std::string> want = {"imported=-", "defaults=[demo,prod]", "t a=[demo,prod]", "t b=[demo,prod]",
                                   "t c=[demo,prod]", "r=[demo,prod]", "own=[prom]", "d=[demo,prod]", "prod=-"};
  CHECK(targetsOf(e->out.objects) == want);
  CHECK(streamedTargets(files) == want);
  // The copied field points at the defaults block, so diagnostics about it land there.
  const mon::Field* t = e->out.objects[2].field("targets");
  REQUIRE(t);
  CHECK(e->sm.lineCol(t->nameRange.file, t->nameRange.begin).line == 4);

  // An imported file's own defaults stay in that file; a template defined there and used here
  // takes this file's defaults.
  std::map<std::string, std::string> two = {
      {"main.mon", "import \"lib.mon\"\nuse lib()\nmonitor host \"main\" { }\n"},
      {"lib.mon", "defaults { targets = [\"x\"] }\ntemplate lib() { monitor host \"lib-made\" { } }\n"
                  "monitor host \"imported\" { }\n"}};
  std::vector<std::string> want2 = {"defaults=[x]", "imported=[x]", "lib-made=-", "main=-"};
  CHECK(targetsOf(expandFiles(two)->out.objects) == want2);
  CHECK(streamedTargets(two) == want2);
}

TEST_CASE("expand: defaults errors: a second block, after objects, not a top-level statement") {
  auto dup = expandText("defaults { targets = [\"a\"] }\ndefaults { targets = [\"b\"] }\nmonitor host \"m\" { }");
  REQUIRE(codes(dup->diags) == std::vector<std::string>{"err_duplicate_defaults"});
  CHECK(dup->diags.all()[0].notes[0].message == "the first defaults block is here");
  CHECK(targetsOf(dup->out.objects).back() == "m=[a]");

  auto late = expandText("monitor host \"m\" { }\ndefaults { targets = [\"a\"] }\nmonitor host \"n\" { }");
  REQUIRE(codes(late->diags) == std::vector<std::string>{"err_defaults_after_objects"});
  CHECK(late->diags.all()[0].message == "defaults must come before the objects of the file");
  CHECK(targetsOf(late->out.objects).back() == "n=-");

  // Lets, templates and targets may come first.
  CHECK(codes(expandText("let a = [\"x\"]\ntarget local \"x\" { }\ndefaults { targets = a }\nmonitor host \"m\" { }")->diags)
            .empty());

  auto nested = expandText("template t() { defaults { } }\nuse t()\nif true { defaults { } }\nfor x in [1] { defaults { } }");
  CHECK(codes(nested->diags) ==
        std::vector<std::string>{"err_defaults_not_top_level", "err_defaults_not_top_level", "err_defaults_not_top_level"});
  CHECK(nested->out.objects.empty());

  // A targets value of the wrong type is not copied (the lowering reports it once, at the block).
  auto wrong = expandText("defaults { targets = \"a\" }\nmonitor host \"m\" { }");
  CHECK(targetsOf(wrong->out.objects).back() == "m=-");
}
