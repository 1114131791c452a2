// Monitors handed to a backend as they are lowered (MonitorStreaming, Backend::streamMonitors):
// a large source's monitors.json is the same as when every monitor stays in the module, and
// whatever the hand-over decided with part of the source is found out when the rest of the
// source changes it (the front end's streamHeld, the stream's holds()).
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "backend.h"
#include "harness.h"
#include "mackerel/mackerel.h"

namespace {

// `n` host monitors, `first` the number of the first; `extra` goes into each block.
std::string monitors(int n, int first = 0, const std::string& extra = "") {
  std::string out;
  for (int i = first; i < first + n; ++i)
    out += "monitor host \"cpu " + std::to_string(i) + "\" {\n  metric = \"cpu%\"\n  operator = \">\"\n  warning = " +
           std::to_string(50 + i % 40) + "\n  critical = 95\n  duration = 5m\n" + extra + "}\n";
  return out;
}

struct Streamed {
  mon::Compilation c;
  mon::OutputFiles files;  // the streamed build's
  std::unique_ptr<mon::MonitorStream> stream;
  bool holds = false;
  std::string monitorsJson;  // the streamed build's monitors.json
  std::string whole;         // the same source built with every monitor kept
};

// Builds the Mackerel files of `files` (compiled in the order of `paths`) with the monitors
// streamed, and again with them kept.
std::unique_ptr<Streamed> build(const std::map<std::string, std::string>& files, const std::vector<std::string>& paths,
                                bool mayStart = true) {
  auto s = std::make_unique<Streamed>();
  mon::FilesSink sink(s->files);
  s->stream = mon::mackerel::streamMonitors(sink);
  mon::CompileOptions co;
  co.streamMonitors = {[&](const mon::ir::Module&) { return mayStart; },
                       [&](const mon::ir::Monitor& m, const mon::ir::Module& sofar) { s->stream->add(m, sofar); }};
  montest::MemReader reader(files);
  mon::compile(paths, co, reader, s->c);
  s->holds = s->stream->holds(s->c.module);
  s->files.merge(mon::mackerel::buildInto(s->c.module, s->c.diags, sink, s->stream.get()));
  s->monitorsJson = s->files["mackerel/monitors.json"];

  mon::Compilation whole;
  montest::MemReader again(files);
  mon::compile(paths, mon::CompileOptions{}, again, whole);
  s->whole = mon::mackerel::build(whole.module, whole.diags)["mackerel/monitors.json"];
  return s;
}

}  // namespace

TEST_CASE("monitor stream: a large source streams, and its monitors.json is the kept build's") {
  auto s = build({{"a.mon", monitors(300)}, {"b.mon", monitors(300, 300)}}, {"a.mon", "b.mon"});
  CHECK(!s->c.diags.hasErrors());
  CHECK(s->c.monitorsStreamed == 600);
  CHECK(s->c.module.monitors.empty());
  CHECK(s->c.streamHeld);
  CHECK(s->holds);
  CHECK(s->monitorsJson == s->whole);
  CHECK(s->whole.find("\"cpu 599\"") != std::string::npos);
}

TEST_CASE("monitor stream: a small source keeps its monitors") {
  auto s = build({{"a.mon", monitors(int(mon::Lowerer::kStreamAfter) - 1)}}, {"a.mon"});
  CHECK(s->c.monitorsStreamed == 0);
  CHECK(s->c.module.monitors.size() == mon::Lowerer::kStreamAfter - 1);
  CHECK(s->monitorsJson == s->whole);
}

TEST_CASE("monitor stream: the taker may refuse to start") {
  auto s = build({{"a.mon", monitors(300)}}, {"a.mon"}, false);
  CHECK(s->c.monitorsStreamed == 0);
  CHECK(s->monitorsJson == s->whole);
}

TEST_CASE("monitor stream: a local target declared after the monitors changes nothing") {
  auto s = build({{"a.mon", monitors(300)}, {"z.mon", "target local \"l\" {\n  dir = \"out\"\n}\n"}}, {"a.mon", "z.mon"});
  CHECK(!s->c.diags.hasErrors());
  CHECK(s->c.monitorsStreamed == 300);
  CHECK(s->c.streamHeld);
  CHECK(s->holds);
  CHECK(s->monitorsJson == s->whole);
}

TEST_CASE("monitor stream: a later target that takes Mackerel's monitors away is found out") {
  std::string prom = "target prometheus \"p\" {\n  group = \"g\"\n  rules_dir = \"/etc/prometheus/rules\"\n}\n";
  auto s = build({{"a.mon", monitors(300)}, {"z.mon", prom}}, {"a.mon", "z.mon"});
  CHECK(s->c.monitorsStreamed == 300);
  CHECK_FALSE(s->holds);
  CHECK(s->whole.empty());  // no Mackerel files: the source targets Prometheus only
  CHECK(!s->monitorsJson.empty());
}

TEST_CASE("monitor stream: a monitor naming a target declared later is found out") {
  std::string mk = "target mackerel \"mk\" {\n  api_key_env = \"MACKEREL_APIKEY\"\n}\n";
  auto s = build({{"a.mon", monitors(300) + monitors(1, 300, "  targets = [\"mk\"]\n")}, {"z.mon", mk}},
                 {"a.mon", "z.mon"});
  CHECK(s->c.monitorsStreamed == 301);
  CHECK(s->c.streamHeld);
  CHECK_FALSE(s->holds);  // written without "cpu 300", which the whole module sends to mk
  CHECK(s->whole.find("\"cpu 300\"") != std::string::npos);
  CHECK(s->monitorsJson.find("\"cpu 300\"") == std::string::npos);
}

TEST_CASE("monitor stream: a target declared before the monitor that names it holds") {
  std::string mk = "target mackerel \"mk\" {\n  api_key_env = \"MACKEREL_APIKEY\"\n}\n";
  auto s = build({{"a.mon", mk + monitors(300, 0, "  targets = [\"mk\"]\n")}}, {"a.mon"});
  CHECK(s->c.monitorsStreamed == 300);
  CHECK(s->holds);
  CHECK(s->monitorsJson == s->whole);
}

TEST_CASE("monitor stream: routing or tests declared after the hand-over started are found out") {
  std::string route = "channel slack \"chat\" {\n  channel = \"#ops\"\n  api_url_env = \"SLACK_URL\"\n}\n"
                      "route \"all\" {\n  channels = [\"chat\"]\n}\n";
  auto late = build({{"a.mon", monitors(300)}, {"z.mon", route}}, {"a.mon", "z.mon"});
  CHECK(late->c.monitorsStreamed == 300);
  CHECK_FALSE(late->c.streamHeld);

  auto early = build({{"a.mon", route + monitors(300)}}, {"a.mon"});
  CHECK(early->c.monitorsStreamed == 0);  // never started: the checks across the program need them
  CHECK(early->c.streamHeld);
}

TEST_CASE("monitor stream: a streamed monitor naming channels or an undeclared target is found out") {
  // Its channels are checked across the program (here: unknown, an error it must not miss).
  auto channels = build({{"a.mon", monitors(300, 0, "  channels = [\"chat\"]\n")}}, {"a.mon"});
  CHECK(channels->c.monitorsStreamed == 300);
  CHECK_FALSE(channels->c.streamHeld);
  // An undeclared target name is Prometheus' error (build --emit all): the monitor must be there.
  auto nowhere = build({{"a.mon", monitors(300, 0, "  targets = [\"nowhere\"]\n")}}, {"a.mon"});
  CHECK(nowhere->c.monitorsStreamed == 300);
  CHECK_FALSE(nowhere->c.streamHeld);
}
