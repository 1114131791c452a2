// support/text: durations, edit distance, numbers and quoting.
#include <doctest/doctest.h>

#include "support/text.h"

TEST_CASE("text: parseDurationMs") {
  int64_t ms = -1;
  CHECK(mon::parseDurationMs("1h30m", ms));
  CHECK(ms == 5400000);
  CHECK(mon::parseDurationMs("3000ms", ms));
  CHECK(ms == 3000);
  CHECK(mon::parseDurationMs("2w", ms));
  CHECK(ms == 1209600000);
  CHECK(mon::parseDurationMs("1d1h1m1s1ms", ms));
  CHECK(ms == 90061001);
  CHECK(mon::parseDurationMs("0s", ms));
  CHECK(ms == 0);
  for (const char* bad : {"", "5", "h", "5y", "1h30", "1H", "-1s", "99999999999999999999w", "15250w"}) {
    CAPTURE(bad);
    int64_t out = 42;
    if (std::string(bad) == "15250w") {
      CHECK(mon::parseDurationMs(bad, out));  // ~292 years still fits
      continue;
    }
    CHECK_FALSE(mon::parseDurationMs(bad, out));
    CHECK(out == 42);
  }
  CHECK_FALSE(mon::parseDurationMs("9223372036854775807ms1ms", ms));
}

TEST_CASE("text: formatDurationMs picks the shortest spelling") {
  CHECK(mon::formatDurationMs(0) == "0s");
  CHECK(mon::formatDurationMs(1500) == "1500ms");
  CHECK(mon::formatDurationMs(90000) == "90s");  // one exact unit beats a chain
  CHECK(mon::formatDurationMs(5400000) == "90m");
  CHECK(mon::formatDurationMs(3600000) == "1h");
  CHECK(mon::formatDurationMs(604800000) == "7d");
  CHECK(mon::formatDurationMs(90061000) == "90061s");
  CHECK(mon::formatDurationMs(90061001) == "90061001ms");
  // Round trip.
  for (int64_t v : {1000LL, 61000LL, 86400000LL, 93784000LL, 7LL}) {
    int64_t back = 0;
    REQUIRE(mon::parseDurationMs(mon::formatDurationMs(v), back));
    CHECK(back == v);
  }
}

TEST_CASE("text: edit distance and suggestions") {
  CHECK(mon::editDistance("kitten", "sitting") == 3);
  CHECK(mon::editDistance("", "abc") == 3);
  CHECK(mon::editDistance("same", "same") == 0);
  CHECK(mon::editDistance("metric", "metirc") == 2);
  CHECK(mon::editDistance("abcdefgh", "zzzzzzzz", 3) == 4);  // capped at limit + 1
  CHECK(mon::editDistance("a", "abcdefg", 2) == 3);
  std::vector<std::string> fields = {"metric", "memo", "operator", "warning", "critical"};
  CHECK(mon::closestMatch("metirc", fields) == "metric");
  CHECK(mon::closestMatch("warnign", fields) == "warning");
  CHECK(mon::closestMatch("xyz", fields) == "");
  CHECK(mon::closestMatch("mem", fields) == "memo");
}

TEST_CASE("text: formatNumber, utf8Length, quoteSource, quotedList") {
  CHECK(mon::formatNumber(95) == "95");
  CHECK(mon::formatNumber(0.5) == "0.5");
  CHECK(mon::formatNumber(1e21) == "1e+21");
  CHECK(mon::formatNumber(123456789) == "123456789");
  CHECK(mon::utf8Length("h\xC3\xA9\xF0\x9F\x98\x80") == 3);
  CHECK(mon::quoteSource("a\"b\\${x}$y\n") == "\"a\\\"b\\\\\\${x}$y\\n\"");
  CHECK(mon::quoteSource(std::string("\x01", 1)) == "\"\\u{1}\"");
  CHECK(mon::quotedList({"a"}) == "'a'");
  CHECK(mon::quotedList({"a", "b", "c"}) == "'a', 'b' or 'c'");
  std::string s;
  mon::appendUtf8(s, 0x1F600);
  mon::appendUtf8(s, 0xE9);
  CHECK(s == "\xF0\x9F\x98\x80\xC3\xA9");
}

TEST_CASE("text: escapeControls shows C0, DEL and C1 controls visibly, keeps tabs and other text") {
  CHECK(mon::escapeControls("a\x1b[31mb") == "a<U+001B>[31mb");
  CHECK(mon::escapeControls("t\tx\x7f") == "t\tx<U+007F>");
  CHECK(mon::escapeControls("\xc2\x9b" "2J caf\xc3\xa9") == "<U+009B>2J caf\xc3\xa9");
  CHECK(mon::escapeControls(std::string("a\0b", 3)) == "a<U+0000>b");
}

TEST_CASE("text: boundedForMessage cuts long text with its length, counting code points") {
  CHECK(mon::boundedForMessage("short") == "short");
  CHECK(mon::boundedForMessage(std::string(100, 'x')) == std::string(100, 'x'));
  CHECK(mon::boundedForMessage(std::string(1 << 20, 'x')) == std::string(100, 'x') + "\u2026 (1048576 characters)");
  std::string e;
  for (int i = 0; i < 5; ++i) e += "\xc3\xa9";
  CHECK(mon::boundedForMessage(e, 3) == "\xc3\xa9\xc3\xa9\xc3\xa9\u2026 (5 characters)");
}
