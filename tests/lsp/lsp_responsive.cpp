// Responsiveness: documents compile on a worker thread, so requests are answered while a
// compile is stuck, and a burst of edits is compiled and published for its last version only.
// A compile is held up deterministically by an import whose read waits at a gate.
#include <doctest/doctest.h>

#include <condition_variable>
#include <mutex>

#include "harness.h"

using namespace mon::lsp;
using mon::lsp::test::Client;
using mon::lsp::test::framesIn;

namespace {

// Files in memory; reading "/ws/gate.mon" waits until the gate is opened.
class GateReader : public mon::FileReader {
 public:
  bool read(const std::string& path, std::string& text, std::string& error) override {
    if (Workspace::normalize(path) != "/ws/gate.mon") {
      error = "no such file";
      return false;
    }
    std::unique_lock lock(mutex_);
    reached_ = true;
    changed_.notify_all();
    changed_.wait(lock, [&] { return open_; });
    text = "let gated = 1\n";
    return true;
  }
  void waitUntilReached() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return reached_; });
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool reached_ = false, open_ = false;
};

struct Session {
  GateReader disk;
  StringTransport transport;
  Server server{transport, disk};
  std::vector<json> responses, published;
  int nextId = 0;

  void send(const json& msg) {
    server.handle(msg.dump());
    collect();
  }
  void collect() {
    for (json& m : framesIn(transport.output()))
      (m.contains("method") ? published : responses).push_back(m);
    transport.output().clear();
  }
  void notify(const std::string& method, json params) { send({{"jsonrpc", "2.0"}, {"method", method}, {"params", params}}); }
  json request(const std::string& method, json params) {
    int id = ++nextId;
    send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
    REQUIRE(!responses.empty());
    CHECK(responses.back()["id"] == id);
    return responses.back();
  }
  void open(const std::string& uri, const std::string& text) {
    notify("textDocument/didOpen", {{"textDocument", {{"uri", uri}, {"languageId", "mon"}, {"version", 1}, {"text", text}}}});
  }
  void change(const std::string& uri, int version, const std::string& text) {
    notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", version}}}, {"contentChanges", {{{"text", text}}}}});
  }
  void flush() {
    server.flush();
    collect();
  }
  // The publishDiagnostics params for `uri`, in order.
  std::vector<json> publishedFor(const std::string& uri) {
    std::vector<json> out;
    for (json& m : published)
      if (m["params"]["uri"] == uri) out.push_back(m["params"]);
    return out;
  }
};

// Each version names a different undefined name in a field, which the diagnostic quotes.
std::string monitorWith(const std::string& name) {
  return "monitor host \"cpu\" {\n  metric = \"cpu%\"\n  operator = \">\"\n  warning = " + name + "\n  duration = 5m\n}\n";
}
std::string mainText(int v) { return "import \"gate.mon\"\nlet a = gated\n" + monitorWith("missing_" + std::to_string(v)); }
std::string otherText(int v) { return monitorWith("absent_" + std::to_string(v)); }

}  // namespace

TEST_CASE("requests are answered while a compile is stuck; an edit storm is published for its last version") {
  Session s;
  s.server.setRequestWait(std::chrono::milliseconds(50));
  s.request("initialize", {{"processId", nullptr}, {"rootUri", nullptr}, {"capabilities", json::object()}});
  s.notify("initialized", json::object());
  const std::string main = "file:///ws/main.mon", other = "file:///ws/other.mon";
  s.open(main, mainText(1));
  s.server.analyseChanged();
  s.disk.waitUntilReached();  // the worker is now stuck compiling main.mon version 1
  s.open(other, otherText(1));
  for (int v = 2; v <= 40; ++v) {
    s.change(main, v, mainText(v));
    s.change(other, v, otherText(v));
    s.server.takeResults();
    s.server.analyseChanged();  // a quiet moment: other.mon's queued compile takes the newest text
  }
  // Every request gets its answer while main.mon's compile is still stuck.
  CHECK(s.request("textDocument/hover", Client::at(main, 1, 10))["result"].is_null());
  CHECK(s.request("textDocument/hover", Client::at(other, 0, 5))["result"].is_null());
  json completion = s.request("textDocument/completion", Client::at(main, 1, 9))["result"];
  CHECK(completion["items"].empty());
  CHECK(completion["isIncomplete"] == true);
  CHECK(s.request("textDocument/documentSymbol", {{"textDocument", {{"uri", main}}}})["result"] == json::array());
  CHECK(s.request("textDocument/formatting", {{"textDocument", {{"uri", other}}}, {"options", json::object()}})["result"].is_array());
  CHECK(s.published.empty());

  s.disk.open();
  s.flush();
  std::vector<json> mainDiags = s.publishedFor(main), otherDiags = s.publishedFor(other);
  REQUIRE(mainDiags.size() == 1);  // version 1 came back stale and was not published
  CHECK(mainDiags[0]["version"] == 40);
  REQUIRE(mainDiags[0]["diagnostics"].size() == 1);
  CHECK(mainDiags[0]["diagnostics"][0]["message"].get<std::string>().find("missing_40") != std::string::npos);
  REQUIRE(otherDiags.size() == 1);  // one compile of the newest text
  CHECK(otherDiags[0]["version"] == 40);
  REQUIRE(otherDiags[0]["diagnostics"].size() == 1);
  CHECK(otherDiags[0]["diagnostics"][0]["message"].get<std::string>().find("absent_40") != std::string::npos);

  // Now the requests are answered from the analysis of the last version.
  json hover = s.request("textDocument/hover", Client::at(main, 1, 10))["result"];
  REQUIRE(hover.is_object());
  CHECK(hover["contents"]["value"].get<std::string>().find("gated") != std::string::npos);
  CHECK(s.request("shutdown", nullptr)["result"].is_null());
}

TEST_CASE("a request waits for the compile of its document's newest text") {
  Client c;
  c.initialize();
  c.open("file:///w/a.mon", "let x = 1\n");
  c.notify("textDocument/didChange", {{"textDocument", {{"uri", "file:///w/a.mon"}, {"version", 2}}},
                                      {"contentChanges", {{{"text", "let x = 1\nlet y = x\n"}}}}});
  json hover = c.result("textDocument/hover", Client::at("file:///w/a.mon", 1, 8));  // no flush before it
  REQUIRE(hover.is_object());
  CHECK(hover["contents"]["value"].get<std::string>().find("`1`") != std::string::npos);
}
