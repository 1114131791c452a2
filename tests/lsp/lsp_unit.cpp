// Unit tests of the language server: UTF-16 positions, framing, the cursor context on
// half-typed source, and a whole session through the server with an in-memory transport.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include "backend.h"

// Sources with targets compile as in monitorc: the checker knows the backends' target kinds.
static const bool kTargetKindsInstalled = (mon::installTargetKinds(), true);

#include "context.h"
#include "harness.h"
#include "line_index.h"
#include "lint_pass.h"
#include "message.h"

using namespace mon::lsp;
using mon::lsp::test::Client;

TEST_CASE("line index converts byte offsets and UTF-16 positions") {
  std::string text = "ab\nxé😀y\r\nlast";  // é: 2 bytes, 1 unit; 😀: 4 bytes, 2 units
  LineIndex idx(text);
  CHECK(idx.lineCount() == 3);
  CHECK(idx.position(0).line == 0);
  Position p = idx.position(static_cast<uint32_t>(text.find('y')));
  CHECK(p.line == 1);
  CHECK(p.character == 4);  // x=1, é=1, 😀=2
  CHECK(idx.offset({1, 4}) == text.find('y'));
  CHECK(idx.offset({1, 3}) == text.find("😀"));   // inside the surrogate pair: before it
  CHECK(idx.offset({1, 99}) == text.find('\r'));  // past the end of the line: its end
  CHECK(idx.offset({99, 0}) == text.size());       // past the last line: end of text
  CHECK(idx.position(9999).line == 2);
  // One position found without the index, and positions found with a line hint, agree with it,
  // on lines short and long (past the blocks offsetIn counts newlines in), before and after the end.
  std::string big;
  for (int i = 0; i < 300; ++i) big += std::string(static_cast<size_t>(i % 97), i % 5 ? 'x' : '\n') + "é😀\r\n";
  big += "tail";
  LineIndex bigIdx(big);
  uint32_t hint = 0;
  for (uint32_t line = 0; line < bigIdx.lineCount() + 2; line += 1)
    for (uint32_t ch : {0u, 1u, 3u, 40u, 200u}) {
      INFO("line " << line << " character " << ch);
      CHECK(LineIndex::offsetIn(big, {line, ch}) == bigIdx.offset({line, ch}));
    }
  for (uint32_t off = 0; off < big.size() + 3; off += 7) {
    Position withHint = bigIdx.position(off, hint), without = bigIdx.position(off);
    CHECK((withHint.line == without.line && withHint.character == without.character));
  }
  CHECK(LineIndex::offsetIn("", {0, 5}) == 0);
  CHECK(LineIndex::offsetIn("a\n", {1, 0}) == 2);
  // Line starts kept across edits (that add and take away lines, or keep them) agree with an
  // index of the text after each edit.
  DocumentLines kept;
  std::string edited = big;
  uint32_t seed = 99;
  auto rnd = [&](uint32_t n) {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) % n;
  };
  const char* inserts[] = {"", "x", "\n", "a\nb\n", "é\r\n😀", "\n\n\n"};
  for (int step = 0; step < 200; ++step) {
    LineIndex before(edited);
    Position a{rnd(before.lineCount() + 1), rnd(50)}, b{a.line + rnd(3), rnd(50)};
    uint32_t begin = kept.offset(edited, a), end = std::max(begin, kept.offset(edited, b));
    REQUIRE(begin == before.offset(a));
    REQUIRE(end == std::max(begin, before.offset(b)));
    std::string ins = inserts[rnd(6)];
    edited.replace(begin, end - begin, ins);
    kept.edited(begin, end, ins);
  }
  LineIndex after(edited);
  for (uint32_t line = 0; line < after.lineCount() + 1; ++line) CHECK(kept.offset(edited, {line, 3}) == after.offset({line, 3}));
}

TEST_CASE("messages with long strings parse as the JSON parser parses them") {
  // Long strings are decoded outside the JSON parser: with escapes of every kind, characters of
  // several bytes, as keys, in arrays; and what the parser rejects is still rejected.
  std::string plain(mon::lsp::kLongString + 5, 'a');
  std::string rich;
  for (int i = 0; rich.size() < 3 * mon::lsp::kLongString; ++i)
    rich += "line " + std::to_string(i) + R"( \"q\" \\ \/ \b\f\n\r\t \u00e9 \ud83d\ude00 é😀 )";
  std::vector<std::string> bodies = {
      R"({"jsonrpc":"2.0","method":"m","params":{"text":")" + plain + R"(","n":1}})",
      R"({"a":")" + rich + R"(", "b" : [")" + plain + R"(", 1, ")" + rich + R"("], ")" + plain + R"(" : ")" + plain + R"("})",
      R"({"a":")" + plain + R"(\u0041", "k": "short \"x\" ", "z": ")" + rich + R"(\\"})",
      R"(  [")" + plain + R"("  ,  {"x":")" + rich + R"("}]  )",
  };
  // Each rejected by the parser: a raw control character, a lone surrogate, a bad escape, bad
  // UTF-8 (an overlong form, a surrogate, a stray continuation byte), an unterminated string, bad JSON after it.
  for (std::string bad : {std::string("\x01"), std::string("\\ud800x"), std::string("\\udc00"), std::string("\\x"),
                          std::string("\xC0\xAF"), std::string("\xED\xA0\x80"), std::string("\x80"), std::string("\\u12g")})
    bodies.push_back(R"({"a":")" + plain + bad + plain + R"("})");
  bodies.push_back(R"({"a":")" + plain);
  bodies.push_back(R"({"a":")" + plain + R"(" "b":1})");
  bodies.push_back(R"({"a":")" + plain + R"("})" + "x");
  for (const auto& body : bodies) {
    INFO("body starts " << body.substr(0, 40) << " and ends " << body.substr(body.size() - 40));
    json want = json::parse(body, nullptr, false), got = parseMessage(body);
    CHECK(got.is_discarded() == want.is_discarded());
    if (!want.is_discarded()) CHECK(got == want);
  }
}

TEST_CASE("transport reads frames and survives bad headers") {
  StringTransport t;
  t.feedMessage("{\"a\":1}");
  t.feed("\r\n\r\nX-Junk\r\nContent-Length: 2\r\n\r\n{}");  // stray blank lines and a bad header line
  t.feed("Content-Type: text\r\n\r\n");                     // no length
  t.feed("Content-Length: abc\r\n\r\n");                    // bad length
  t.feedMessage("[]");
  t.feed("Content-Length: 10\r\n\r\n{\"x\"");               // cut short
  std::string body, err;
  CHECK(t.read(body, err) == Transport::Read::Message);
  CHECK(body == "{\"a\":1}");
  CHECK(t.read(body, err) == Transport::Read::Message);
  CHECK(body == "{}");
  CHECK(t.read(body, err) == Transport::Read::Malformed);
  CHECK(err == "missing Content-Length header");
  CHECK(t.read(body, err) == Transport::Read::Malformed);
  CHECK(err == "invalid Content-Length header");
  CHECK(t.read(body, err) == Transport::Read::Message);
  CHECK(body == "[]");
  CHECK(t.read(body, err) == Transport::Read::Eof);
}

TEST_CASE("cursor context finds the enclosing block in half-typed source") {
  std::string text = "monitor host \"cpu\" {\n  metric = \"cpu%\"\n  dur";
  CursorContext c = cursorContext(text, static_cast<uint32_t>(text.size()));
  REQUIRE(c.blocks.size() == 1);
  CHECK(c.blocks[0].type == "monitor");
  CHECK(c.blocks[0].labels[0] == "host");
  CHECK(c.slot == Slot::Statement);
  CHECK(c.prefix == "dur");
  CHECK(kindOf(c.blocks)->name == std::string("host"));

  std::string v = "monitor external \"x\" { method = ";
  c = cursorContext(v, static_cast<uint32_t>(v.size()));
  CHECK(c.slot == Slot::FieldValue);
  CHECK(c.field == "method");

  std::string d = "dashboard \"d\" { row { graph \"g\" { range = { period = 1h } sta";
  c = cursorContext(d, static_cast<uint32_t>(d.size()));
  REQUIRE(c.blocks.size() == 3);
  CHECK(c.blocks[2].type == "graph");
  CHECK(c.slot == Slot::Statement);

  std::string l = "for r in [\"a\"] { if true { monitor ";
  c = cursorContext(l, static_cast<uint32_t>(l.size()));
  CHECK(c.slot == Slot::BlockLabel);
  CHECK(c.blockType == "monitor");
  CHECK(c.blocks.empty());  // for and if bodies are transparent

  std::string i = "import \"common/te";
  c = cursorContext(i, static_cast<uint32_t>(i.size()));
  CHECK(c.slot == Slot::ImportPath);
  CHECK(c.stringText == "common/te");

  std::string closed = "monitor host \"a\" { metric = \"x\" }\n";
  c = cursorContext(closed, static_cast<uint32_t>(closed.size()));
  CHECK(c.blocks.empty());
  CHECK(c.slot == Slot::Statement);
}

TEST_CASE("requests before initialize, malformed messages and unknown methods") {
  Client c;
  json r = c.request("textDocument/hover", Client::at("file:///x.mon", 0, 0));
  CHECK(r["error"]["code"] == -32002);
  c.raw("{not json");
  REQUIRE(!c.responses.empty());
  CHECK(c.responses.back()["error"]["code"] == -32700);
  CHECK(c.responses.back()["id"].is_null());
  c.raw("[1,2]");
  CHECK(c.responses.back()["error"]["code"] == -32600);
  c.raw(R"({"jsonrpc":"2.0","id":{"a":1},"method":"x"})");
  CHECK(c.responses.back()["error"]["code"] == -32600);
  c.raw(R"({"jsonrpc":"2.0","id":"r7"})");
  CHECK(c.responses.back()["error"]["code"] == -32600);
  CHECK(c.responses.back()["id"] == "r7");
  c.responses.clear();
  c.initialize();
  CHECK(c.request("initialize", json::object())["error"]["code"] == -32600);  // only once
  CHECK(c.request("textDocument/nonsense", json::object())["error"]["code"] == -32601);
  size_t before = c.responses.size();
  c.notify("$/somethingNew", json::object());
  c.notify("workspace/didChangeConfiguration", json::object());
  CHECK(c.responses.size() == before);  // notifications never get answers
  CHECK(c.request("textDocument/hover", {{"textDocument", {{"uri", "file:///x.mon"}}}})["error"]["code"] == -32602);
  CHECK(c.request("textDocument/hover", {{"position", 3}})["error"]["code"] == -32602);
  c.raw(R"({"jsonrpc":"2.0","id":"r9","method":"textDocument/hover","params":"str"})");
  CHECK(c.responses.back()["error"]["code"] == -32602);
  c.notify("textDocument/didChange", {{"textDocument", 5}});  // bad notification: ignored
  CHECK(c.result("textDocument/hover", Client::at("file:///not-open.mon", 0, 0)).is_null());
  CHECK(c.request("shutdown", nullptr)["result"].is_null());
  CHECK(c.request("textDocument/hover", Client::at("file:///x.mon", 0, 0))["error"]["code"] == -32600);
  CHECK(!c.server.exited());
  c.notify("exit", nullptr);
  CHECK(c.server.exited());
}

namespace {
const char* kMain = R"(import "lib.mon"

let base = { warn = 75 }
let warn_at = base.warn
let roles = ["web", "api"]

monitor host "cpu" {
  metirc = "cpu%"
  operator = ">"
  warning = warn_at
  duration = 5m
}

use disk_full("svc:web")

dashboard "Overview" {
  url_path = "web/overview"
  row {
    graph "CPU" { role = "svc:web"  metric = "cpu" }
    value "5xx" { service = "svc"  metric = "x" }
  }
  markdown "Notes" { text = "hi" }
}
)";
const char* kLib = R"(# Disk almost full on one role.
template disk_full(scope, crit = 90) {
  monitor host "disk ${scope}" {
    metric = "disk%"
    operator = ">"
    critical = crit
    duration = 5m
    scopes = [scope]
  }
}
)";
}  // namespace

TEST_CASE("a whole session: diagnostics, fixes, hover, completion, definition, symbols") {
  Client c;
  c.disk.files["/ws/lib.mon"] = kLib;
  c.initialize();
  const std::string uri = "file:///ws/main.mon";
  c.open(uri, kMain);

  auto pubs = c.published(uri);
  REQUIRE(pubs.size() == 1);
  json diags = pubs[0]["diagnostics"];
  REQUIRE(diags.size() == 2);
  CHECK(diags[0]["code"] == "err_unknown_field");
  CHECK(diags[0]["severity"] == 1);
  CHECK(diags[0]["range"] == json({{"start", Client::pos(7, 2)}, {"end", Client::pos(7, 8)}}));
  CHECK(diags[0]["message"] == "unknown field 'metirc' for host monitor\ndid you mean 'metric'?");
  CHECK(diags[1]["code"] == "err_missing_field");
  CHECK(diags[1]["range"] == json({{"start", Client::pos(6, 13)}, {"end", Client::pos(6, 18)}}));

  // The fix-it becomes a quick fix.
  json actions = c.result("textDocument/codeAction",
                          {{"textDocument", {{"uri", uri}}},
                           {"range", {{"start", Client::pos(7, 3)}, {"end", Client::pos(7, 3)}}},
                           {"context", {{"diagnostics", diags}}}});
  REQUIRE(actions.size() == 1);
  CHECK(actions[0]["title"] == "Change to 'metric'");
  json edit = actions[0]["edit"]["changes"][uri][0];
  CHECK(edit["newText"] == "metric");
  CHECK(edit["range"] == diags[0]["range"]);

  // Apply it as an incremental edit: the diagnostic goes away.
  c.notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", 2}}},
                                      {"contentChanges", json::array({{{"range", edit["range"]}, {"text", "metric"}}})}});
  c.flush();
  pubs = c.published(uri);
  REQUIRE(pubs.size() == 1);
  CHECK(pubs[0]["version"] == 2);
  CHECK(Client::compilerOnly(pubs[0]["diagnostics"]).empty());  // lint findings remain (the lint test)

  SUBCASE("hover") {
    json h = c.result("textDocument/hover", Client::at(uri, 10, 3));  // duration
    std::string md = h["contents"]["value"];
    CHECK(md.find("**duration** (host monitor)") != std::string::npos);
    CHECK(md.find("a duration (minutes)") != std::string::npos);
    CHECK(md.find("range: 1 to 10") != std::string::npos);
    CHECK(md.find("required") != std::string::npos);
    h = c.result("textDocument/hover", Client::at(uri, 9, 14));  // warn_at in `warning = warn_at`
    md = h["contents"]["value"];
    CHECK(md.find("let warn_at = base.warn") != std::string::npos);
    CHECK(md.find("value: `75`") != std::string::npos);
    h = c.result("textDocument/hover", Client::at(uri, 4, 6));  // roles
    CHECK(h["contents"]["value"].get<std::string>().find("value: `[\"web\", \"api\"]`") != std::string::npos);
    h = c.result("textDocument/hover", Client::at(uri, 13, 6));  // use disk_full
    md = h["contents"]["value"];
    CHECK(md.find("template disk_full(scope, crit = 90)") != std::string::npos);
    CHECK(md.find("Disk almost full on one role.") != std::string::npos);
    h = c.result("textDocument/hover", Client::at(uri, 18, 37));  // metric in graph
    CHECK(h["contents"]["value"].get<std::string>().find("(graph widget)") != std::string::npos);
    c.notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", 5}}},
                                        {"contentChanges", json::array({{{"range", {{"start", Client::pos(23, 0)}, {"end", Client::pos(23, 0)}}},
                                                                         {"text", "monitor external \"e\" { method = POST }\n"}}})}});
    h = c.result("textDocument/hover", Client::at(uri, 23, 35));  // POST
    CHECK(h["contents"]["value"].get<std::string>().rfind("`POST`: a value of **method** (external monitor)", 0) == 0);
    CHECK(c.result("textDocument/hover", Client::at(uri, 1, 0)).is_null());      // blank line
    CHECK(c.result("textDocument/hover", Client::at(uri, 500, 90)).is_null());   // out of range
  }

  SUBCASE("definition") {
    json d = c.result("textDocument/definition", Client::at(uri, 9, 14));  // warn_at
    REQUIRE(d.size() == 1);
    CHECK(d[0]["uri"] == uri);
    CHECK(d[0]["range"]["start"] == Client::pos(3, 4));
    d = c.result("textDocument/definition", Client::at(uri, 13, 8));  // disk_full
    REQUIRE(d.size() == 1);
    CHECK(d[0]["uri"] == "file:///ws/lib.mon");
    CHECK(d[0]["range"]["start"] == Client::pos(1, 9));
    d = c.result("textDocument/definition", Client::at(uri, 0, 10));  // the import
    REQUIRE(d.size() == 1);
    CHECK(d[0]["uri"] == "file:///ws/lib.mon");
    CHECK(c.result("textDocument/definition", Client::at(uri, 8, 3)).empty());  // a field name
  }

  SUBCASE("symbols") {
    json s = c.result("textDocument/documentSymbol", {{"textDocument", {{"uri", uri}}}});
    std::vector<std::string> names;
    for (auto& x : s) names.push_back(x["name"]);
    CHECK(names == std::vector<std::string>{"base", "warn_at", "roles", "cpu", "Overview"});
    json dash = s[4];
    CHECK(dash["detail"] == "dashboard");
    REQUIRE(dash["children"].size() == 2);
    CHECK(dash["children"][0]["detail"] == "row");
    CHECK(dash["children"][0]["children"][0]["name"] == "CPU");
    CHECK(dash["children"][0]["children"][1]["name"] == "5xx");
    CHECK(dash["children"][1]["name"] == "Notes");
  }

  SUBCASE("completion in half-typed source") {
    // Type an unfinished monitor at the end of the file.
    c.notify("textDocument/didChange",
             {{"textDocument", {{"uri", uri}, {"version", 3}}},
              {"contentChanges", json::array({{{"range", {{"start", Client::pos(23, 0)}, {"end", Client::pos(23, 0)}}},
                                               {"text", "monitor external \"site\" {\n  method = \n  follow"}}})}});
    c.flush();
    CHECK(!c.published(uri).back()["diagnostics"].empty());
    json items = c.result("textDocument/completion", Client::at(uri, 25, 8))["items"];
    REQUIRE(items.size() == 1);
    CHECK(items[0]["label"] == "follow_redirect");
    CHECK(items[0]["textEdit"]["range"]["start"] == Client::pos(25, 2));
    items = c.result("textDocument/completion", Client::at(uri, 24, 11))["items"];
    std::vector<std::string> labels;
    for (auto& i : items) labels.push_back(i["label"]);
    CHECK(labels.size() >= 4);
    CHECK(labels[0] == "GET");
    CHECK(std::find(labels.begin(), labels.end(), "warn_at") != labels.end());
    items = c.result("textDocument/completion", Client::at(uri, 23, 8))["items"];  // after `monitor `
    labels.clear();
    for (auto& i : items) labels.push_back(i["label"]);
    CHECK(labels == std::vector<std::string>{"host", "connectivity", "service", "external", "expression",
                                             "anomaly_detection", "query"});
    items = c.result("textDocument/completion", Client::at(uri, 13, 5))["items"];  // `use d|`
    REQUIRE(items.size() == 1);
    CHECK(items[0]["label"] == "disk_full");
    items = c.result("textDocument/completion", Client::at(uri, 18, 4))["items"];  // in a row
    labels.clear();
    for (auto& i : items) labels.push_back(i["label"]);
    CHECK(std::find(labels.begin(), labels.end(), "graph") != labels.end());
    CHECK(std::find(labels.begin(), labels.end(), "height") != labels.end());
    CHECK(std::find(labels.begin(), labels.end(), "metric") == labels.end());
  }

  SUBCASE("formatting returns edits or nothing, never an error") {
    json f = c.request("textDocument/formatting", {{"textDocument", {{"uri", uri}}}, {"options", {{"tabSize", 2}, {"insertSpaces", true}}}});
    CHECK(f.contains("result"));
    CHECK(f["result"].is_array());
  }
}

TEST_CASE("URIs: percent-encoding and non-file documents are published under the client's URI") {
  CHECK(uriToPath("file:///ws/a%20b/c%C3%A9.mon") == "/ws/a b/c\xC3\xA9.mon");
  CHECK(uriToPath("file://localhost/x.mon") == "/x.mon");
  CHECK(pathToUri("/ws/a b/c\xC3\xA9.mon") == "file:///ws/a%20b/c%C3%A9.mon");
  CHECK(uriToPath("untitled:Untitled-1") == "untitled:Untitled-1");
  Client c;
  c.disk.files["/ws/a b/lib.mon"] = "let y = 1\n";
  c.initialize();
  c.open("file:///ws/a%20b/m.mon", "import \"lib.mon\"\nlet x = [y, 2][5]\n");
  auto pubs = c.published("file:///ws/a%20b/m.mon");
  REQUIRE(pubs.size() == 1);
  REQUIRE(pubs[0]["diagnostics"].size() == 1);
  CHECK(pubs[0]["diagnostics"][0]["code"] == "err_index_out_of_range");  // y came from lib.mon
  c.open("untitled:Untitled-1", "monitor hots \"x\" {}\n");
  pubs = c.published("untitled:Untitled-1");
  REQUIRE(pubs.size() == 1);
  REQUIRE(!pubs[0]["diagnostics"].empty());
  CHECK(pubs[0]["diagnostics"][0]["code"] == "err_unknown_kind");
  json actions = c.result("textDocument/codeAction", {{"textDocument", {{"uri", "untitled:Untitled-1"}}},
                                                      {"range", {{"start", Client::pos(0, 9)}, {"end", Client::pos(0, 9)}}},
                                                      {"context", {{"diagnostics", json::array()}}}});
  REQUIRE(actions.size() == 1);
  CHECK(actions[0]["title"] == "Change to 'host'");
  CHECK(actions[0]["edit"]["changes"].contains("untitled:Untitled-1"));
}

TEST_CASE("invalid UTF-8 and NUL bytes in a document") {
  // JSON strings are Unicode, so bad bytes can only come from files read from the disk.
  Client c;
  c.disk.files["/ws/bytes.mon"] = "let s = \"a\xff\"\nmonitor host \"\xfe\" { memo = \"\xc3\" }\nmonitor hots \"\xf0\x9f\" {}\n";
  c.initialize();
  std::string text = "import \"bytes.mon\"\nlet n = \"";
  text += '\0';
  text += "\"\nmonitor host \"\xc3\xa9\" { metric = s }\n";
  c.open("file:///ws/bad.mon", text);
  auto pubs = c.published("file:///ws/bad.mon");
  REQUIRE(pubs.size() == 1);
  CHECK(!pubs[0]["diagnostics"].empty());
  auto imported = c.published("file:///ws/bytes.mon");
  REQUIRE(imported.size() == 1);
  CHECK(!imported[0]["diagnostics"].empty());
  for (int line = 0; line < 5; ++line)
    for (int col = 0; col < 20; col += 3) {
      CHECK(c.request("textDocument/hover", Client::at("file:///ws/bad.mon", line, col)).contains("result"));
      CHECK(c.request("textDocument/completion", Client::at("file:///ws/bad.mon", line, col)).contains("result"));
    }
  CHECK(c.request("textDocument/documentSymbol", {{"textDocument", {{"uri", "file:///ws/bad.mon"}}}}).contains("result"));
}

TEST_CASE("completion of declared variables after var.") {
  Client c;
  c.initialize();
  std::string text = "variable \"env\" { default = \"staging\" }\nvariable \"region\" { default = \"eu\" }\nif var. == \"prod\" {}\n";
  c.open("file:///ws/v.mon", text);
  json items = c.result("textDocument/completion", Client::at("file:///ws/v.mon", 2, 7))["items"];
  std::vector<std::string> labels;
  for (auto& i : items) labels.push_back(i["label"]);
  std::sort(labels.begin(), labels.end());
  CHECK(labels == std::vector<std::string>{"env", "region"});
  json h = c.result("textDocument/hover", Client::at("file:///ws/v.mon", 0, 3));  // the block type word
  CHECK(h["contents"]["value"] == "**variable**\n\nfields: `default` `description`\n\n(* required)");
  h = c.result("textDocument/hover", Client::at("file:///ws/v.mon", 2, 5));  // var.|
  CHECK(h.is_null());
}

TEST_CASE("diagnostics of imported files go to their own URI and are cleared") {
  Client c;
  c.disk.files["/ws/lib.mon"] = "let x = [1, 2][5]\n";
  c.initialize();
  c.open("file:///ws/main.mon", "import \"lib.mon\"\nimport \"missing.mon\"\n");
  auto mainPubs = c.published("file:///ws/main.mon");
  REQUIRE(mainPubs.size() == 1);
  REQUIRE(mainPubs[0]["diagnostics"].size() == 1);
  CHECK(mainPubs[0]["diagnostics"][0]["code"] == "err_import_not_found");
  CHECK(mainPubs[0]["diagnostics"][0]["range"]["start"] == Client::pos(1, 7));
  auto libPubs = c.published("file:///ws/lib.mon");
  REQUIRE(libPubs.size() == 1);
  REQUIRE(libPubs[0]["diagnostics"].size() == 1);
  CHECK(libPubs[0]["diagnostics"][0]["code"] == "err_index_out_of_range");

  // Opening the imported file and fixing it there clears its diagnostics.
  c.open("file:///ws/lib.mon", "let x = [1, 2][5]\n");
  c.published("file:///ws/lib.mon");
  c.notify("textDocument/didChange", {{"textDocument", {{"uri", "file:///ws/lib.mon"}, {"version", 2}}},
                                      {"contentChanges", json::array({{{"text", "let x = [1, 2][1]\n"}}})}});
  c.flush();
  libPubs = c.published("file:///ws/lib.mon");
  REQUIRE(!libPubs.empty());
  CHECK(libPubs.back()["diagnostics"].empty());
  // Closing the importer does not resurrect anything; closing a document clears it.
  c.notify("textDocument/didClose", {{"textDocument", {{"uri", "file:///ws/main.mon"}}}});
  mainPubs = c.published("file:///ws/main.mon");
  REQUIRE(!mainPubs.empty());
  CHECK(mainPubs.back()["diagnostics"].empty());
}

TEST_CASE("edits with out-of-range and mid-character positions are clamped") {
  Client c;
  c.initialize();
  c.open("file:///ws/u.mon", "let s = \"é😀\"\n");
  c.notify("textDocument/didChange",
           {{"textDocument", {{"uri", "file:///ws/u.mon"}, {"version", 2}}},
            {"contentChanges", json::array({{{"range", {{"start", Client::pos(0, 11)}, {"end", Client::pos(0, 11)}}}, {"text", "!"}},
                                            {{"range", {{"start", Client::pos(40, 0)}, {"end", Client::pos(41, 3)}}}, {"text", "let t = 1\n"}}})}});
  c.flush();
  json h = c.result("textDocument/hover", Client::at("file:///ws/u.mon", 0, 5));
  REQUIRE(!h.is_null());
  INFO(h.dump());
  CHECK(h["contents"]["value"].get<std::string>().find("let s = \"é!😀\"")  /* column 11 is inside the emoji: inserted before it */ != std::string::npos);
  json d = c.result("textDocument/definition", Client::at("file:///ws/u.mon", 1, 4));
  REQUIRE(d.size() == 1);
  CHECK(d[0]["range"]["start"] == Client::pos(1, 4));
}

namespace {
std::string outline(const std::vector<Symbol>& syms) {
  std::string s;
  for (const auto& x : syms)
    s += x.name + "@" + std::to_string(x.range.begin) + "-" + std::to_string(x.range.end) + ":" +
         std::to_string(x.selection.begin) + "[" + outline(x.children) + "]";
  return s;
}
std::string diagText(const Analysis& a) {
  std::string s;
  a.forEachDiagnostic([&](const mon::Diagnostic& d) {
    s += std::string(mon::nameOf(d.kind)) + " " + a.comp->sources.path(d.range.valid() ? d.range.file : a.root) + ":" +
         std::to_string(d.range.begin) + "-" + std::to_string(d.range.end) + " " + d.message;
    for (const auto& f : d.fixits) s += " fix " + std::to_string(f.range.begin) + "=" + f.replacement;
    s += "\n";
  });
  return s;
}
}  // namespace

TEST_CASE("re-parsing only the edited statements gives what a full compile gives") {
  mon::lsp::test::MapReader disk;
  disk.files["/ws/lib.mon"] = kLib;
  Workspace fast(disk), full(disk);
  full.setIncremental(false);
  std::string text = std::string("# header comment\n") + kMain + "\n# trailing\nlet z = 1 # after z\nlet w = z\n";
  fast.open("/ws/main.mon", text, 1);
  full.open("/ws/main.mon", text, 1);
  const char* snippets[] = {"x", "1", " ", "\n", "metric = \"a\"\n", "# c\n", "}", "{", "let q = 1\n", "\"", "monitor host \"n\" {}\n",
                            "", "", "use disk_full(\"s\")\n", "=", "row { }"};
  uint32_t seed = 12345;
  auto rnd = [&](uint32_t n) {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) % n;
  };
  int incrementalRuns = 0, runs = 0;
  auto compare = [&](const std::string& expected) {
    full.setText("/ws/main.mon", expected, 1);
    const Analysis* a = fast.analyze("/ws/main.mon");
    const Analysis* b = full.analyze("/ws/main.mon");
    REQUIRE(a->text() == expected);
    incrementalRuns += a->incremental;
    ++runs;
    INFO("text:\n" << expected);
    CHECK(diagText(*a) == diagText(*b));
    CHECK(outline(documentSymbols(*a)) == outline(documentSymbols(*b)));
    CHECK(a->file()->comments.size() == b->file()->comments.size());
  };
  compare(text);
  for (int step = 0; step < 300; ++step) {
    // One random edit from the clean text, then its undo (both through incremental edits).
    uint32_t at = rnd(static_cast<uint32_t>(text.size()) + 1);
    uint32_t len = std::min<uint32_t>(rnd(6), static_cast<uint32_t>(text.size()) - at);
    std::string ins = snippets[rnd(sizeof snippets / sizeof *snippets)];
    std::string edited = text;
    edited.replace(at, len, ins);
    fast.edit("/ws/main.mon", at, at + len, ins);
    compare(edited);
    fast.edit("/ws/main.mon", at, at + static_cast<uint32_t>(ins.size()), text.substr(at, len));
    compare(text);
  }
  CHECK(incrementalRuns > runs / 3);  // the fast path was really taken
}

namespace {
// Every finding with its notes and fixes, one line each, sorted: the statement-level re-check
// assembles the same findings as a full check, not necessarily in the same order.
std::vector<std::string> findingLines(const Analysis& a) {
  std::vector<std::string> out;
  a.forEachDiagnostic([&](const mon::Diagnostic& d) {
    std::string s = std::string(mon::nameOf(d.kind)) + " " + d.rule + " " + std::to_string(static_cast<int>(d.severity)) + " " +
                    std::to_string(d.range.begin) + "-" + std::to_string(d.range.end) + " " + d.message;
    for (const auto& n : d.notes) s += " | note " + std::to_string(n.range.begin) + "-" + std::to_string(n.range.end) + " " + n.message;
    for (const auto& f : d.fixits) s += " | fix " + std::to_string(f.range.begin) + "=" + f.replacement;
    out.push_back(s);
  });
  std::sort(out.begin(), out.end());
  return out;
}

// Monitors and dashboards with lint findings (MON009 across statements among them), a let, a
// variable and a template they can read.
const char* kStatements = R"(# monitors for the re-check test
let warn = 70
let web = ["svc:web"]
variable "team" { default = "sre" }
template cpu(role) {
  monitor host "cpu ${role}" {
    metric = "cpu%"
    operator = ">"
    critical = 90
    duration = 5m
  }
}

monitor host "cpu a" {
  metric = "cpu%"
  operator = ">"
  warning = warn
  critical = 90
  duration = 5m
  scopes = web
  memo = "team ${var.team}"
}

monitor host "cpu b" {
  metric = "cpu%"
  operator = ">"
  warning = 95
  critical = 90
  duration = 5
  scopes = web
}

monitor external "site" {
  url = "https://example.com/"
  service = "svc"
  response_time_critical = 3
  response_time_duration = 3m
}

monitor service "queue" {
  service = "svc"
  metric = "queue.size"
  operator = ">"
  warning = 100
  critical = 500
  duration = 3
  notification_interval = 10m
}

dashboard "board" {
  url_path = "boards/b"
  row {
    graph "cpu" { role = "svc:web"  metric = "cpu" }
    graph "cpu" { role = "svc:web"  metric = "cpu" }
  }
  markdown { text = "" }
}

monitor host "cpu c" {
  metric = "cpu%"
  operator = ">"
  critical = 90
  duration = 5m
  scopes = web
}
)";

// Random edits through the workspace's fast path compared with a full check after each one.
// Returns how many analyses took the statement-level re-check, and how many of those had a
// MON009 finding (which compares monitors of different statements).
struct RecheckRun {
  int rechecked = 0, withDuplicates = 0, runs = 0;
};
RecheckRun randomEditsMatchFullCheck(const std::string& text, const std::vector<std::string>& snippets,
                                     const std::vector<std::string>& lines, uint32_t seed, int steps) {
  mon::lsp::test::MapReader disk;
  disk.files["/ws/.monitorc-lint"] = "MON005 = error\n";
  Workspace fast(disk), full(disk);
  full.setIncremental(false);
  fast.open("/ws/m.mon", text, 1);
  full.open("/ws/m.mon", text, 1);
  auto rnd = [&](uint32_t n) {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) % n;
  };
  RecheckRun out;
  auto compare = [&](const std::string& expected) {
    full.setText("/ws/m.mon", expected, 1);
    const Analysis* a = fast.analyze("/ws/m.mon");
    const Analysis* b = full.analyze("/ws/m.mon");
    REQUIRE(a->text() == expected);
    auto got = findingLines(*a), want = findingLines(*b);
    ++out.runs;
    if (a->statementRecheck) {
      ++out.rechecked;
      for (const auto& l : got) out.withDuplicates += l.find(" MON009 ") != std::string::npos;
    }
    INFO("text:\n" << expected);
    CHECK(got == want);
  };
  compare(text);
  std::string current = text;
  for (int step = 0; step < steps; ++step) {
    // Random edits that pile up, and now and then a return to the clean text.
    if (rnd(5) == 0) {
      fast.setText("/ws/m.mon", text, 1);
      current = text;
      compare(current);
      continue;
    }
    // A few bytes replaced anywhere (mostly breaking the syntax: the full path), or a whole line
    // added or taken away (mostly keeping it: the shortcut).
    uint32_t at = rnd(static_cast<uint32_t>(current.size()) + 1);
    uint32_t len = std::min<uint32_t>(rnd(8), static_cast<uint32_t>(current.size()) - at);
    std::string ins = snippets[rnd(static_cast<uint32_t>(snippets.size()))];
    if (uint32_t kind = rnd(3); kind != 0) {
      at = static_cast<uint32_t>(current.rfind('\n', at == 0 ? 0 : at - 1) + 1);  // the start of its line (npos + 1 = 0)
      size_t eol = current.find('\n', at);
      len = kind == 1 && eol != std::string::npos ? static_cast<uint32_t>(eol + 1 - at) : 0;
      ins = kind == 1 ? "" : lines[rnd(static_cast<uint32_t>(lines.size()))];
    }
    current.replace(at, len, ins);
    fast.edit("/ws/m.mon", at, at + len, ins);
    compare(current);
  }
  return out;
}
}  // namespace

TEST_CASE("checking only the edited statements again gives what a full check gives") {
  std::vector<std::string> snippets = {"x", "1", " ", "\n", "}", "{", "\"", "metirc", "cpu a", "cpu%", "5m", "# c\n", "", "",
                                       "scopes = [\"svc:api\"]\n", "url_path = \"boards/b\"\n", "memo = \"m\"\n", "let q = 1\n",
                                       "use cpu(\"w\")\n", "monitor host \"n\" {\n  metric = \"cpu%\"\n  operator = \">\"\n  critical = 1\n  duration = 5m\n}\n"};
  std::vector<std::string> lines = {"  warning = 80\n", "  memo = \"m\"\n", "  scopes = [\"svc:api\"]\n", "  metirc = \"x\"\n",
                                    "  duration = 5\n", "  url_path = \"boards/b\"\n", "  use cpu(\"w\")\n", "let q = 1\n", "\n", "# note\n",
                                    "monitor host \"cpu d\" {\n  metric = \"cpu%\"\n  operator = \">\"\n  critical = 90\n  duration = 5m\n  scopes = web\n}\n"};
  RecheckRun run = randomEditsMatchFullCheck(kStatements, snippets, lines, 4242, 400);
  // The shortcut was really taken, with findings that compare statements among them.
  CHECK(run.rechecked > run.runs / 5);
  CHECK(run.withDuplicates > 0);
}

TEST_CASE("with targets declared, checking only the edited statements again gives what a full check gives") {
  // Targets the backends' checks translate the monitors for (a monitor a target cannot express,
  // dropped fields, unknown target names), monitors restricted to some of them (MON009 compares
  // only monitors with a common target), and edits that add, break or restrict them.
  std::string text = std::string("target mackerel \"mkr\" {}\ntarget prometheus \"prom\" {}\n") +
                     "target grafana \"graf\" { datasource = \"prom\" }\n" + kStatements +
                     "\nmonitor host \"cpu e\" {\n  metric = \"cpu%\"\n  operator = \">\"\n  critical = 90\n  duration = 5m\n"
                     "  scopes = web\n  targets = [\"mkr\"]\n}\n";
  // What only Mackerel expresses goes only there, so that the program starts without errors.
  for (const char* end : {"  notification_interval = 10m\n", "  markdown { text = \"\" }\n"}) {
    size_t at = text.find(end);
    REQUIRE(at != std::string::npos);
    text.insert(at + std::string(end).size(), "  targets = [\"mkr\"]\n");
  }
  std::vector<std::string> snippets = {"x", "1", " ", "\n", "}", "{", "\"", "metirc", "cpu%", "5m", "", "", "mkr", "prom",
                                       "targets = [\"prom\"]\n", "targets = [\"mkr\"]\n", "targets = [\"nope\"]\n",
                                       "target prometheus \"p2\" {}\n", "is_mute = true\n", "memo = \"m\"\n"};
  std::vector<std::string> lines = {"  targets = [\"mkr\"]\n", "  targets = [\"prom\"]\n", "  targets = [\"graf\", \"mkr\"]\n",
                                    "  targets = [\"nope\"]\n", "  is_mute = true\n", "  warning = 80\n", "  metirc = \"x\"\n",
                                    "  scopes = [\"svc:api\"]\n", "  duration = 5\n", "\n", "target mackerel \"m2\" {}\n",
                                    "monitor host \"cpu d\" {\n  metric = \"cpu%\"\n  operator = \">\"\n  critical = 90\n  duration = 5m\n"
                                    "  scopes = web\n  targets = [\"prom\"]\n}\n"};
  RecheckRun run = randomEditsMatchFullCheck(text, snippets, lines, 977, 400);
  CHECK(run.rechecked > run.runs / 5);
  CHECK(run.withDuplicates > 0);
}

TEST_CASE("after edits the server publishes what a server opening the same text publishes") {
  // Through didChange, as an editor sends edits: the publication reuses what it published before
  // (by run of findings the re-check kept, else by finding) and finds the edit's positions in line
  // starts it keeps across edits. Edits that keep the text's size, add or take away lines, or put
  // characters of several bytes (and UTF-16 units) before findings on their line.
  std::string text = std::string(kStatements) + "\nmonitor host \"cpu e\" {\n  memo = \"é 😀 ok\"  metric = \"cpu%\"\n  operator = \">\"\n"
                     "  critical = 90\n  duration = 5m\n  scopes = web\n}\n";
  const std::string uri = "file:///ws/pub.mon";
  Client c;
  c.initialize();
  c.open(uri, text);
  std::vector<std::string> fieldLines = {"  memo = \"é\"\n", "  warning = 80\n", "  duration = 5\n", "  metirc = \"x\"\n"};
  const std::string block = "monitor host \"n\" {\n  metric = \"cpu%\"\n  operator = \">\"\n  critical = 1\n  duration = 5m\n}\n";
  uint32_t seed = 2718;
  auto rnd = [&](uint32_t n) {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) % n;
  };
  auto sorted = [](const json& diags) {
    std::vector<std::string> out;
    for (const auto& d : diags) out.push_back(d.dump());
    std::sort(out.begin(), out.end());
    return out;
  };
  std::string current = text;
  int withLint = 0;
  for (int step = 0; step < 160; ++step) {
    // Mostly edits inside monitors that keep the syntax (what the re-check takes): a field line
    // added or taken away, a word of the same size, characters added to a string; now and then
    // the clean text again (sent whole) or a few bytes anywhere (often breaking the syntax).
    json change;
    uint32_t at = 0, len = 0;
    std::string ins;
    std::vector<uint32_t> fields, headers;  // the starts of field lines and of monitor headers
    for (size_t l = 0; l < current.size(); l = current.find('\n', l) + 1) {
      if (current.compare(l, 2, "  ") == 0 && current.compare(l, 3, "   ") != 0) fields.push_back(static_cast<uint32_t>(l));
      if (current.compare(l, 8, "monitor ") == 0) headers.push_back(static_cast<uint32_t>(l));
      if (current.find('\n', l) == std::string::npos) break;
    }
    uint32_t field = fields.empty() ? 0 : fields[rnd(static_cast<uint32_t>(fields.size()))];
    size_t eol = current.find('\n', field);
    uint32_t kind = fields.empty() || headers.empty() || eol == std::string::npos ? 0 : rnd(8);
    if (kind == 0) {
      current = text;
      change = {{"text", text}};
    } else if (kind == 1) {  // a field line goes
      at = field;
      len = static_cast<uint32_t>(eol + 1 - field);
    } else if (kind == 2) {  // one comes
      at = field;
      ins = fieldLines[rnd(static_cast<uint32_t>(fieldLines.size()))];
    } else if (kind == 3) {  // a name of the same size
      at = field + 2;
      bool metric = current.compare(at, 6, "metric") == 0;
      len = metric || current.compare(at, 6, "metirc") == 0 ? 6 : 0;
      ins = len == 0 ? "" : metric ? "metirc" : "metric";
    } else if (kind == 4) {  // characters of several bytes (and UTF-16 units) in a string, before the rest of its line
      size_t quote = current.find('"', field);
      at = static_cast<uint32_t>(quote != std::string::npos && quote < eol ? quote + 1 : field);
      ins = rnd(2) ? "é" : "😀";
    } else if (kind == 5) {  // a monitor comes
      at = headers[rnd(static_cast<uint32_t>(headers.size()))];
      ins = block;
    } else if (kind == 7) {  // a line more, the text's size kept: the lines after move, their offsets do not
      at = field;
      len = 2;
      ins = " \n";
    } else if (kind == 6 && rnd(3) == 0) {  // a few bytes anywhere
      at = rnd(static_cast<uint32_t>(current.size()) + 1);
      len = std::min<uint32_t>(rnd(4), static_cast<uint32_t>(current.size()) - at);
      ins = std::string(1, "x}\n\"{"[rnd(5)]);
    }
    while (at < current.size() && (static_cast<unsigned char>(current[at]) & 0xC0) == 0x80) ++at;  // not inside a character
    len = std::min<uint32_t>(len, static_cast<uint32_t>(current.size()) - at);
    while (at + len < current.size() && (static_cast<unsigned char>(current[at + len]) & 0xC0) == 0x80) ++len;
    if (change.is_null()) {
      LineIndex index(current);
      Position from = index.position(at), to = index.position(at + len);
      change = {{"range", {{"start", Client::pos(static_cast<int>(from.line), static_cast<int>(from.character))},
                           {"end", Client::pos(static_cast<int>(to.line), static_cast<int>(to.character))}}},
                {"text", ins}};
      current.replace(at, len, ins);
    }
    c.notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", step + 2}}}, {"contentChanges", json::array({change})}});
    c.flush();
    auto got = c.published(uri);
    REQUIRE(!got.empty());
    Client fresh;
    fresh.initialize();
    fresh.open(uri, current);
    auto want = fresh.published(uri);
    REQUIRE(!want.empty());
    INFO("step " << step << ", text:\n" << current);
    CHECK(sorted(got.back()["diagnostics"]) == sorted(want.back()["diagnostics"]));
    for (const auto& d : got.back()["diagnostics"]) withLint += d["code"] == "MON009";
  }
  CHECK(withLint > 0);
}

TEST_CASE("on a large document lint runs beside the backends' checks and gives what running them in turn gives") {
  // 300 monitors (past the size at which lint gets a thread of its own): duplicates (MON009),
  // lint findings of single monitors, and a target; then the same with a monitor the target
  // cannot express, whose error hides lint's findings.
  auto program = [](bool withError) {
    std::string text = "target prometheus \"prom\" {}\n";
    for (int i = 0; i < 300; ++i)
      text += "monitor host \"cpu " + std::to_string(i) + "\" {\n  metric = \"cpu%\"\n  operator = \">\"\n  critical = 90\n"
              "  duration = " + std::string(i % 3 ? "5m" : "5") + "\n  scopes = [\"svc:web\"]\n}\n";
    if (withError) text += "monitor service \"queue\" {\n  service = \"svc\"\n  metric = \"q\"\n  operator = \">\"\n  critical = 1\n  duration = 3\n}\n";
    return text;
  };
  for (bool withError : {false, true}) {
    mon::lsp::test::MapReader disk;
    disk.files["/ws/.monitorc-lint"] = "MON005 = error\n";
    disk.files["/ws/big.mon"] = program(withError);
    Workspace ws(disk);
    ws.open("/ws/big.mon", program(withError), 1);
    const Analysis* a = ws.analyze("/ws/big.mon");
    REQUIRE(a);
    // The same pipeline one step after the other, as `monitorc check` and `monitorc lint` run it.
    mon::Compilation c;
    mon::CompileOptions opts;
    opts.keepSyntax = true;
    mon::compile({"/ws/big.mon"}, opts, disk, c);
    if (c.diags.errorCount() == 0) mon::checkBackends(c.module, c.diags);
    lintAnalysis(c, "/ws/big.mon", disk);
    std::vector<std::string> got = findingLines(*a), want;
    for (const auto& d : c.diags.all()) {
      std::string line = std::string(mon::nameOf(d.kind)) + " " + d.rule + " " + std::to_string(static_cast<int>(d.severity)) +
                         " " + std::to_string(d.range.begin) + "-" + std::to_string(d.range.end) + " " + d.message;
      for (const auto& n : d.notes) line += " | note " + std::to_string(n.range.begin) + "-" + std::to_string(n.range.end) + " " + n.message;
      for (const auto& f : d.fixits) line += " | fix " + std::to_string(f.range.begin) + "=" + f.replacement;
      want.push_back(line);
    }
    std::sort(want.begin(), want.end());
    CHECK(got == want);
    size_t lintFindings = 0, errors = 0;
    for (const auto& l : got) {
      lintFindings += l.find(" MON0") != std::string::npos;
      errors += l.find("err_") == 0;
    }
    if (withError) {
      CHECK(errors > 0);
      CHECK(lintFindings == 0);
    } else {
      CHECK(lintFindings >= 299);  // at least every duplicate of the first monitor
    }
  }
}

TEST_CASE("record blocks: offered at top level, fields completed and hovered from the schema, listed as symbols") {
  Client c;
  c.initialize();
  c.open("file:///ws/top.mon", "rec");
  c.open("file:///ws/r.mon", "record \"job:x\" {\n  expr = \"up\"\n  \n}\n");
  CHECK(c.completionLabels("file:///ws/top.mon", 0, 3) == std::vector<std::string>{"record"});
  auto fields = c.completionLabels("file:///ws/r.mon", 2, 2);
  for (const char* f : {"expr", "labels", "targets"}) CHECK(std::find(fields.begin(), fields.end(), f) != fields.end());
  CHECK(std::find(fields.begin(), fields.end(), "query") == fields.end());
  json h = c.result("textDocument/hover", Client::at("file:///ws/r.mon", 1, 3));
  CHECK(h["contents"]["value"].get<std::string>().find("PromQL expression") != std::string::npos);
  json syms = c.result("textDocument/documentSymbol", {{"textDocument", {{"uri", "file:///ws/r.mon"}}}});
  REQUIRE(syms.size() == 1);
  CHECK(syms[0]["name"] == "job:x");
  CHECK(syms[0]["detail"] == "record");
}

TEST_CASE("routing blocks: channel kinds, route and maintenance fields completed from the schema; channels in the outline") {
  Client c;
  c.initialize();
  c.open("file:///ws/ch.mon", "channel ");
  c.open("file:///ws/rt.mon", "route \"pages\" {\n  \n}\n");
  c.open("file:///ws/mw.mon", "maintenance \"backup\" {\n  \n}\n");
  c.open("file:///ws/sl.mon", "channel slack \"ops\" {\n  \n}\n");
  auto kinds = c.completionLabels("file:///ws/ch.mon", 0, 8);
  for (const char* k : {"email", "slack", "webhook", "pagerduty"}) CHECK(std::find(kinds.begin(), kinds.end(), k) != kinds.end());
  CHECK(std::find(kinds.begin(), kinds.end(), "mackerel") == kinds.end());
  auto route = c.completionLabels("file:///ws/rt.mon", 1, 2);
  for (const char* f : {"channels", "severity", "match", "scopes", "monitors", "continue", "group_by", "repeat_interval"})
    CHECK(std::find(route.begin(), route.end(), f) != route.end());
  auto window = c.completionLabels("file:///ws/mw.mon", 1, 2);
  for (const char* f : {"start", "end", "weekdays", "time_zone"}) CHECK(std::find(window.begin(), window.end(), f) != window.end());
  auto slack = c.completionLabels("file:///ws/sl.mon", 1, 2);
  CHECK(std::find(slack.begin(), slack.end(), "api_url_env") != slack.end());
  CHECK(std::find(slack.begin(), slack.end(), "api_url") == slack.end());
  json syms = c.result("textDocument/documentSymbol", {{"textDocument", {{"uri", "file:///ws/sl.mon"}}}});
  REQUIRE(syms.size() == 1);
  CHECK(syms[0]["name"] == "ops");
  CHECK(syms[0]["detail"] == "channel slack");
}

TEST_CASE("defaults blocks: offered at top level, 'targets' completed and hovered from the schema") {
  Client c;
  c.initialize();
  c.open("file:///ws/top.mon", "defa");
  c.open("file:///ws/d.mon", "defaults {\n  targets = []\n}\n");
  c.open("file:///ws/e.mon", "defaults {\n  \n}\n");
  CHECK(c.completionLabels("file:///ws/top.mon", 0, 4) == std::vector<std::string>{"defaults"});
  auto fields = c.completionLabels("file:///ws/e.mon", 1, 2);
  CHECK(std::find(fields.begin(), fields.end(), "targets") != fields.end());
  CHECK(std::find(fields.begin(), fields.end(), "query") == fields.end());
  json h = c.result("textDocument/hover", Client::at("file:///ws/d.mon", 1, 3));
  CHECK(h["contents"]["value"].get<std::string>().find("does not set 'targets' itself") != std::string::npos);
}

TEST_CASE("the backends' checks: a monitor a declared target cannot express, as monitorc check reports it") {
  Client c;
  c.initialize();
  const std::string uri = "file:///ws/targets.mon";
  c.open(uri,
         "target mackerel \"mkr\" {}\n"
         "target prometheus \"prom\" {}\n"
         "\n"
         "monitor service \"Pledges stopped\" {\n"
         "  service = \"crowdfund\"\n"
         "  metric = \"pledge.count\"\n"
         "  operator = \"<\"\n"
         "  critical = 1\n"
         "  duration = 3\n"
         "}\n");
  auto cannotExpress = [](const json& pub) {
    json diags = Client::compilerOnly(pub["diagnostics"]);
    REQUIRE(diags.size() == 1);
    const json& d = diags[0];
    CHECK(d["code"] == "err_target_cannot_express");
    CHECK(d["severity"] == 1);
    CHECK(d["range"] == json({{"start", Client::pos(3, 16)}, {"end", Client::pos(3, 33)}}));  // the monitor's name
    CHECK(d["message"].get<std::string>().rfind(
              "monitor 'Pledges stopped' cannot be expressed on prometheus target 'prom': service metrics exist only in Mackerel", 0) == 0);
  };
  // The compile's diagnostics (none) at once, then again with the backends' checks.
  auto pubs = c.published(uri);
  REQUIRE(pubs.size() == 2);
  CHECK(pubs[0]["diagnostics"].empty());
  CHECK(pubs[1]["version"] == pubs[0]["version"]);
  cannotExpress(pubs[1]);

  // Restricting the monitor to the mackerel target clears it.
  auto change = [&](int version, json range, const std::string& text) {
    c.notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", version}}},
                                        {"contentChanges", json::array({{{"range", range}, {"text", text}}})}});
    c.flush();
    auto p = c.published(uri);
    REQUIRE(p.size() == 1);
    CHECK(p[0]["version"] == version);
    return p[0];
  };
  json addTargets = {{"start", Client::pos(9, 0)}, {"end", Client::pos(9, 0)}};
  json pub = change(2, addTargets, "  targets = [\"mkr\"]\n");
  CHECK(Client::compilerOnly(pub["diagnostics"]).empty());

  // Taking it away again (an edit the statement-level re-parse handles) brings the error back.
  pub = change(3, {{"start", Client::pos(9, 0)}, {"end", Client::pos(10, 0)}}, "");
  cannotExpress(pub);

  // While the front end reports an error, the backends' checks do not run (as in monitorc check).
  pub = change(4, {{"start", Client::pos(8, 2)}, {"end", Client::pos(8, 10)}}, "duratoin");
  REQUIRE(!pub["diagnostics"].empty());
  for (const auto& d : pub["diagnostics"]) CHECK(d["code"] != "err_target_cannot_express");
}

TEST_CASE("lint findings are published with their rule codes, honouring .monitorc-lint and suppressions") {
  Client c;
  c.initialize();
  const std::string uri = "file:///ws/svc/web.mon";
  auto codes = [](const json& pub) {
    std::vector<std::string> out;
    for (const auto& d : pub["diagnostics"]) out.push_back(d["code"]);
    std::sort(out.begin(), out.end());
    return out;
  };
  const std::string monitor =
      "monitor host \"cpu\" {\n"
      "  metric = \"cpu%\"\n"
      "  operator = \">\"\n"
      "  warning = 95\n"
      "  critical = 90\n"
      "  duration = 5m\n"
      "  scopes = [\"web\"]\n"
      "}\n";
  c.open(uri, monitor);
  auto pubs = c.published(uri);
  REQUIRE(pubs.size() == 2);  // the compile's diagnostics (none), then with lint's
  CHECK(pubs[0]["diagnostics"].empty());
  CHECK(codes(pubs[1]) == std::vector<std::string>{"MON001", "MON004"});
  for (const auto& d : pubs[1]["diagnostics"]) {
    CHECK(d["source"] == "monitorc");
    if (d["code"] == "MON001") {
      CHECK(d["severity"] == 1);  // threshold-order is an error by default
      CHECK(d["range"]["start"]["line"] == 3);
    } else {
      CHECK(d["severity"] == 2);
      CHECK(d["range"] == json({{"start", Client::pos(0, 13)}, {"end", Client::pos(0, 18)}}));  // the name
    }
  }

  // An inline suppression turns one rule off for this monitor; an edit re-lints.
  auto change = [&](int version, const std::string& text) {
    c.notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", version}}},
                                        {"contentChanges", json::array({{{"text", text}}})}});
    c.flush();
    auto p = c.published(uri);
    REQUIRE(p.size() == 1);
    return p[0];
  };
  json pub = change(2, "# monitorc-lint: ignore MON004 -- the wiki page covers it\n" + monitor);
  CHECK(codes(pub) == std::vector<std::string>{"MON001"});
  // A suppression without a reason is reported at its place, and suppresses nothing.
  pub = change(3, "# monitorc-lint: ignore MON004\n" + monitor);
  std::vector<std::string> got = codes(pub);
  CHECK(std::count(got.begin(), got.end(), "MON004") == 1);
  CHECK(got.size() == 3);  // MON001, MON004 and the malformed directive

  // The nearest .monitorc-lint above the document: a rule turned off and one made a note.
  c.disk.files["/ws/.monitorc-lint"] = "MON004 = off\nthreshold-order = note\n";
  pub = change(4, monitor);
  REQUIRE(codes(pub) == std::vector<std::string>{"MON001"});
  CHECK(pub["diagnostics"][0]["severity"] == 3);
  // A bad configuration line is an error in the configuration file, and no rule runs.
  c.disk.files["/ws/.monitorc-lint"] = "MON004 = sometimes\n";
  pub = change(5, monitor);
  CHECK(pub["diagnostics"].empty());
  auto configPubs = c.published("file:///ws/.monitorc-lint");
  REQUIRE(configPubs.size() == 1);
  REQUIRE(configPubs[0]["diagnostics"].size() == 1);
  CHECK(configPubs[0]["diagnostics"][0]["severity"] == 1);

  // While the front end reports an error, lint does not run (as in monitorc lint).
  c.disk.files.erase("/ws/.monitorc-lint");
  pub = change(6, monitor + "monitor host \"x\" { metirc = \"cpu%\" }\n");
  for (const auto& d : pub["diagnostics"]) CHECK(d["code"].get<std::string>().rfind("MON", 0) != 0);
}
