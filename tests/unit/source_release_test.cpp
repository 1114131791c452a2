// Released sources (SourceManager::release, CompileOptions::releaseSources): positions stay
// exact, the text comes back for diagnostics, and a file changed since is never shown as if it
// were the text that was compiled.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

#include "diag/render.h"
#include "driver/compile.h"
#include "source/source_manager.h"

namespace fs = std::filesystem;

namespace {

// Texts by path, standing for the disk; counts the reads.
struct FakeDisk {
  std::map<std::string, std::string> files;
  int reads = 0;
  mon::SourceManager::Reloader reloader() {
    return [this](const std::string& path, std::string& text) {
      ++reads;
      auto it = files.find(path);
      if (it == files.end()) return false;
      text = it->second;
      return true;
    };
  }
};

const std::string kText = "monitor host \"a\" {\n  metric = \"cpu%\"\n}\n";

// A source manager reading released texts from a fake disk that holds `onDisk` as a.mon (no
// file when empty), with kText added as a.mon.
struct Reloading {
  explicit Reloading(const std::string& onDisk = kText) {
    if (!onDisk.empty()) disk.files["a.mon"] = onDisk;
    sm.setReloader(disk.reloader());
    f = sm.add("a.mon", kText);
  }
  FakeDisk disk;
  mon::SourceManager sm;
  mon::FileId f = mon::kNoFile;
};

}  // namespace

TEST_CASE("source release: without a reloader the text stays") {
  mon::SourceManager sm;
  mon::FileId f = sm.add("a.mon", kText);
  sm.release(f);
  CHECK(sm.sharedText(f) != nullptr);
  CHECK(sm.text(f) == kText);
}

TEST_CASE("source release: positions stay exact and the same text is read again once") {
  Reloading r;
  auto& [disk, sm, f] = r;
  sm.release(f);
  CHECK(sm.sharedText(f) == nullptr);
  CHECK(disk.reads == 0);
  uint32_t metric = static_cast<uint32_t>(kText.find("metric"));
  CHECK(sm.lineCol(f, metric).line == 2);  // from the line table made before the release
  CHECK(sm.lineCol(f, metric).col == 3);
  CHECK(sm.lineStart(f, 99) == kText.size());
  CHECK(disk.reads == 0);
  CHECK(sm.lineText(f, 2) == "  metric = \"cpu%\"");
  CHECK(sm.lineText(f, 1) == "monitor host \"a\" {");
  CHECK(disk.reads == 1);
  CHECK_FALSE(sm.textLost(f));
}

TEST_CASE("source release: a text set aside comes back, and positions in it read it again") {
  Reloading r;
  auto& [disk, sm, f] = r;
  sm.setAside(f);
  CHECK(sm.sharedText(f) == nullptr);
  CHECK(sm.releasedAs(f).first == kText.size());
  sm.reclaim(f, std::make_shared<const std::string>(kText));
  CHECK(disk.reads == 0);
  CHECK(sm.lineCol(f, static_cast<uint32_t>(kText.find("metric"))).line == 2);
  // Never reclaimed, and no line table yet: a position asked for reads it again.
  mon::FileId g = sm.add("a.mon", kText);
  sm.setAside(g);
  CHECK(sm.lineCol(g, static_cast<uint32_t>(kText.find("metric"))).col == 3);
  CHECK(disk.reads == 1);
  CHECK_FALSE(sm.textLost(g));
}

TEST_CASE("source release: a file changed or gone since is shown without its lines") {
  for (const char* now : {"monitor host \"b\" {\n  metric = \"cpu%\"\n}\n",  // same size, other bytes
                          "monitor host \"a\" {\n}\n", ""}) {
    Reloading r(now);
    auto& [disk, sm, f] = r;
    sm.release(f);
    CHECK(sm.textLost(f));
    CHECK(sm.lineText(f, 1).empty());
    uint32_t metric = static_cast<uint32_t>(kText.find("metric"));
    CHECK(sm.lineCol(f, metric).line == 2);
    mon::Diagnostic d{mon::diag::err_unknown_field, mon::Severity::Error, mon::Range{f, metric, metric + 6},
                      "unknown field 'metric'", {}, {}, ""};
    std::string out = mon::renderText(sm, {d});
    CHECK(out == "a.mon:2:3: error: unknown field 'metric'\n");
  }
}

TEST_CASE("source release: a build's diagnostics show the lines of files it let go of") {
  fs::path dir = fs::temp_directory_path() / ("monitorc-release-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string body = "  metric = \"cpu%\"\n  operator = \">\"\n  warning = 80\n  critical = 90\n  duration = 5m\n}\n";
  std::ofstream(dir / "a.mon") << "monitor host \"dup\" {\n" << body;
  std::ofstream(dir / "b.mon") << "# second\nmonitor host \"dup\" {\n" << body;
  // A file with a template keeps its text: the template's uses elsewhere read its tree. One
  // that imports it and uses the template does not.
  std::ofstream(dir / "c.mon") << "template t(n) {\n  monitor host \"${n}\" {\n" << body << "}\n";
  std::ofstream(dir / "d.mon") << "import \"c.mon\"\nuse t(\"made\")\nuse t(\"dup\")\n";
  for (bool release : {false, true}) {
    mon::CompileOptions opts;
    opts.releaseSources = release;
    mon::DiskFileReader reader;
    mon::Compilation c;
    std::vector<std::string> errors;
    mon::compile(mon::expandPaths({dir.string()}, errors), opts, reader, c);
    REQUIRE(c.sources.fileCount() == 4);
    for (mon::FileId f = 0; f < 4; ++f) {
      bool templated = c.sources.path(f).find("c.mon") != std::string::npos;
      CHECK((c.sources.sharedText(f) == nullptr) == (release && !templated));
    }
    std::string out = mon::renderText(c.sources, c.diags.all());
    CHECK(out.find("b.mon:2:14: error: duplicate monitor name 'dup'\n  monitor host \"dup\" {\n") != std::string::npos);
    CHECK(out.find("a.mon:1:14: note: first defined here\n  monitor host \"dup\" {\n") != std::string::npos);
    // The third 'dup', made by the template in c.mon for a use in d.mon: both lines shown.
    CHECK(out.find("c.mon:2:16: error: duplicate monitor name 'dup'\n    monitor host \"${n}\" {\n") != std::string::npos);
    CHECK(out.find("d.mon:3:1: note:") != std::string::npos);
    CHECK(out.find("\n  use t(\"dup\")\n") != std::string::npos);
  }
  fs::remove_all(dir);
}

namespace {

// The disk, counting reads per file name; `onRead` runs after each read (to change a file
// between the loader's first read and the one before its parse).
struct CountingReader : mon::FileReader {
  std::map<std::string, int> reads;
  std::function<void(const std::string& name, int nth)> onRead;
  bool read(const std::string& path, std::string& text, std::string& error) override {
    bool ok = mon::DiskFileReader().read(path, text, error);
    std::string name = fs::path(path).filename().string();
    int nth = ++reads[name];
    if (onRead) onRead(name, nth);
    return ok;
  }
};

}  // namespace

TEST_CASE("source release: named files are let go of once read, and read again to be parsed") {
  fs::path dir = fs::temp_directory_path() / ("monitorc-reread-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string body = "  metric = \"cpu%\"\n  operator = \">\"\n  critical = 90\n  duration = 5m\n}\n";
  std::ofstream(dir / "a.mon") << "monitor host \"a\" {\n" << body;
  std::ofstream(dir / "b.mon") << "monitor host \"b\" {\n" << body;
  std::ofstream(dir / "c.mon") << "monitor host \"c\" {\n  bogus = 1\n" << body;
  std::vector<std::string> errors;
  std::vector<std::string> paths = mon::expandPaths({dir.string()}, errors);

  SUBCASE("the same text: compiled as read once, its positions exact") {
    CountingReader reader;
    mon::CompileOptions opts;
    opts.releaseSources = true;
    mon::Compilation c;
    mon::compile(paths, opts, reader, c);
    // The first two are parsed at once (one ahead of the one being loaded) and keep their text.
    CHECK(reader.reads["a.mon"] == 1);
    CHECK(reader.reads["b.mon"] == 1);
    CHECK(reader.reads["c.mon"] == 2);
    std::string out = mon::renderText(c.sources, c.diags.all());
    CHECK(out.find("c.mon:2:3: error: unknown field 'bogus' for host monitor\n    bogus = 1\n") != std::string::npos);
    CHECK(c.module.monitors.size() == 2);
  }
  SUBCASE("kept sources are read once") {
    CountingReader reader;
    mon::Compilation c;
    mon::compile(paths, mon::CompileOptions{}, reader, c);
    CHECK(reader.reads["a.mon"] == 1);
    CHECK(reader.reads["c.mon"] == 1);
  }
  SUBCASE("a file changed between the two reads is an error, not another text parsed") {
    CountingReader reader;
    reader.onRead = [&](const std::string& name, int nth) {
      if (name == "c.mon" && nth == 1) std::ofstream(dir / "c.mon") << "monitor host \"d\" {\n" << body;
    };
    mon::CompileOptions opts;
    opts.releaseSources = true;
    mon::Compilation c;
    mon::compile(paths, opts, reader, c);
    std::string out = mon::renderText(c.sources, c.diags.all());
    CHECK(out.find("error: cannot read '" + (dir / "c.mon").string() + "': it changed while monitorc was reading") !=
          std::string::npos);
    CHECK(c.diags.hasErrors());
    for (const auto& m : c.module.monitors) CHECK(m.name != "d");
  }
  fs::remove_all(dir);
}
