#pragma once
// The server layer: JSON-RPC dispatch through a method table, the LSP lifecycle, document
// sync and diagnostics publishing. Features live in the workspace layer (features.h).
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>

#include "analyzer.h"
#include "line_index.h"
#include "protocol.h"
#include "transport.h"
#include "workspace.h"

namespace mon::lsp {

class Server {
 public:
  Server(Transport& transport, FileReader& disk);
  /// Reads and handles messages until `exit` or end of input; returns the exit status
  /// (0 after shutdown + exit, 1 otherwise, as the LSP specification asks).
  int run();
  /// Handles one message body. Never throws: bad input gets a JSON-RPC error or is ignored.
  void handle(const std::string& body);
  /// Compiles documents changed since the last flush and publishes their diagnostics, waiting
  /// for the compiles (for tests; run() does the same without blocking its input).
  void flush();
  /// Starts compiling what changed, publishes what is compiled and up to date; never waits.
  void analyseChanged();
  /// Takes back finished compiles (published by the next analyseChanged()); never waits.
  void takeResults();
  /// How long a request waits for the analysis of its document before it is answered without
  /// one ("nothing here"); a document whose analysis ran out of this time once is not waited
  /// for again until it changes.
  void setRequestWait(std::chrono::milliseconds wait) { requestWait_ = wait; }
  bool exited() const { return exited_; }
  /// Re-parse whole documents on every change instead of only the edited statements.
  void setFullReparse(bool on) { workspace_.setIncremental(!on); }

 private:
  using Request = json (Server::*)(const json& params);
  using Notification = void (Server::*)(json& params);  // may take what it keeps from params
  void bindMethods();
  void request(const json& id, const std::string& method, const json& params);
  void notification(const std::string& method, json& params);
  void reply(const json& id, json result);
  void replyError(const json& id, int code, const std::string& message);
  void send(const json& msg);
  void tooLarge(const std::string& start, const std::string& error);

  // Lifecycle.
  json onInitialize(const json& params);
  json onShutdown(const json& params);
  void onInitialized(json& params) {}
  void onExit(json& params);
  void onIgnore(json& params) {}
  // Document sync.
  void onDidOpen(json& params);
  void onDidChange(json& params);
  void onDidClose(json& params);
  // Features (handlers.cpp).
  json onHover(const json& params);
  json onCompletion(const json& params);
  json onDefinition(const json& params);
  json onDocumentSymbol(const json& params);
  json onFormatting(const json& params);
  json onCodeAction(const json& params);

  // Helpers.
  std::string pathOf(const json& params);  // the document's path from params.textDocument.uri
  const Analysis* analysisFor(const json& params, uint32_t* offset);
  std::string uriOf(const std::string& path) const;
  const Analysis* awaitAnalysis(const std::string& path);
  void startAnalysis(const std::string& path);
  void publish(const std::string& root, const Analysis& a);
  void sendMerged(const std::string& path, bool force);

  Transport& transport_;
  Workspace workspace_;
  std::map<std::string, Request> requests_;
  std::map<std::string, Notification> notifications_;
  bool initialized_ = false, shutdown_ = false, exited_ = false;
  std::map<std::string, std::string> uris_;  // open document path -> the URI the client used
  std::map<std::string, DocumentLines> lines_;  // open document path -> its line starts, kept across edits
  std::set<std::string> dirty_;   // documents changed since the last analyseChanged()
  std::set<std::string> wanted_;  // roots whose diagnostics are to be published when up to date
  std::map<std::string, uint64_t> gaveUp_;  // document -> generation a request stopped waiting at
  std::chrono::milliseconds requestWait_{1000};
  // Diagnostics (each as its JSON text) by the root document that produced them, then by file
  // path; and the diagnostics array last published for each file, as sent.
  // Each diagnostic's JSON text is shared with rendered_ (a large file's findings are mostly the
  // same from one publication to the next, and copying their text cost as much as the edit).
  using Rendered = std::shared_ptr<const std::string>;
  std::map<std::string, std::map<std::string, std::vector<Rendered>>> byRoot_;
  struct Sent {
    std::string message;     // the whole publication
    size_t begin = 0, end = 0;  // where its diagnostics array is
    std::string_view diagnostics() const { return std::string_view(message).substr(begin, end - begin); }
  };
  std::map<std::string, Sent> lastSent_;
  std::map<std::string, int64_t> publishedVersion_;  // root -> the document version last published
  // Per root, the JSON text of diagnostics published before, by what they say and where (as
  // LSP positions): after an edit most findings are the ones published last time, and building
  // their JSON again cost more than the edit's checks on a large file.
  std::map<std::string, std::unordered_map<std::string, Rendered>> rendered_;
  std::map<std::string, size_t> renderedPeak_;  // root -> the most diagnostics it published lately
  // Per root, what runs of findings (Analysis::forEachRun) were published as, by run id: an edit
  // keeps most of them, and taking them whole skips even the lookup of each finding above.
  struct RenderedIn {
    FileId file;  // the file it is published for
    Rendered json;
  };
  std::map<std::string, std::unordered_map<uint64_t, std::vector<RenderedIn>>> runs_;
  std::map<std::string, size_t> runsPeak_;  // root -> the most runs it published lately
  Analyzer analyzer_;  // last: its jobs are stopped before the rest goes
};

}  // namespace mon::lsp
