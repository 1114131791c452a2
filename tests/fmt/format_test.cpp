// Library-level tests of format() (the entry point the language server calls): it keeps the
// meaning of the tree (same AST up to positions), keeps every comment, is idempotent, and
// breaks a list exactly when it would pass column 100.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "fmt_test_util.h"
#include "parse/lexer.h"

namespace {

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

TEST_CASE("long operator and member chains are printed without deep recursion") {
  std::string chain = "x = a0", members = "y = a";
  // Binary runs stop at the lexer's limit (the parser recurses per operator); postfix chains
  // may be much longer.
  for (int i = 1; i < 15000; ++i) {
    if (i <= mon::kMaxBinaryChain) chain += (i % 2 ? " || a" : " && a") + std::to_string(i);
    members += ".b" + std::to_string(i);
  }
  std::string src = chain + "\n" + members + "\n";
  checkProperties("long chains", src);
  CHECK(formatText(src) == src);
}
