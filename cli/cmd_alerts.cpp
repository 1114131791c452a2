// `monitorc alerts`: a target's alert history, ranked by noise, each monitor pointed at in the
// source (engine/alerts.h; the backends read the history).
#include <ctime>
#include <iostream>

#include "remote_target.h"
#include "support/json_text.h"
#include "time_arg.h"

namespace mon::cli {

Runner setupAlerts(CLI::App& sub) {
  sub.footer(
      "Examples:\n"
      "  monitorc alerts --target prod                          the last 30 days, noisiest monitors first\n"
      "  monitorc alerts --target prod --since 7d --format markdown > review.md\n"
      "  monitorc alerts --since 2026-11-01T00:00:00Z --until 2026-12-01T00:00:00Z --format json\n"
      "Each monitor's line: how often it fired, the share of its alerts that closed by themselves\n"
      "within --flap-minutes, the time open in total and the median, and where the source declares\n"
      "it ('not in the source' with the system's name and id otherwise).\n"
      "Exit status: 0 report written; 1 an error (the source, the target's settings, the service).\n");
  struct Opts {
    FrontEndOptions fe;
    RemoteFlags rf;
    std::string since = "30d", until, format = "text";
    int flapMinutes = 10;
    size_t maxRows = 50;
  };
  auto o = std::make_shared<Opts>();
  o->fe.add(sub);
  sub.add_option("--target", o->rf.target, "Name of the target to read (default: the only one that holds monitors)");
  o->rf.addHttp(sub);
  sub.add_option("--since", o->since, "Start of the window: a duration before now (30d, 12h) or an RFC 3339 time (default 30d)");
  sub.add_option("--until", o->until, "End of the window, in the same forms (default: now)");
  sub.add_option("--flap-minutes", o->flapMinutes,
                 "An alert closed by itself within this many minutes counts as noise (default 10)")
      ->check(CLI::Range(1, 10080));
  sub.add_option("--format", o->format, "text, markdown or json")->check(CLI::IsMember({"text", "markdown", "json"}));
  sub.add_option("--max-rows", o->maxRows, "markdown: at most this many monitors (default 50; 0: all)");
  return [o]() {
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    eng::AlertQuery q;
    std::string err;
    q.until = now;
    if (!o->until.empty() && !parseTimeArg(o->until, now, q.until, err)) return fail("--until: " + err);
    if (!parseTimeArg(o->since, q.until, q.since, err)) return fail("--since: " + err);
    if (q.since >= q.until) return fail("--since must be before --until");
    OpenTarget open;
    if (int rc = compileAndChoose(o->fe, o->rf.target, open)) return rc;
    if (int rc = openChosen(o->fe, o->rf, open)) return rc;
    eng::AlertHistory history;
    if (!open.target->alertHistory(q, history, err))
      return fail(open.declared->kind + " target '" + open.declared->name + "': " + err);
    eng::AlertReport report = eng::rankAlerts(history, q, o->flapMinutes);
    report.targetKind = open.declared->kind;
    report.targetName = open.declared->name;
    if (o->format == "json") std::cout << jsonText(eng::alertsToJson(report), 2) << "\n";
    else if (o->format == "markdown") std::cout << eng::renderAlertsMarkdown(report, o->maxRows);
    else std::cout << eng::renderAlertsText(report);
    return 0;
  };
}

}  // namespace mon::cli
