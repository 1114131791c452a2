// The Go encoding/json look-alike used for Mackerel output.
#include <doctest/doctest.h>

#include "mackerel/api_json.h"
#include "mackerel/gojson.h"
#include "mackerel/mackerel.h"

using mon::mackerel::goIndent;
using mon::mackerel::goNumber;
using mon::mackerel::goString;

TEST_CASE("gojson: numbers as Go's float64 encoder writes them") {
  CHECK(goNumber(95) == "95");
  CHECK(goNumber(0.5) == "0.5");
  CHECK(goNumber(-1.25) == "-1.25");
  CHECK(goNumber(0.1) == "0.1");
  CHECK(goNumber(0.1 + 0.2) == "0.30000000000000004");
  CHECK(goNumber(123456789.125) == "123456789.125");
  CHECK(goNumber(1e20) == "100000000000000000000");
  CHECK(goNumber(1e21) == "1e+21");
  CHECK(goNumber(1.5e300) == "1.5e+300");
  CHECK(goNumber(-2e22) == "-2e+22");
  CHECK(goNumber(0.000001) == "0.000001");
  CHECK(goNumber(1e-7) == "1e-7");
  CHECK(goNumber(1.5e-7) == "1.5e-7");
  CHECK(goNumber(1e-10) == "1e-10");
  CHECK(goNumber(5e-324) == "5e-324");
  CHECK(goNumber(0) == "0");
}

TEST_CASE("gojson: strings as Go escapes them") {
  CHECK(goString("plain") == "\"plain\"");
  CHECK(goString("a & b") == "\"a \\u0026 b\"");
  CHECK(goString("<b>") == "\"<b>\"");  // mkr un-escapes < and >
  CHECK(goString("q\"b\\") == "\"q\\\"b\\\\\"");
  CHECK(goString("\n\r\t") == "\"\\n\\r\\t\"");
  CHECK(goString("\b\f") == "\"\\b\\f\"");
  CHECK(goString(std::string("\x01\x1f", 2)) == "\"\\u0001\\u001f\"");
  CHECK(goString(std::string("a\0b", 3)) == "\"a\\u0000b\"");
  CHECK(goString("\x7f") == "\"\x7f\"");
  CHECK(goString("line\xE2\x80\xA8sep\xE2\x80\xA9") == "\"line\\u2028sep\\u2029\"");
  CHECK(goString("caf\xC3\xA9 \xF0\x9F\x98\x80 \xE2\x80\xA7") == "\"caf\xC3\xA9 \xF0\x9F\x98\x80 \xE2\x80\xA7\"");
}

TEST_CASE("gojson: MarshalIndent layout") {
  nlohmann::ordered_json j = {{"b", 1}, {"a", {1.5, "x"}}, {"e", nlohmann::ordered_json::array()},
                              {"o", nlohmann::ordered_json::object()}, {"n", nullptr}, {"t", true}};
  CHECK(goIndent(j) ==
        "{\n"
        "    \"b\": 1,\n"
        "    \"a\": [\n"
        "        1.5,\n"
        "        \"x\"\n"
        "    ],\n"
        "    \"e\": [],\n"
        "    \"o\": {},\n"
        "    \"n\": null,\n"
        "    \"t\": true\n"
        "}");
  CHECK(goIndent(nlohmann::ordered_json{{"k&", 2.0}}) == "{\n    \"k\\u0026\": 2\n}");
  CHECK(goIndent(nlohmann::ordered_json::array()) == "[]");
}

TEST_CASE("gojson: monitors.json built in pieces and halves equals the whole list printed at once") {
  // Sizes: empty, one, below the two-thread threshold, and above it with many 64 KiB pieces
  // (each monitor carries a long memo, so pieces fill after a few dozen entries).
  for (size_t n : {size_t(0), size_t(1), size_t(7), size_t(2500)}) {
    std::vector<mon::ir::Monitor> monitors(n);
    for (size_t i = 0; i < n; ++i) {
      mon::ir::Monitor& m = monitors[i];
      m.kind = i % 2 ? mon::ir::MonitorKind::Host : mon::ir::MonitorKind::Expression;
      m.name = "monitor " + std::to_string(i) + " <&>";
      m.props.set("metric", "cpu%", {});
      m.props.set("expression", "max(role(svc:web, loadavg5))", {});
      m.props.set("operator", ">", {});
      m.props.set("warning", double(i % 97) + 0.5, {});
      m.props.set("memo", std::string(300 + i % 50, 'm') + "\n\"quoted\"", {});
    }
    std::vector<const mon::ir::Monitor*> ptrs;
    mon::ir::Json whole = {{"monitors", mon::ir::Json::array()}};
    for (const auto& m : monitors) {
      ptrs.push_back(&m);
      whole["monitors"].push_back(mon::mackerel::monitorToApi(m));
    }
    CAPTURE(n);
    CHECK(mon::mackerel::monitorsFile(ptrs) == goIndent(whole) + "\n");
  }
}
