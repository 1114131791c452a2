// `monitorc build` and `monitorc check`.
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

#include "allocator.h"
#include "backend.h"
#include "support/memory.h"
#include "diag/render.h"
#include "support/terminal.h"
#include "frontend.h"
#include "support/files.h"
#include "support/hash.h"

namespace mon::cli {

namespace {

namespace fs = std::filesystem;

// `build` removes the files it wrote earlier that the source no longer produces (a dashboard
// that left the source), and nothing else: the output directory may hold files of the user's.
// What it wrote is recorded in a manifest in the output directory: each relative path with the
// backend that produced it and a hash of the content written. A file is removed only when it is
// still in the manifest, still a regular file and still holds exactly what build wrote; a file
// changed since is kept with a warning. (A marker inside the files cannot do this: JSON has no
// comments, and a marker would not tell a copied or edited file from a written one.)
constexpr const char* kManifest = ".monitorc-build.json";

// The hash recorded for a written file: "h2:" and wordHash()'s 16 hex digits, so hashing a
// build's output costs a small part of writing it. Manifests of earlier builds hold FNV-1a
// hashes (16 hex digits, no prefix): sameContent() still reads them, and an earlier build that
// meets an "h2:" hash finds no match and keeps the file, as it keeps a changed one.
std::string recordedHash(uint64_t wordHashOfText) { return "h2:" + hex16(wordHashOfText); }
std::string contentHash(const std::string& text) { return recordedHash(wordHash(text)); }

// Whether `text` is what a build recorded as `hash`, in either form.
bool sameContent(const std::string& text, const std::string& hash) {
  return hash.rfind("h2:", 0) == 0 ? contentHash(text) == hash : hex16(fnv1a(text)) == hash;
}

struct Written {
  std::string backend, hash;
};
using Manifest = std::map<std::string, Written>;

// A manifest path may only name a file below the output directory.
bool safeRelative(const std::string& rel) {
  fs::path p(rel);
  if (rel.empty() || p.is_absolute()) return false;
  for (const auto& part : p)
    if (part == ".." || part == "." || part.empty()) return false;
  return true;
}

// The manifest of an earlier build (empty when there is none or it is not one).
Manifest readManifest(const fs::path& out) {
  Manifest m;
  std::string text, error;
  if (!readRegularFile((out / kManifest).string(), text, error)) return m;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("files") || !j["files"].is_object()) return m;
  for (const auto& [rel, v] : j["files"].items())
    if (safeRelative(rel) && v.is_object() && v.value("backend", "") != "" && v.value("hash", "") != "")
      m[rel] = {v.value("backend", ""), v.value("hash", "")};
  return m;
}

bool writeManifest(const fs::path& out, const Manifest& m) {
  nlohmann::json files = nlohmann::json::object();
  for (const auto& [rel, w] : m) files[rel] = {{"backend", w.backend}, {"hash", w.hash}};
  nlohmann::json j = {{"comment", "Files written by 'monitorc build'; it removes them when the source no longer produces them."},
                      {"files", files}};
  std::string error;
  if (writeGeneratedFile((out / kManifest).string(), j.dump(2) + "\n", error)) return true;
  std::cerr << "monitorc: error: " << error << "\n";
  return false;
}

// Removes `rel` (written by an earlier build) when it still holds what that build wrote.
void removeStale(const fs::path& out, const std::string& rel, const Written& w) {
  fs::path path = out / rel;
  std::error_code ec;
  fs::file_status st = fs::symlink_status(path, ec);
  if (ec || st.type() == fs::file_type::not_found) return;
  std::string text, error;
  if (st.type() != fs::file_type::regular || !readRegularFile(path.string(), text, error) || !sameContent(text, w.hash)) {
    std::cerr << "monitorc: warning: '" << path.string()
              << "' is no longer produced by the source, but it was changed since build wrote it; left in place\n";
    return;
  }
  if (!fs::remove(path, ec) || ec) {
    std::cerr << "monitorc: warning: cannot remove '" << path.string() << "' (no longer produced by the source): "
              << ec.message() << "\n";
    return;
  }
  std::cerr << "monitorc: removed '" << path.string() << "' (no longer produced by the source)\n";
}

// Build outputs are made again from the source: an unchanged file is left untouched and a new
// one is not fsynced (support/files.h says what that leaves to a power loss).
bool writeFile(const fs::path& path, const std::string& content) {
  std::string error;
  if (writeGeneratedFile(path.string(), content, error)) return true;
  std::cerr << "monitorc: error: " << error << "\n";
  return false;
}

// The files backends stream (Backend::buildInto, Backend::streamMonitors), each written below
// the output directory as it comes, under a temporary name, and put in place by commit() only
// when the whole build has succeeded: dropped uncommitted, they leave nothing behind.
class StreamedOutputs {
 public:
  explicit StreamedOutputs(fs::path out) : out_(std::move(out)) {}

  /// Where `backend` streams its files (the manifest records them as its own).
  FileSink& sinkFor(const std::string& backend) {
    auto& sink = sinks_[backend];
    if (!sink) sink = std::make_unique<Sink>(*this, backend);
    return *sink;
  }

  bool has(const std::string& rel) const { return files_.count(rel) > 0; }

  /// Puts every file in place and records it in `manifest`.
  bool commit(Manifest& manifest) {
    for (auto& [rel, e] : files_) {
      uint64_t hash = 0;
      std::string error;
      if (!e.file->commit(hash, error)) {
        std::cerr << "monitorc: error: " << error << "\n";
        return false;
      }
      manifest[rel] = {e.backend, recordedHash(hash)};
    }
    return true;
  }

 private:
  class Sink : public FileSink {
   public:
    Sink(StreamedOutputs& outputs, std::string backend) : outputs_(outputs), backend_(std::move(backend)) {}
    void append(const std::string& rel, std::string_view bytes) override { outputs_.append(backend_, rel, bytes); }

   private:
    StreamedOutputs& outputs_;
    std::string backend_;
  };
  struct Entry {
    std::unique_ptr<StreamedFile> file;
    std::string backend;
  };

  void append(const std::string& backend, const std::string& rel, std::string_view bytes) {
    Entry& e = files_[rel];
    if (!e.file) {
      e.file = std::make_unique<StreamedFile>((out_ / rel).string());
      e.backend = backend;
    }
    e.file->append(bytes);
  }

  fs::path out_;
  std::map<std::string, Entry> files_;
  std::map<std::string, std::unique_ptr<Sink>> sinks_;
};

// The monitor streams (Backend::streamMonitors) of the backends a build runs, each writing
// into the build's streamed outputs. Monitors are handed over only while every backend run
// either streams or has no target declared (one that does not stream needs the monitors in the
// module).
class BackendStreams {
 public:
  BackendStreams(const std::vector<const Backend*>& selected, StreamedOutputs& outputs) : selected_(selected) {
    for (const Backend* b : selected)
      if (b->streamMonitors) streams_.push_back({b, b->streamMonitors(outputs.sinkFor(b->name))});
  }

  MonitorStreaming streaming() {
    if (streams_.empty()) return {};
    return {[this](const ir::Module& sofar) {
              if (!othersUntargeted(sofar)) return false;
              if (std::none_of(streams_.begin(), streams_.end(), [&](const Stream& s) { return s.stream->hasWork(sofar); }))
                return false;  // asked again with the next monitor
              // From here the build's memory no longer grows with the source, unless a stream
              // keeps what it writes (Prometheus' rule text): huge pages, which spare a
              // growing heap its page faults, would only round it up. The free ones go back,
              // and what is touched from now on takes small pages (the 10,000-monitor build:
              // 1.5-3 MiB less at its peak, at the same speed). A heap that still grows keeps
              // both: its freed pages are where the growing text goes next.
              if (std::none_of(streams_.begin(), streams_.end(),
                               [&](const Stream& s) { return s.stream->growsInMemory(sofar); })) {
                disableHugePages();
                releaseFreedMemory();
              }
              return true;
            },
            [this](const ir::Monitor& m, const ir::Module& sofar) {
              for (auto& s : streams_) s.stream->add(m, sofar);
            }};
  }

  /// Whether what the streams decided stands for the whole module.
  bool hold(const ir::Module& whole) const {
    return othersUntargeted(whole) &&
           std::all_of(streams_.begin(), streams_.end(), [&](const Stream& s) { return s.stream->holds(whole); });
  }

  /// The stream of `b` when it streamed, for its buildInto().
  MonitorStream* of(const Backend& b) const {
    for (const auto& s : streams_)
      if (s.backend == &b) return s.stream.get();
    return nullptr;
  }

  void drop() { streams_.clear(); }

 private:
  struct Stream {
    const Backend* backend;
    std::unique_ptr<MonitorStream> stream;
  };

  bool othersUntargeted(const ir::Module& m) const {
    for (const auto& t : m.targets) {
      const Backend* b = backendOfTarget(t.kind);
      if (b && !b->streamMonitors && std::find(selected_.begin(), selected_.end(), b) != selected_.end()) return false;
    }
    return true;
  }

  std::vector<const Backend*> selected_;
  std::vector<Stream> streams_;
};

}  // namespace

Runner setupBuild(CLI::App& sub) {
  sub.footer(
      "Examples:\n"
      "  monitorc build -o out                       every backend's files for the source here\n"
      "  monitorc build --emit prometheus -o out .   only the Prometheus rule files\n"
      "  monitorc build --emit ir main.mon           the checked program as JSON, for tools\n"
      "Exit status: 0 built (warnings allowed, unless --werror); 1 the source has errors or a file\n"
      "cannot be written (nothing is half-written).\n");
  struct Opts {
    FrontEndOptions fe;
    std::string out = "build";
    std::string emit = "all";
  };
  auto o = std::make_shared<Opts>();
  o->fe.add(sub);
  sub.add_option("-o,--out", o->out, "Output directory (default: build)");
  sub.add_option("--emit", o->emit, "What to write: all (every backend), a backend name, or ir (IR as JSON to stdout)");
  return [o]() {
    std::vector<const Backend*> selected;
    for (const auto& b : backends())
      if (o->emit == "all" || o->emit == b.name) selected.push_back(&b);
    fs::path out(o->out);
    auto streamed = std::make_unique<StreamedOutputs>(out);
    BackendStreams streams(selected, *streamed);
    StreamedCompile sc{streams.streaming(), [&](const Compilation& c) { return streams.hold(c.module); },
                       [&] {
                         streams.drop();  // before the outputs their sinks write to
                         streamed = std::make_unique<StreamedOutputs>(out);
                       }};
    bool ok;
    auto c = compileAndReport(o->fe, ok, {}, {}, o->emit == "ir" ? nullptr : &sc);
    if (!ok) return 1;
    if (o->emit == "ir") {
      std::cout << ir::toJson(c->module, c->sources).dump(2) << "\n";
      return 0;
    }
    // Backends report what they cannot express; print those and write nothing on an error.
    size_t mark = c->diags.all().size(), errorsBefore = c->diags.errorCount();
    OutputFiles all;
    std::map<std::string, std::string> backendOf;  // relative path -> backend
    std::set<std::string> built;                   // the backends run this time
    for (const Backend* b : selected) {
      built.insert(b->name);
      OutputFiles files = b->buildInto ? b->buildInto(c->module, c->diags, streamed->sinkFor(b->name), streams.of(*b))
                                       : b->build(c->module, c->diags);
      for (const auto& [rel, content] : files) backendOf[rel] = b->name;
      all.merge(files);  // moves the files' nodes (as insert, a path already there stays)
    }
    if (c->diags.all().size() > mark) {
      std::vector<Diagnostic> fresh(c->diags.all().begin() + mark, c->diags.all().end());
      printDiagnostics(o->fe.diagnosticsFormat, c->sources, fresh, c->diags.errorCount() - errorsBefore,
                       size_t(std::count_if(fresh.begin(), fresh.end(),
                                            [](const Diagnostic& d) { return d.severity == Severity::Warning; })));
    }
    if (c->diags.errorCount() > errorsBefore) return 1;
    if (selected.empty()) {
      std::cerr << "monitorc: error: unknown --emit '" << o->emit << "' (use all, ir or a backend name)\n";
      return 1;
    }
    Manifest before = readManifest(out), after;
    // Files of backends not built this time stay as they are, and stay recorded.
    for (const auto& [rel, w] : before)
      if (!built.count(w.backend)) after[rel] = w;
    for (const auto& [rel, content] : all) {
      if (!writeFile(out / rel, content)) return 1;
      after[rel] = {backendOf.at(rel), contentHash(content)};
    }
    if (!streamed->commit(after)) return 1;
    for (const auto& [rel, w] : before)
      if (built.count(w.backend) && !all.count(rel) && !streamed->has(rel)) removeStale(out, rel, w);
    bool recorded = writeManifest(out, after);
    // The process ends after this: freeing the program node by node took 2 % of a 10,000-rule
    // build, so it is left to the exit. A static keeps it reachable for leak checkers.
    [[maybe_unused]] static Compilation* volatile keptUntilExit = nullptr;  // volatile: the store stays
    keptUntilExit = c.release();
    return recorded ? 0 : 1;
  };
}

Runner setupCheck(CLI::App& sub) {
  sub.footer(
      "Examples:\n"
      "  monitorc check                              the source in this directory\n"
      "  monitorc check --werror services/           warnings fail too (CI)\n"
      "  monitorc check --format json .              for editors\n"
      "  monitorc check --format github              annotations in GitHub Actions (stdout)\n"
      "  monitorc check --format sarif > check.sarif for code scanning (stdout)\n"
      "Exit status: 0 no errors (warnings allowed, unless --werror); 1 errors.\n");
  auto fe = std::make_shared<FrontEndOptions>();
  fe->add(*&sub, true, true);
  return [fe]() {
    bool ok;
    // The backends' checks too (monitors a target cannot express), in the same report.
    compileAndReport(*fe, ok, [](Compilation& c) { checkBackends(c.module, c.diags); });
    return ok ? 0 : 1;
  };
}

}  // namespace mon::cli
