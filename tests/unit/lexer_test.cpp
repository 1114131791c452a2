// The hand lexer: token types and ranges, durations, strings with interpolation, and the
// guards against bad input (BOM, NUL, invalid UTF-8, nesting).
#include <doctest/doctest.h>

#include "MonParser.h"
#include "harness.h"
#include "parse/lexer.h"

using P = MonParser;

namespace {

struct Lexed {
  mon::DiagEngine diags;
  mon::LexResult result;
  std::vector<uint16_t> types() const {
    std::vector<uint16_t> t;
    for (const auto& tok : result.tokens) t.push_back(tok.type);
    return t;
  }
};

std::unique_ptr<Lexed> lexText(std::string_view text) {
  auto l = std::make_unique<Lexed>();
  l->result = mon::lex(0, text, l->diags);
  return l;
}

std::string tokenText(std::string_view src, const mon::Token& t) { return std::string(src.substr(t.begin, t.end - t.begin)); }

}  // namespace

TEST_CASE("lexer: a block with an attribute") {
  std::string src = "monitor host \"CPU\" { warning = 70 }";
  auto l = lexText(src);
  CHECK(l->diags.all().empty());
  std::vector<uint16_t> want = {P::IDENT, P::IDENT, P::STR_OPEN, P::STR_TEXT, P::STR_CLOSE, P::LBRACE,
                                P::IDENT, P::ASSIGN, P::NUMBER, P::RBRACE, mon::kTokEof};
  CHECK(l->types() == want);
  CHECK(tokenText(src, l->result.tokens[0]) == "monitor");
  CHECK(tokenText(src, l->result.tokens[3]) == "CPU");
  CHECK(l->result.tokens[8].begin == 31);
  CHECK(l->result.tokens.back().begin == src.size());
}

TEST_CASE("lexer: keywords, operators and comments") {
  std::string src = "let a = !b && c || d == e != f <= g >= h < i > j # note\n// other\nif else for in use template import true false null";
  auto l = lexText(src);
  CHECK(l->diags.all().empty());
  std::vector<uint16_t> want = {P::KW_LET, P::IDENT, P::ASSIGN, P::NOT, P::IDENT, P::AND, P::IDENT, P::OR, P::IDENT,
                                P::EQ, P::IDENT, P::NE, P::IDENT, P::LE, P::IDENT, P::GE, P::IDENT, P::LT, P::IDENT,
                                P::GT, P::IDENT, P::KW_IF, P::KW_ELSE, P::KW_FOR, P::KW_IN, P::KW_USE,
                                P::KW_TEMPLATE, P::KW_IMPORT, P::KW_TRUE, P::KW_FALSE, P::KW_NULL, mon::kTokEof};
  CHECK(l->types() == want);
  REQUIRE(l->result.comments.size() == 2);
  CHECK(l->result.comments[0].text == "# note");
  CHECK(l->result.comments[1].text == "// other");
}

TEST_CASE("lexer: numbers and durations") {
  auto l = lexText("12 0.5 1e3 2E-2 30s 5m 1h 7d 2w 3000ms 1h30m");
  CHECK(l->diags.all().empty());
  std::vector<uint16_t> want = {P::NUMBER, P::NUMBER, P::NUMBER, P::NUMBER, P::DURATION, P::DURATION, P::DURATION,
                                P::DURATION, P::DURATION, P::DURATION, P::DURATION, mon::kTokEof};
  CHECK(l->types() == want);
  // "1e" is a number followed by a name, not an exponent.
  auto e = lexText("1e");
  CHECK(montest::codes(e->diags) == std::vector<std::string>{"err_bad_number"});
}

TEST_CASE("lexer: bad durations and numbers are reported at their place") {
  std::string src = "a = 5y\nb = 1h30\nc = 1.5x";
  auto l = lexText(src);
  REQUIRE(l->diags.all().size() == 3);
  CHECK(montest::codes(l->diags) == std::vector<std::string>{"err_bad_duration_unit", "err_bad_duration_unit", "err_bad_number"});
  CHECK(l->diags.all()[0].message == "unknown duration unit in '5y' (use ms, s, m, h, d or w)");
  CHECK(l->diags.all()[0].range.begin == 4);
  CHECK(l->diags.all()[0].range.end == 6);
  CHECK(l->diags.all()[1].message.find("'1h30'") != std::string::npos);
  CHECK(l->diags.all()[2].message == "invalid number '1.5x'");
  // Digits followed by letters read as a duration with a bad unit.
  CHECK(lexText("12abc")->diags.all()[0].message == "unknown duration unit in '12abc' (use ms, s, m, h, d or w)");
}

TEST_CASE("lexer: strings with interpolation, nested") {
  std::string src = R"("a ${b} c ${ {k = "x${y}"}.k }")";
  auto l = lexText(src);
  CHECK(l->diags.all().empty());
  std::vector<uint16_t> want = {P::STR_OPEN, P::STR_TEXT, P::INTERP_OPEN, P::IDENT, P::RBRACE, P::STR_TEXT,
                                P::INTERP_OPEN, P::LBRACE, P::IDENT, P::ASSIGN, P::STR_OPEN, P::STR_TEXT,
                                P::INTERP_OPEN, P::IDENT, P::RBRACE, P::STR_CLOSE, P::RBRACE, P::DOT, P::IDENT,
                                P::RBRACE, P::STR_CLOSE, mon::kTokEof};
  CHECK(l->types() == want);
  CHECK(tokenText(src, l->result.tokens[1]) == "a ");
  CHECK(tokenText(src, l->result.tokens[5]) == " c ");
}

TEST_CASE("lexer: escapes stay in the text token; quotes inside do not end the string") {
  std::string src = R"("say \"hi\" \${not} \\")";
  auto l = lexText(src);
  CHECK(l->diags.all().empty());
  std::vector<uint16_t> want = {P::STR_OPEN, P::STR_TEXT, P::STR_CLOSE, mon::kTokEof};
  CHECK(l->types() == want);
}

TEST_CASE("lexer: unterminated string points at the opening quote") {
  std::string src = "a = \"abc\nb = 1";
  auto l = lexText(src);
  REQUIRE(montest::codes(l->diags) == std::vector<std::string>{"err_unterminated_string"});
  CHECK(l->diags.all()[0].range.begin == 4);
  CHECK(l->result.tokens.back().type == mon::kTokEof);
}

TEST_CASE("lexer: a UTF-8 BOM is skipped") {
  std::string src = "\xEF\xBB\xBF" "a = 1";
  auto l = lexText(src);
  CHECK(l->diags.all().empty());
  REQUIRE(l->result.tokens.size() == 4);
  CHECK(l->result.tokens[0].begin == 3);
  // A BOM anywhere else is just an unexpected character.
  auto m = lexText("a = 1 \xEF\xBB\xBF");
  CHECK(montest::codes(m->diags) == std::vector<std::string>{"err_unexpected_char"});
}

TEST_CASE("lexer: NUL bytes are errors in code, strings and comments") {
  using namespace std::string_literals;
  auto code = lexText("a = \0 1"s);
  REQUIRE(montest::codes(code->diags) == std::vector<std::string>{"err_nul_byte"});
  CHECK(code->diags.all()[0].range.begin == 4);
  auto str = lexText("a = \"x\0y\""s);
  CHECK(montest::codes(str->diags) == std::vector<std::string>{"err_nul_byte"});
  auto comment = lexText("# x\0y\na = 1"s);
  CHECK(montest::codes(comment->diags) == std::vector<std::string>{"err_nul_byte"});
}

TEST_CASE("lexer: invalid UTF-8 is reported, valid UTF-8 is fine") {
  CHECK(lexText("a = \"h\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"")->diags.all().empty());
  for (std::string bad : {"\xFF", "\xC0\x80", "\xED\xA0\x80", "\xF5\x80\x80\x80", "\xE2\x82", "\x80"}) {
    CAPTURE(bad);
    auto inString = lexText("a = \"" + bad + "\"");
    CHECK(montest::hasCode(inString->diags, "err_invalid_utf8"));
    auto inCode = lexText("a = " + bad);
    CHECK(montest::hasCode(inCode->diags, "err_invalid_utf8"));
  }
  // A non-ASCII letter outside a string is a valid character the language does not use.
  auto l = lexText("a = \xC3\xA9");
  REQUIRE(montest::codes(l->diags) == std::vector<std::string>{"err_unexpected_char"});
  CHECK(l->diags.all()[0].message == "unexpected character '\xC3\xA9'");
}

TEST_CASE("lexer: control characters are shown escaped") {
  auto l = lexText("a = \x01");
  REQUIRE(l->diags.all().size() == 1);
  CHECK(l->diags.all()[0].message == "unexpected character '\\x01'");
}

TEST_CASE("lexer: nesting limit") {
  std::string ok = "a = " + std::string(mon::kMaxNesting, '[') + std::string(mon::kMaxNesting, ']');
  CHECK(lexText(ok)->diags.all().empty());
  std::string deep = "a = " + std::string(mon::kMaxNesting + 1, '[') + std::string(mon::kMaxNesting + 1, ']');
  auto l = lexText(deep);
  REQUIRE(montest::codes(l->diags) == std::vector<std::string>{"err_nesting_too_deep"});
  CHECK(l->diags.all()[0].range.begin == 4 + mon::kMaxNesting);
  CHECK(l->result.tokens.back().type == mon::kTokEof);
  // Interpolations and unary operators count too.
  std::string interp = "a = ";
  for (int i = 0; i <= mon::kMaxNesting; ++i) interp += "\"${";
  CHECK(montest::hasCode(lexText(interp)->diags, "err_nesting_too_deep"));
  CHECK(montest::hasCode(lexText("a = " + std::string(1000, '-') + "1")->diags, "err_nesting_too_deep"));
  CHECK(lexText("a = " + std::string(50, '-') + "1")->diags.all().empty());
  // Sequential (not nested) brackets never hit the limit.
  std::string flat = "a = [";
  for (int i = 0; i < 5000; ++i) flat += "[1],";
  flat += "]";
  CHECK(lexText(flat)->diags.all().empty());
}

TEST_CASE("lexer: long operator chains count as nesting") {
  auto chain = [](const std::string& op, int n) {
    std::string s = "a = x";
    for (int i = 0; i < n; ++i) s += op + "y";
    return s;
  };
  // Postfix chains are loops in the parser; binary runs recurse there, so their limit is lower.
  for (std::string op : {".", " || ", " && ", " == ", " < "}) {
    CAPTURE(op);
    int limit = op == "." ? mon::kMaxChain : mon::kMaxBinaryChain;
    CHECK(lexText(chain(op, limit))->diags.all().empty());
    auto l = lexText(chain(op, limit + 1));
    REQUIRE(montest::codes(l->diags) == std::vector<std::string>{"err_nesting_too_deep"});
    CHECK(l->diags.all()[0].message == "nesting is too deep (more than " + std::to_string(limit) + " levels)");
    CHECK(l->result.stopped);
  }
  // Runs are counted per path: operators inside separate brackets or list items do not add up.
  std::string items = "a = [";
  for (int i = 0; i < 3; ++i) items += chain(" || ", mon::kMaxBinaryChain).substr(4) + ",";
  CHECK(lexText(items + "]")->diags.all().empty());
  std::string index = "a = x";
  for (int i = 0; i <= mon::kMaxChain; ++i) index += "[0]";
  CHECK(montest::hasCode(lexText(index)->diags, "err_nesting_too_deep"));
  std::string elif = "if a { }";
  for (int i = 0; i < mon::kMaxElseIf; ++i) elif += " else if a { }";
  CHECK(lexText(elif)->diags.all().empty());
  elif += " else if a { }";
  auto e = lexText(elif);
  REQUIRE(montest::codes(e->diags) == std::vector<std::string>{"err_nesting_too_deep"});
  CHECK(e->diags.all()[0].message == "nesting is too deep (more than 1000 levels)");
  // Chains end where a new expression or statement starts: many short ones are fine.
  std::string many;
  for (int i = 0; i < 3 * mon::kMaxElseIf; ++i) many += "if a.b == 1 { x = y.z } else if c { }\nk = [a.b, c.d]\n";
  CHECK(lexText(many)->diags.all().empty());
  std::string inBlocks;
  for (int i = 0; i < 3 * mon::kMaxElseIf; ++i) inBlocks += "m \"${a.b.c}\" { v = a.b || c.d }\n";
  CHECK(lexText(inBlocks)->diags.all().empty());
}

TEST_CASE("diagnostics: the error limit stops reporting and says so once") {
  mon::DiagEngine d;
  d.setErrorLimit(3);
  auto l = mon::lex(0, "@ @ @ @ @ @", d);
  CHECK(l.tokens.back().type == mon::kTokEof);
  CHECK(d.errorCount() == 3);
  REQUIRE(d.all().size() == 4);
  CHECK(std::string(mon::nameOf(d.all()[3].kind)) == "err_too_many_errors");
  CHECK(d.all()[3].message == "too many errors, stopping now");
  CHECK_FALSE(d.all()[3].range.valid());
  CHECK(d.limitReached());
}
