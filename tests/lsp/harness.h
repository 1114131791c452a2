#pragma once
// An in-memory LSP client for unit tests: feeds messages to a Server through a
// StringTransport and reads back responses and notifications.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "server.h"

namespace mon::lsp::test {

/// Files "on disk" for the workspace, by path.
class MapReader : public FileReader {
 public:
  std::map<std::string, std::string> files;
  bool read(const std::string& path, std::string& text, std::string& error) override {
    auto it = files.find(Workspace::normalize(path));
    if (it == files.end()) {
      error = "no such file";
      return false;
    }
    text = it->second;
    return true;
  }
};

/// The messages the server wrote to `out` (each framed by Transport::write), in order.
inline std::vector<json> framesIn(const std::string& out) {
  std::vector<json> msgs;
  size_t at = 0;
  while (at < out.size()) {
    size_t hdrEnd = out.find("\r\n\r\n", at);
    if (hdrEnd == std::string::npos) break;
    size_t len = std::stoul(out.substr(at + 16, hdrEnd - at - 16));
    msgs.push_back(json::parse(out.substr(hdrEnd + 4, len)));
    at = hdrEnd + 4 + len;
  }
  return msgs;
}

/// A framed message as a client writes it.
inline std::string frame(const json& msg) {
  std::string body = msg.dump();
  return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

/// A framed request.
inline std::string requestFrame(json id, const std::string& method, json params) {
  return frame({{"jsonrpc", "2.0"}, {"id", std::move(id)}, {"method", method}, {"params", std::move(params)}});
}

class Client {
 public:
  Client() : server(transport, disk) {}

  /// Sends a raw body (framing added) and handles it.
  void raw(const std::string& body) {
    server.handle(body);
    collect();
  }
  void notify(const std::string& method, json params) {
    raw(json{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}}.dump());
  }
  /// Sends a request and returns the whole response message.
  json request(const std::string& method, json params) {
    int id = ++nextId_;
    raw(json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}}.dump());
    for (auto it = responses.begin(); it != responses.end(); ++it)
      if ((*it)["id"] == id) {
        json r = *it;
        responses.erase(it);
        return r;
      }
    return json();
  }
  json result(const std::string& method, json params) { return request(method, std::move(params))["result"]; }
  void initialize() {
    request("initialize", {{"processId", nullptr}, {"rootUri", nullptr}, {"capabilities", json::object()}});
    notify("initialized", json::object());
  }
  void open(const std::string& uri, const std::string& text) {
    notify("textDocument/didOpen", {{"textDocument", {{"uri", uri}, {"languageId", "mon"}, {"version", 1}, {"text", text}}}});
    server.flush();
    collect();
  }
  /// Compiles what changed and collects the diagnostics published.
  void flush() {
    server.flush();
    collect();
  }
  /// Publishes collected for `uri` since the last call, newest last.
  std::vector<json> published(const std::string& uri) {
    std::vector<json> out, rest;
    for (auto& n : notifications) {
      if (n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri) out.push_back(n["params"]);
      else rest.push_back(n);
    }
    notifications = std::move(rest);
    return out;
  }
  /// The labels of the completion items offered at a position, sorted.
  std::vector<std::string> completionLabels(const std::string& uri, int line, int character) {
    std::vector<std::string> out;
    json items = result("textDocument/completion", at(uri, line, character))["items"];
    for (auto& item : items) out.push_back(item["label"]);
    std::sort(out.begin(), out.end());
    return out;
  }
  /// The diagnostics of the compiler's own checks: without lint findings (codes "MONnnn").
  static json compilerOnly(const json& diags) {
    json out = json::array();
    for (const auto& d : diags)
      if (d["code"].get<std::string>().rfind("MON", 0) != 0) out.push_back(d);
    return out;
  }
  static json pos(int line, int character) { return {{"line", line}, {"character", character}}; }
  static json at(const std::string& uri, int line, int character) {
    return {{"textDocument", {{"uri", uri}}}, {"position", pos(line, character)}};
  }

  StringTransport transport;
  MapReader disk;
  Server server;
  std::vector<json> responses, notifications;

 private:
  void collect() {
    std::string& out = transport.output();
    size_t at = 0;
    while (at < out.size()) {
      size_t hdrEnd = out.find("\r\n\r\n", at);
      if (hdrEnd == std::string::npos) break;
      size_t len = std::stoul(out.substr(at + 16, hdrEnd - at - 16));
      json msg = json::parse(out.substr(hdrEnd + 4, len));
      (msg.contains("id") && !msg.contains("method") ? responses : notifications).push_back(msg);
      at = hdrEnd + 4 + len;
    }
    out.erase(0, at);
  }
  int nextId_ = 0;
};

}  // namespace mon::lsp::test
