// Framing: the transport finds the next frame after any bad bytes, and the server answers
// every valid request that follows garbage (transcripts through Server::run).
#include <doctest/doctest.h>

#include "harness.h"

using namespace mon::lsp;
using mon::lsp::test::Client;
using mon::lsp::test::frame;
using mon::lsp::test::framesIn;
using mon::lsp::test::requestFrame;

namespace {

// Reads every frame of `input`; bodies of messages, "!" + error of the others, until Eof.
std::vector<std::string> readAll(const std::string& input) {
  StringTransport t(input);
  std::vector<std::string> out;
  std::string body, error;
  for (;;) {
    Transport::Read r = t.read(body, error);
    if (r == Transport::Read::Eof) return out;
    out.push_back(r == Transport::Read::Message ? body : "!" + error);
  }
}

std::string lengthFrame(const std::string& body) { return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body; }

// Runs a server over `input` (which should end with shutdown and exit) and returns its output.
std::vector<json> transcript(const std::string& input) {
  Client c;  // for its disk; the server under test gets its own transport
  StringTransport t(input);
  Server server(t, c.disk);
  server.run();
  return framesIn(t.output());
}

const json kInit = {{"processId", nullptr}, {"rootUri", nullptr}, {"capabilities", json::object()}};

}  // namespace

TEST_CASE("a stray byte before a header does not lose the frame") {
  CHECK(readAll("X" + lengthFrame("{}") + "\x01" + lengthFrame("[]")) == std::vector<std::string>{"{}", "[]"});
  CHECK(readAll("\r\n\n" + lengthFrame("{}") + "\n\n") == std::vector<std::string>{"{}"});
}

TEST_CASE("junk lines before a header are skipped with the header") {
  CHECK(readAll("garbage\r\n" + lengthFrame("{}")) == std::vector<std::string>{"{}"});
  CHECK(readAll("a: b\r\ngarbage\r\n" + lengthFrame("{}")) == std::vector<std::string>{"{}"});
}

TEST_CASE("a frame without a usable length costs one error, and the next frame is read") {
  // The body of the frame without a length runs straight into the next header.
  auto got = readAll("Content-Type: text\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"x\"}" + lengthFrame("{}"));
  CHECK(got == std::vector<std::string>{"!missing Content-Length header", "{}"});
  // The skipped body has lines that look like headers: still one error.
  got = readAll("Content-Length: x\r\n\r\nA: b\r\n\r\nc: d\r\n\r\n" + lengthFrame("{}"));
  CHECK(got == std::vector<std::string>{"!invalid Content-Length header", "{}"});
  for (const char* bad : {"-1", "+5", "5x", "0x10", "", "1 2", "99999999999999999999999"}) {
    CAPTURE(bad);
    got = readAll(std::string("Content-Length: ") + bad + "\r\n\r\n{}" + lengthFrame("[]"));
    CHECK(got == std::vector<std::string>{"!invalid Content-Length header", "[]"});
  }
  got = readAll("Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}" + lengthFrame("[]"));
  CHECK(got == std::vector<std::string>{"!invalid Content-Length header", "[]"});
}

TEST_CASE("headers are matched without regard to case, with other headers around") {
  auto got = readAll("content-LENGTH: 2\r\n\r\n{}CONTENT-TYPE: application/vscode-jsonrpc; charset=utf-8\r\n"
                     "Content-Length:\t3 \r\n\r\n[1]");
  CHECK(got == std::vector<std::string>{"{}", "[1]"});
}

TEST_CASE("a long run of junk without a newline is searched through for the next header") {
  std::string junk(300000, 'j');
  CHECK(readAll(junk + lengthFrame("{}")) == std::vector<std::string>{"{}"});
  CHECK(readAll("Content-Type: x\r\n\r\n" + junk + lengthFrame("{}")) ==
        std::vector<std::string>{"!missing Content-Length header", "{}"});
}

TEST_CASE("a body over the limit is read past, its start kept") {
  std::string big = "{\"jsonrpc\":\"2.0\",\"id\":7," + std::string(Transport::kMaxBody, ' ') + "}";
  StringTransport t(lengthFrame(big) + lengthFrame("{}"));
  std::string body, error;
  CHECK(t.read(body, error) == Transport::Read::TooLarge);
  CHECK(body.size() == Transport::kKeptOfLarge);
  CHECK(body.rfind("{\"jsonrpc\":\"2.0\",\"id\":7,", 0) == 0);
  CHECK(error.find("larger than the 64 MiB limit") != std::string::npos);
  CHECK(t.read(body, error) == Transport::Read::Message);
  CHECK(body == "{}");
  // A length beyond anything a client sends is not believed: the next frame is looked for.
  CHECK(readAll("Content-Length: 99999999999\r\n\r\n{}" + lengthFrame("[]")) ==
        std::vector<std::string>{"!invalid Content-Length header", "[]"});
}

TEST_CASE("end of input inside a frame ends reading cleanly") {
  CHECK(readAll("Content-Length: 10\r\n\r\n{\"x\"").empty());
  CHECK(readAll("Content-Length: 10\r\n").empty());
  CHECK(readAll(lengthFrame("{}") + "Content-Le").size() == 1);
}

TEST_CASE("the request id of a too-large message is found in its start") {
  CHECK(requestIdIn(R"({"jsonrpc":"2.0","id":12,"method":"x","params":{"text":"aaa)") == 12);
  CHECK(requestIdIn(R"({"params":{"id":1,"t":[{"id":2}]},"id":"r3","method":"x")") == "r3");
  CHECK(requestIdIn(R"({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"id":4, "text":"aa)").is_null());
  CHECK(requestIdIn(R"({"id":{"a":1}})").is_null());
  CHECK(requestIdIn("\x01garbage").is_null());
}

TEST_CASE("the server answers the valid requests that follow garbage") {
  std::string uri = "file:///t.mon";
  json open = {{"textDocument", {{"uri", uri}, {"languageId", "mon"}, {"version", 1},
                                 {"text", "let answer = 42\nlet copy = answer\n"}}}};
  std::string in = requestFrame(1, "initialize", kInit) + frame({{"jsonrpc", "2.0"}, {"method", "initialized"}}) +
                   frame({{"jsonrpc", "2.0"}, {"method", "textDocument/didOpen"}, {"params", open}});
  in += "\x7f";                                                            // one stray byte
  in += requestFrame(2, "textDocument/hover", Client::at(uri, 1, 12));
  in += "Content-Type: text\r\n\r\n" + json{{"jsonrpc", "2.0"}, {"id", 99}, {"method", "shutdown"}}.dump();  // no length
  in += requestFrame(3, "textDocument/hover", Client::at(uri, 1, 12));
  in += lengthFrame("{\"jsonrpc\": [");                                      // not JSON
  in += requestFrame("four", "textDocument/completion", Client::at(uri, 1, 11));
  in += "garbage line\r\n\r\n";                                              // junk alone
  in += requestFrame(5, "textDocument/hover", Client::at(uri, 1, 12));
  std::string big = R"({"jsonrpc":"2.0","id":6,"method":"textDocument/hover","params":{"x":")";
  in += lengthFrame(big + std::string(Transport::kMaxBody, 'x') + "\"}}");  // too large, with an id
  in += requestFrame(7, "shutdown", nullptr) + frame({{"jsonrpc", "2.0"}, {"method", "exit"}});

  std::vector<json> responses;
  for (json& m : transcript(in))
    if (!m.contains("method")) responses.push_back(m);
  REQUIRE(responses.size() == 10);
  std::vector<json> ids;
  for (json& r : responses) ids.push_back(r["id"]);
  CHECK(ids == std::vector<json>{1, 2, nullptr, 3, nullptr, "four", nullptr, 5, 6, 7});
  for (int i : {1, 3, 7}) {  // the hovers: each answered in full
    CAPTURE(i);
    REQUIRE(responses[i]["result"].is_object());
    CHECK(responses[i]["result"]["contents"]["value"].get<std::string>().find("`42`") != std::string::npos);
  }
  for (int i : {2, 4, 6}) CHECK(responses[i]["error"]["code"] == -32700);  // no length, not JSON, junk
  CHECK(responses[5]["result"]["items"].is_array());
  CHECK(responses[8]["error"]["code"] == -32600);  // too large, answered under its id
  CHECK(responses[8]["error"]["message"].get<std::string>().find("64 MiB") != std::string::npos);
  CHECK(responses[9]["result"].is_null());  // shutdown
}
