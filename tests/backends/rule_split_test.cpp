// A large Prometheus target's rule file is written on two threads (build.cpp's writeGroup): the
// file and the diagnostics are those of one thread, with records first, whatever the monitors
// report and wherever they are.
#include <doctest/doctest.h>

#include <cstdlib>

#include "../unit/harness.h"
#include "diag/render.h"
#include "prometheus/prometheus.h"

using namespace mon;

namespace {

// `n` query monitors for target "p"; monitor `muted` (if any) has is_mute, which the target
// cannot express (a warning), and the one named `bad` a label Prometheus does not accept (an
// error: the target cannot take it).
std::string source(int n, int muted = -1, int bad = -1) {
  std::string out = "target prometheus \"p\" { group = \"g\" }\nrecord \"job:up:sum\" { expr = \"sum by (job) (up)\" }\n";
  for (int i = 0; i < n; ++i) {
    std::string k = std::to_string(i);
    out += "monitor query \"rule " + k + "\" {\n  query = \"rate(x{job=\\\"j" + k + "\\\"}[5m])\"\n  operator = \">\"\n" +
           "  critical = " + k + "\n  memo = \"{{ not a template }} " + k + "\"\n" + (i == muted ? "  is_mute = true\n" : "") +
           (i == bad ? "  labels = { \"bad-name\" = \"x\" }\n" : "") + "}\n";
  }
  return out;
}

struct Written {
  std::string file, diags;
};

// The rule file and what the backend reported, on `threads` threads.
Written build(const std::string& text, const char* threads) {
  setenv("MONITORC_THREADS", threads, 1);
  auto c = montest::compileText(text);
  size_t mark = c->diags.all().size();
  OutputFiles files = prometheus::build(c->module, c->diags);
  unsetenv("MONITORC_THREADS");
  std::vector<Diagnostic> fresh(c->diags.all().begin() + static_cast<std::ptrdiff_t>(mark), c->diags.all().end());
  auto it = files.find("prometheus/p/g.yml");
  return {it == files.end() ? "" : it->second, renderText(c->sources, fresh, false)};
}

}  // namespace

TEST_CASE("a large target's rules written on two threads are those written on one") {
  struct Case {
    std::string what, text;
  };
  std::vector<Case> cases = {
      {"nothing reported", source(3000)},
      {"a warning in the second half", source(3000, 2500)},
      {"a warning in the first half", source(3000, 10)},
      {"an error in the second half", source(3000, -1, 2999)},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    Written one = build(c.text, "1"), two = build(c.text, "2");
    CHECK(two.file == one.file);
    CHECK(two.diags == one.diags);
    if (c.what == "nothing reported") {
      CHECK(one.diags.empty());
      // Every rule once, in order, after the record.
      size_t record = one.file.find("record: \"job:up:sum\""), first = one.file.find("alert: \"rule 0\"");
      size_t middle = one.file.find("alert: \"rule 1500\""), last = one.file.find("alert: \"rule 2999\"");
      CHECK(record < first);
      CHECK(first < middle);
      CHECK(middle < last);
      CHECK(last != std::string::npos);
      size_t count = 0;
      for (size_t at = one.file.find("- alert:"); at != std::string::npos; at = one.file.find("- alert:", at + 1)) ++count;
      CHECK(count == 3000);
    } else {
      CHECK(!one.diags.empty());
    }
  }
}
