// A large source's Prometheus rules written as the front end lowers the monitors (stream.h,
// Backend::streamMonitors): the files and the diagnostics are those of a build that keeps every
// monitor in the module, whatever targets, records and problems the source has and wherever
// they are; a target declared after the hand-over started is found out (holds()).
#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "../unit/harness.h"
#include "diag/render.h"
#include "prometheus/prometheus.h"
#include "prometheus/stream.h"

using namespace mon;

namespace {

// `n` query monitors numbered from `first`; `extra(i)` goes into monitor i's block.
std::string monitors(int n, int first = 0, const std::function<std::string(int)>& extra = nullptr) {
  std::string out;
  for (int i = first; i < first + n; ++i) {
    std::string k = std::to_string(i);
    out += "monitor query \"rule " + k + "\" {\n  query = \"rate(x{job=\\\"j" + k + "\\\"}[5m])\"\n  operator = \">\"\n" +
           "  critical = " + k + "\n  memo = \"{{ not a template }} " + k + "\"\n" + (extra ? extra(i) : "") + "}\n";
  }
  return out;
}

const std::string kTargetP = "target prometheus \"p\" { group = \"g\" }\n";

struct Built {
  OutputFiles files;
  std::string diags;  // everything reported, rendered
  size_t streamed = 0;
  bool streamHeld = true, holds = true, grows = false;
  size_t keptByStream = 0;  // diagnostics the stream kept for the first prometheus target
};

// The Prometheus files of `files` (compiled in the order of `paths`), with the monitors handed
// to the backend's stream as they are lowered (`stream`), or kept in the module.
Built build(const std::map<std::string, std::string>& files, const std::vector<std::string>& paths, bool stream,
            bool werror = false) {
  Built out;
  Compilation c;
  c.diags.setWarningsAsErrors(werror);
  OutputFiles none;
  FilesSink sink(none);
  std::unique_ptr<MonitorStream> s = prometheus::streamMonitors(sink);
  CompileOptions co;
  if (stream)
    co.streamMonitors = {[&](const ir::Module& sofar) {
                           out.grows = s->growsInMemory(sofar);
                           return true;
                         },
                         [&](const ir::Monitor& m, const ir::Module& sofar) { s->add(m, sofar); }};
  montest::MemReader reader(files);
  compile(paths, co, reader, c);
  out.streamed = c.monitorsStreamed;
  out.streamHeld = c.streamHeld;
  out.holds = s->holds(c.module);
  if (auto* written = static_cast<prometheus::RuleStream*>(s.get())->of(0)) out.keptByStream = written->diags.all().size();
  out.files = prometheus::buildInto(c.module, c.diags, sink, stream ? s.get() : nullptr);
  out.diags = renderText(c.sources, c.diags.all(), false);
  return out;
}

// Streamed and kept, which must agree.
void checkSame(const std::map<std::string, std::string>& files, const std::vector<std::string>& paths,
               bool werror = false) {
  Built streamed = build(files, paths, true, werror), kept = build(files, paths, false, werror);
  CHECK(streamed.streamed > 0);
  CHECK(streamed.streamHeld);
  CHECK(streamed.holds);
  CHECK(kept.streamed == 0);
  CHECK(streamed.files == kept.files);
  CHECK(streamed.diags == kept.diags);
  CHECK(!kept.files.empty());
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("rule stream: a large target's rule file is the kept build's, every rule once and in order") {
  std::map<std::string, std::string> files = {{"a.mon", kTargetP + monitors(3000)}};
  checkSame(files, {"a.mon"});
  Built b = build(files, {"a.mon"}, true);
  CHECK(b.streamed == 3000);
  CHECK(b.grows);  // the rule text is kept: huge pages stay on
  const std::string& file = b.files["prometheus/p/g.yml"];
  CHECK(count(file, "- alert:") == 3000);
  CHECK(count(file, "    rules:\n") == 1);
  CHECK(file.find("alert: \"rule 0\"") < file.find("alert: \"rule 1700\""));
  CHECK(file.find("alert: \"rule 1700\"") < file.find("alert: \"rule 2999\""));
  CHECK(b.diags.empty());
}

TEST_CASE("rule stream: records and alert blocks declared after the monitors come first in the group") {
  std::string natives = "record \"job:up:sum\" { expr = \"sum by (job) (up)\" }\n"
                        "alert \"Down\" {\n  expr = \"up == 0\"\n  for_duration = 5m\n}\n";
  checkSame({{"a.mon", kTargetP + monitors(400)}, {"z.mon", natives}}, {"a.mon", "z.mon"});
  Built b = build({{"a.mon", kTargetP + monitors(400)}, {"z.mon", natives}}, {"a.mon", "z.mon"}, true);
  const std::string& file = b.files["prometheus/p/g.yml"];
  CHECK(file.find("record: \"job:up:sum\"") < file.find("alert: \"Down\""));
  CHECK(file.find("alert: \"Down\"") < file.find("alert: \"rule 0\""));
}

TEST_CASE("rule stream: several targets, monitors restricted to some, a PrometheusRule target") {
  std::string targets = kTargetP + "target prometheus \"q\" {\n  group = \"other\"\n  interval = 30s\n}\n" +
                        "target prometheus \"k\" {\n  format = \"prometheus-operator\"\n  namespace = \"mon\"\n"
                        "  resource_name = \"rules\"\n}\n";
  auto restricted = [](int i) { return i % 3 == 0 ? std::string("  targets = [\"q\"]\n") : std::string(); };
  std::map<std::string, std::string> files = {{"a.mon", targets + monitors(600, 0, restricted)}};
  checkSame(files, {"a.mon"});
  Built b = build(files, {"a.mon"}, true);
  CHECK(b.files.size() == 3);
  CHECK(count(b.files["prometheus/p/g.yml"], "- alert:") == 400);
  CHECK(count(b.files["prometheus/q/other.yml"], "- alert:") == 600);
}

TEST_CASE("rule stream: what the monitors' rules report comes where and as the kept build reports it") {
  // is_mute: a field the target drops (a warning); a label Prometheus does not accept: the
  // target cannot take the monitor (an error). Both early, in the middle and last.
  auto problems = [](int i) {
    if (i == 3 || i == 1500) return std::string("  is_mute = true\n");
    if (i == 700 || i == 2999) return std::string("  labels = { \"bad-name\" = \"x\" }\n");
    return std::string();
  };
  std::map<std::string, std::string> files = {{"a.mon", kTargetP + monitors(3000, 0, problems)}};
  checkSame(files, {"a.mon"});
  checkSame(files, {"a.mon"}, true);  // --werror: the replayed warnings are errors
  Built b = build(files, {"a.mon"}, true, true);
  CHECK(count(b.diags, "warning:") == 0);
  CHECK(count(b.diags, "error:") == 4);
  CHECK(b.diags.find("rule 3") < b.diags.find("rule 700"));
  CHECK(b.diags.find("rule 1500") < b.diags.find("rule 2999"));
}

TEST_CASE("rule stream: a prometheus target declared after the hand-over started is found out") {
  std::map<std::string, std::string> files = {{"a.mon", kTargetP + monitors(400)},
                                              {"z.mon", "target prometheus \"late\" { group = \"g\" }\n"}};
  Built b = build(files, {"a.mon", "z.mon"}, true);
  CHECK(b.streamed == 400);
  CHECK_FALSE(b.holds);  // the monitors went to "p" only; the whole module sends them to "late" too
  // Declared among the first monitors, before any was handed over, it holds.
  checkSame({{"a.mon", monitors(100) + "target prometheus \"late\" { group = \"g\" }\n" + kTargetP + monitors(400, 100)}},
            {"a.mon"});
}

TEST_CASE("rule stream: without a prometheus target nothing is kept and nothing is written") {
  Built b = build({{"a.mon", monitors(400)}}, {"a.mon"}, true);
  CHECK(b.streamed == 400);
  CHECK_FALSE(b.grows);
  CHECK(b.holds);
  CHECK(b.files.empty());
}

TEST_CASE("rule stream: what it reports is kept only up to the front end's error limit") {
  // Every monitor has a label Prometheus does not accept: an error each, past the limit.
  auto bad = [](int) { return std::string("  labels = { \"bad-name\" = \"x\" }\n"); };
  std::map<std::string, std::string> files = {{"a.mon", kTargetP + monitors(1300, 0, bad)}};
  checkSame(files, {"a.mon"});
  Built b = build(files, {"a.mon"}, true);
  CHECK(b.keptByStream <= prometheus::RuleStream::kErrorLimit + 1);  // and the notice
  CHECK(b.keptByStream >= prometheus::RuleStream::kErrorLimit);
  CHECK(count(b.diags, "error: too many errors") == 1);
}

TEST_CASE("rule stream: it has work, and grows, once a prometheus target is declared") {
  OutputFiles none;
  FilesSink sink(none);
  std::unique_ptr<MonitorStream> s = prometheus::streamMonitors(sink);
  auto without = montest::compileText("target mackerel \"mk\" {}\n");
  auto with = montest::compileText("target mackerel \"mk\" {}\n" + kTargetP);
  CHECK_FALSE(s->hasWork(without->module));
  CHECK_FALSE(s->growsInMemory(without->module));
  CHECK(s->hasWork(with->module));
  CHECK(s->growsInMemory(with->module));
}
