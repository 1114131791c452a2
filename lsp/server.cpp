#include "server.h"

#include <algorithm>
#include <charconv>
#include <iostream>
#include <string_view>

#include "message.h"
#include "monitorc_version.h"

namespace mon::lsp {

Server::Server(Transport& transport, FileReader& disk) : transport_(transport), workspace_(disk) { bindMethods(); }

void Server::bindMethods() {
  requests_["initialize"] = &Server::onInitialize;
  requests_["shutdown"] = &Server::onShutdown;
  requests_["textDocument/hover"] = &Server::onHover;
  requests_["textDocument/completion"] = &Server::onCompletion;
  requests_["textDocument/definition"] = &Server::onDefinition;
  requests_["textDocument/documentSymbol"] = &Server::onDocumentSymbol;
  requests_["textDocument/formatting"] = &Server::onFormatting;
  requests_["textDocument/codeAction"] = &Server::onCodeAction;
  notifications_["initialized"] = &Server::onInitialized;
  notifications_["exit"] = &Server::onExit;
  notifications_["textDocument/didOpen"] = &Server::onDidOpen;
  notifications_["textDocument/didChange"] = &Server::onDidChange;
  notifications_["textDocument/didClose"] = &Server::onDidClose;
  notifications_["textDocument/didSave"] = &Server::onIgnore;
}

int Server::run() {
  std::string body, error;
  for (;;) {
    try {
      takeResults();
      // Caught up with the input: compile what changed and publish what is up to date. While
      // input is pending, that work would likely be for a text already overwritten.
      if (!transport_.pending()) {
        analyseChanged();
        if (!transport_.waitForInput(analyzer_.wakeFd())) continue;  // a compile finished
      }
    } catch (const std::exception& e) {  // a bug, not bad input: report it and keep serving
      std::cerr << "monitorc lsp: internal error while publishing diagnostics: " << e.what() << "\n";
    }
    Transport::Read r = transport_.read(body, error);
    if (r == Transport::Read::Eof) break;
    if (r == Transport::Read::Malformed) {
      std::cerr << "monitorc lsp: " << error << "\n";
      replyError(nullptr, rpc::kParseError, error);
      continue;
    }
    if (r == Transport::Read::TooLarge) {
      tooLarge(body, error);
      continue;
    }
    handle(body);
    if (exited_) break;
  }
  return shutdown_ && exited_ ? 0 : 1;
}

void Server::handle(const std::string& body) {
  json msg = parseMessage(body);
  if (msg.is_discarded()) return replyError(nullptr, rpc::kParseError, "invalid JSON");
  if (!msg.is_object()) return replyError(nullptr, rpc::kInvalidRequest, "expected a JSON-RPC message object");
  bool hasId = msg.contains("id");
  json id = hasId ? msg["id"] : json();
  if (hasId && !id.is_number_integer() && !id.is_string() && !id.is_null())
    return replyError(nullptr, rpc::kInvalidRequest, "'id' must be a number or a string");
  auto method = msg.find("method");
  if (method == msg.end()) {
    if (hasId && (msg.contains("result") || msg.contains("error"))) return;  // a response to us: nothing to do
    return replyError(id, rpc::kInvalidRequest, "missing 'method'");
  }
  if (!method->is_string()) return hasId ? replyError(id, rpc::kInvalidRequest, "'method' must be a string") : void();
  auto version = msg.find("jsonrpc");
  if (version == msg.end() || *version != "2.0")
    return hasId ? replyError(id, rpc::kInvalidRequest, "'jsonrpc' must be \"2.0\"") : void();
  // Moved out, not copied: a didOpen's params hold the whole document.
  json params = msg.contains("params") && !msg["params"].is_null() ? std::move(msg["params"]) : json::object();
  if (!params.is_object() && !params.is_array())
    return hasId ? replyError(id, rpc::kInvalidParams, "'params' must be an object or an array") : void();
  if (hasId) request(id, method->get<std::string>(), params);
  else notification(method->get<std::string>(), params);
}

void Server::request(const json& id, const std::string& method, const json& params) {
  if (!initialized_ && method != "initialize")
    return replyError(id, rpc::kServerNotInitialized, "the server is not initialized yet");
  if (shutdown_) return replyError(id, rpc::kInvalidRequest, "the server is shutting down");
  auto it = requests_.find(method);
  if (it == requests_.end()) return replyError(id, rpc::kMethodNotFound, "unknown method '" + method + "'");
  try {
    reply(id, (this->*(it->second))(params));
  } catch (const RpcError& e) {
    replyError(id, e.code, e.message);
  } catch (const json::exception& e) {
    replyError(id, rpc::kInvalidParams, std::string("invalid params: ") + e.what());
  } catch (const std::exception& e) {
    replyError(id, rpc::kInternalError, std::string("internal error: ") + e.what());
  }
}

void Server::notification(const std::string& method, json& params) {
  if (!initialized_ && method != "exit") return;  // dropped, as the specification says
  auto it = notifications_.find(method);
  if (it == notifications_.end()) return;  // unknown notifications ($/..., others) are ignored
  try {
    (this->*(it->second))(params);
  } catch (const std::exception& e) {
    std::cerr << "monitorc lsp: ignoring bad '" << method << "' notification: " << e.what() << "\n";
  } catch (const RpcError& e) {
    std::cerr << "monitorc lsp: ignoring bad '" << method << "' notification: " << e.message << "\n";
  }
}

// A body too large to read was dropped: a request among them is answered (its id is near the
// start as clients write them); anything else can only be logged.
void Server::tooLarge(const std::string& start, const std::string& error) {
  std::cerr << "monitorc lsp: " << error << "\n";
  json id = requestIdIn(start);
  if (id.is_number_integer() || id.is_string()) replyError(id, rpc::kInvalidRequest, error);
}

void Server::send(const json& msg) { transport_.write(msg.dump(-1, ' ', false, json::error_handler_t::replace)); }

void Server::reply(const json& id, json result) {
  send({{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
}

void Server::replyError(const json& id, int code, const std::string& message) {
  send({{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
}

json Server::onInitialize(const json& params) {
  if (initialized_) throw RpcError{rpc::kInvalidRequest, "initialize was already called"};
  initialized_ = true;
  json caps = {
      {"positionEncoding", "utf-16"},
      {"textDocumentSync", {{"openClose", true}, {"change", 2}}},
      {"hoverProvider", true},
      {"completionProvider", {{"triggerCharacters", {"\"", "/", "."}}}},
      {"definitionProvider", true},
      {"documentSymbolProvider", true},
      {"documentFormattingProvider", true},
      {"codeActionProvider", {{"codeActionKinds", {"quickfix"}}}},
  };
  return {{"capabilities", caps}, {"serverInfo", {{"name", "monitorc"}, {"version", MONITORC_VERSION}}}};
}

json Server::onShutdown(const json&) {
  shutdown_ = true;
  return nullptr;
}

void Server::onExit(json&) { exited_ = true; }

std::string Server::pathOf(const json& params) {
  const json& doc = params.at("textDocument");
  std::string uri = doc.at("uri").get<std::string>();
  return Workspace::normalize(uriToPath(uri));
}

void Server::onDidOpen(json& params) {
  json& doc = params.at("textDocument");
  std::string uri = doc.at("uri").get<std::string>();
  std::string path = Workspace::normalize(uriToPath(uri));
  uris_[path] = uri;
  int64_t version = doc.value("version", 0);
  // The text is taken from the message, not copied (a large document is megabytes).
  workspace_.open(path, std::move(doc.at("text").get_ref<std::string&>()), version);
  lines_[path].reset();
  dirty_.insert(path);
}

void Server::onDidChange(json& params) {
  std::string path = pathOf(params);
  const Document* doc = workspace_.document(path);
  if (!doc) return;
  int64_t version = params["textDocument"].value("version", doc->version);
  DocumentLines& lines = lines_[path];
  for (const json& change : params.at("contentChanges")) {
    std::string text = change.at("text").get<std::string>();
    if (!change.contains("range")) {
      workspace_.setText(path, std::move(text), version);
      lines.reset();
      continue;
    }
    // Two positions, from the line starts kept across edits (not by indexing every line of a
    // large document again).
    uint32_t begin = lines.offset(doc->text(), positionFrom(change["range"].at("start")));
    uint32_t end = std::max(begin, lines.offset(doc->text(), positionFrom(change["range"].at("end"))));
    workspace_.edit(path, begin, end, text);
    lines.edited(begin, end, text);
  }
  workspace_.setVersion(path, version);
  dirty_.insert(path);
}

void Server::onDidClose(json& params) {
  std::string path = pathOf(params);
  workspace_.close(path);
  dirty_.erase(path);
  auto old = byRoot_.find(path);
  std::vector<std::string> files;
  if (old != byRoot_.end()) {
    for (const auto& [p, d] : old->second) files.push_back(p);
    byRoot_.erase(old);
  }
  if (std::find(files.begin(), files.end(), path) == files.end()) files.push_back(path);
  for (const auto& p : files) sendMerged(p, p == path);  // always clear the closed document
  uris_.erase(path);
  lines_.erase(path);
  publishedVersion_.erase(path);
  rendered_.erase(path);
  renderedPeak_.erase(path);
  runs_.erase(path);
  runsPeak_.erase(path);
}

std::string Server::uriOf(const std::string& path) const {
  auto it = uris_.find(path);
  return it != uris_.end() ? it->second : pathToUri(path);
}

void Server::flush() {
  for (;;) {
    takeResults();
    analyseChanged();
    if (wanted_.empty() || analyzer_.idle()) return;
    analyzer_.waitFinished(std::chrono::steady_clock::time_point::max());
  }
}

void Server::analyseChanged() {
  for (const auto& p : dirty_) {
    if (!workspace_.document(p)) continue;
    wanted_.insert(p);
    for (const auto& d : workspace_.dependents(p)) wanted_.insert(d);
  }
  dirty_.clear();
  for (auto it = wanted_.begin(); it != wanted_.end();) {
    const std::string& root = *it;
    if (!workspace_.document(root)) {
      it = wanted_.erase(it);
    } else if (const Analysis* a = workspace_.current(root)) {
      publish(root, *a);
      if (a->checksPending) {  // published early; again once the backends' checks and lint ran
        startAnalysis(root);
        ++it;
      } else {
        it = wanted_.erase(it);
      }
    } else {
      startAnalysis(root);
      ++it;
    }
  }
}

// Hands the compile of `path` to the worker, or brings its queued compile up to date; one that
// is compiling already comes back stale and is started again then.
void Server::startAnalysis(const std::string& path) {
  if (auto job = workspace_.startJob(path, /*deferChecks=*/true)) analyzer_.submit(std::move(job));
  else if (workspace_.inJob(path)) analyzer_.updateWaiting(path, [&](AnalysisJob& j) { workspace_.refreshJob(j); });
}

void Server::takeResults() {
  for (auto& job : analyzer_.takeFinished()) {
    std::string path = job->path;
    bool failed = job->failed;
    bool upToDate = workspace_.finishJob(std::move(job));
    if (failed) wanted_.erase(path);  // not again until the document changes
    else if (!upToDate && workspace_.document(path)) dirty_.insert(path);  // the texts changed while it compiled
  }
}

// The up-to-date analysis of an open document for a request: compiled on the worker while
// this thread waits, at most requestWait_. Null when not open or not ready in time.
const Analysis* Server::awaitAnalysis(const std::string& path) {
  if (!workspace_.document(path)) return nullptr;
  if (const Analysis* a = workspace_.current(path)) return a;
  auto gaveUp = gaveUp_.find(path);
  if (gaveUp != gaveUp_.end() && gaveUp->second == workspace_.generation()) return nullptr;
  auto deadline = std::chrono::steady_clock::now() + requestWait_;
  for (;;) {
    startAnalysis(path);
    if (!analyzer_.waitFinished(deadline)) break;
    takeResults();
    if (const Analysis* a = workspace_.current(path)) return a;
  }
  gaveUp_[path] = workspace_.generation();
  std::cerr << "monitorc lsp: the analysis of '" << path << "' is taking long; answering without it\n";
  return nullptr;
}

void Server::publish(const std::string& root, const Analysis& analysis) {
  const Analysis* a = &analysis;
  const SourceManager& sm = a->comp->sources;
  std::map<FileId, std::unique_ptr<LineIndex>> indexes;
  // The root's text is the open document's (an analysis is published when up to date): its line
  // starts, kept across edits, are taken rather than found again in a large text.
  const Document* rootDoc = workspace_.document(root);
  auto keptLines = lines_.find(root);
  const std::vector<uint32_t>* rootStarts =
      rootDoc && a->root != kNoFile && keptLines != lines_.end() && rootDoc->text().size() == sm.text(a->root).size()
          ? keptLines->second.starts() : nullptr;
  auto indexOf = [&](FileId f) -> const LineIndex& {
    auto& slot = indexes[f];
    if (!slot)
      slot = f == a->root && rootStarts ? std::make_unique<LineIndex>(sm.text(f), *rootStarts) : std::make_unique<LineIndex>(sm.text(f));
    return *slot;
  };
  auto uriFor = [&](FileId f) { return uriOf(Workspace::normalize(sm.path(f))); };
  std::map<std::string, std::vector<Rendered>> files;
  files[root];
  std::map<FileId, std::vector<Rendered>*> listOf;  // files[path(f)], looked up once per file
  auto& rendered = rendered_[root];
  auto& runs = runs_[root];
  std::string key;
  std::map<FileId, std::string> pathOf;
  auto path = [&](FileId f) -> const std::string& {
    auto& slot = pathOf[f];
    if (slot.empty()) slot = Workspace::normalize(sm.path(f));
    return slot;
  };
  auto number = [&](uint32_t n, char after) {
    char buf[16];
    char* end = std::to_chars(buf, buf + sizeof buf - 1, n).ptr;
    *end++ = after;
    key.append(buf, end);
  };
  // Findings come mostly in the order of their places, their notes often point elsewhere (the
  // monitor a duplicate repeats): each keeps its own line hint.
  uint32_t findingLine = 0, noteLine = 0;
  auto position = [&](const LineIndex& index, uint32_t offset, uint32_t& lineHint) {
    Position p = index.position(offset, lineHint);
    number(p.line, ':');
    number(p.character, ' ');
  };
  // A finding's JSON: the one made for the same finding at the same place before, else made now.
  auto render = [&](const Diagnostic& d) -> RenderedIn {
    FileId f = d.range.valid() && d.range.file < sm.fileCount() ? d.range.file : a->root;
    // The key holds everything diagnosticJson() reads, with offsets as the positions it writes.
    key.clear();
    number(static_cast<uint32_t>(d.kind), ' ');
    key += d.rule;
    key += ' ';
    number(static_cast<uint32_t>(d.severity), ' ');
    if (d.range.valid()) {
      position(indexOf(f), d.range.begin, findingLine);
      position(indexOf(f), std::max(d.range.begin, d.range.end), findingLine);
    }
    key += d.message;
    for (const Note& n : d.notes) {
      key += '\0';
      if (n.range.valid() && n.range.file < sm.fileCount()) {
        key += path(n.range.file);
        key += ' ';
        position(indexOf(n.range.file), n.range.begin, noteLine);
        position(indexOf(n.range.file), std::max(n.range.begin, n.range.end), noteLine);
      }
      key += n.message;
    }
    auto it = rendered.find(key);
    if (it == rendered.end())
      it = rendered.emplace(key, std::make_shared<const std::string>(diagnosticJson(d, indexOf(f), sm, uriFor, indexOf).dump(
                                     -1, ' ', false, json::error_handler_t::replace))).first;
    return {f, it->second};
  };
  auto add = [&](const RenderedIn& r) {
    auto& list = listOf[r.file];
    if (!list) list = &files[path(r.file)];
    list->push_back(r.json);
  };
  // Runs of findings the re-check kept since the last publication are taken whole from it,
  // without looking at each finding (recheck.h says when a run keeps its id).
  size_t count = 0;
  std::vector<uint64_t> used;
  a->forEachRun([&](uint64_t id, const std::vector<Diagnostic>& run) {
    count += run.size();
    if (id != 0) {
      used.push_back(id);
      if (auto it = runs.find(id); it != runs.end()) {
        for (const auto& r : it->second) add(r);
        return;
      }
    }
    std::vector<RenderedIn> made;
    made.reserve(run.size());
    for (const Diagnostic& d : run) {
      made.push_back(render(d));
      add(made.back());
    }
    if (id != 0) runs.emplace(id, std::move(made));
  });
  // Forget old findings and runs now and then: when a cache holds far more than the most this
  // root published lately (not than this publication: an edit that breaks a file publishes a
  // few errors, and the one that fixes it all the findings again).
  size_t& peak = renderedPeak_[root];
  peak = std::max(peak, count);
  if (rendered.size() > 3 * peak + 1000) {
    rendered.clear();
    peak = count;
  }
  size_t& runsPeak = runsPeak_[root];
  runsPeak = std::max(runsPeak, used.size());
  if (runs.size() > 3 * runsPeak + 1000) {
    std::unordered_map<uint64_t, std::vector<RenderedIn>> kept;
    for (uint64_t id : used)
      if (auto it = runs.find(id); it != runs.end()) kept.emplace(id, std::move(it->second));
    runs = std::move(kept);
    runsPeak = used.size();
  }
  std::set<std::string> touched;
  for (const auto& [p, d] : byRoot_[root]) touched.insert(p);
  for (const auto& [p, d] : files) touched.insert(p);
  byRoot_[root] = std::move(files);
  // The root is published for every new version, so that a client sees each edit answered;
  // the same version again (after the deferred checks) only when its findings changed.
  const Document* doc = workspace_.document(root);
  int64_t version = doc ? doc->version : 0;
  auto last = publishedVersion_.find(root);
  bool newVersion = last == publishedVersion_.end() || last->second != version;
  publishedVersion_[root] = version;
  for (const auto& p : touched) sendMerged(p, p == root && newVersion);
}

// Publishes the union of what every open root reports for `path`. Diagnostics are kept and
// compared as their JSON text: a lint run reports a thousand findings on a large file, and
// building, copying and comparing them as JSON trees cost more than the compile of an edit.
void Server::sendMerged(const std::string& path, bool force) {
  // The message is written into one buffer, sized first: the fix of a large file's error
  // publishes thousands of findings (megabytes of JSON), and each copy of them showed.
  std::string message = R"({"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":)";
  message += json(uriOf(path)).dump(-1, ' ', false, json::error_handler_t::replace);
  if (const Document* d = workspace_.document(path)) message += ",\"version\":" + std::to_string(d->version);
  message += ",\"diagnostics\":";
  size_t roots = 0, bytes = 2;
  for (const auto& [root, files] : byRoot_)
    if (auto it = files.find(path); it != files.end()) {
      ++roots;
      for (const auto& d : it->second) bytes += d->size() + 1;
    }
  message.reserve(message.size() + bytes + 2);
  size_t begin = message.size();
  message += '[';
  std::set<std::string_view> seen;
  for (const auto& [root, files] : byRoot_) {
    auto it = files.find(path);
    if (it == files.end()) continue;
    for (const auto& d : it->second) {
      if (roots > 1 && !seen.insert(*d).second) continue;  // one root reporting: nothing to merge
      if (message.size() > begin + 1) message += ',';
      message += *d;
    }
  }
  message += ']';
  Sent sent{std::move(message), begin, 0};
  sent.end = sent.message.size();
  auto last = lastSent_.find(path);
  if (!force && last != lastSent_.end() && last->second.diagnostics() == sent.diagnostics()) return;
  if (!force && last == lastSent_.end() && sent.diagnostics() == "[]") return;
  sent.message += "}}";
  transport_.write(sent.message);
  lastSent_[path] = std::move(sent);
}

}  // namespace mon::lsp
