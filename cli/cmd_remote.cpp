// `monitorc plan`, `monitorc apply` and `monitorc pull`: the engine (engine/) against a target.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <algorithm>
#include <atomic>

#include "apply.h"
#include "backend.h"
#include "commands.h"
#include "diag/render.h"
#include "direct_target.h"
#include "frontend.h"
#include "json_input.h"
#include "prometheus/targets.h"
#include "plan_target.h"
#include "pull.h"
#include "race_repair.h"
#include "render.h"
#include "support/files.h"
#include "support/json_text.h"
#include "support/terminal.h"
#include "target.h"

namespace mon::cli {

namespace {

namespace eng = mon::engine;

struct RemoteFlags {
  std::string target;
  bool prune = false;
  bool verbose = false;
  double connectTimeout = 10, timeout = 30;  // seconds
  void add(CLI::App& sub) {
    sub.add_option("--target", target,
                   "Target to plan against: mackerel, local, prometheus or grafana (default: the only mackerel/local target)");
    sub.add_flag("--prune", prune, "Delete owned objects that are no longer in the source");
    addHttp(sub);
  }
  // The flags of every command that talks to a server (pull has no --prune).
  void addHttp(CLI::App& sub) {
    sub.add_flag("-v,--verbose", verbose, "Log each HTTP request (method, path, status; never headers) to stderr");
    sub.add_option("--connect-timeout", connectTimeout, "Seconds to wait for a connection (default 10)")
        ->check(CLI::Range(0.1, 3600.0));
    sub.add_option("--timeout", timeout,
                   "Seconds one HTTP request may take (default 30); a request and its retries stop after twice that")
        ->check(CLI::Range(0.1, 3600.0));
  }
  eng::RemoteOptions remoteOptions() const {
    eng::RemoteOptions o;
    if (verbose) o.log = [](const std::string& line) { std::cerr << "monitorc: http: " << terminalSafe(line) << "\n"; };
    o.http.connectTimeoutMs = static_cast<long>(connectTimeout * 1000);
    o.http.timeoutMs = static_cast<long>(timeout * 1000);
    // Retries end with the time budget, and a server's Retry-After never waits past it.
    o.retry.budgetMs = 2 * o.http.timeoutMs;
    o.retry.maxRetryAfterMs = std::min(o.retry.maxRetryAfterMs, o.retry.budgetMs);
    // Across the run: five requests' worth of retrying, then failures are reported as they come.
    o.retry.runBudget = std::make_shared<std::atomic<long>>(5 * o.retry.budgetMs);
    return o;
  }
};

// Messages carry server texts and names read from servers: control characters are escaped.
int fail(const std::string& msg) {
  std::cerr << "monitorc: error: " << terminalSafe(msg) << "\n";
  return 1;
}

// The output of the backend of `kind` (prometheus, grafana), printing what it reports as
// `build` does. False when it reported an error.
bool buildBackend(Compilation& c, const FrontEndOptions& fe, const std::string& kind, OutputFiles& out) {
  size_t mark = c.diags.all().size(), errorsBefore = c.diags.errorCount();
  for (const auto& b : backends())
    if (b.name == kind) out = b.build(c.module, c.diags);
  if (c.diags.all().size() > mark) {
    std::vector<Diagnostic> fresh(c.diags.all().begin() + mark, c.diags.all().end());
    std::cerr << (fe.diagnosticsFormat == "json" ? renderJson(c.sources, fresh) : renderText(c.sources, fresh));
    if (fe.diagnosticsFormat != "json")
      std::cerr << renderSummary(c.diags.errorCount() - errorsBefore,
                                 size_t(std::count_if(fresh.begin(), fresh.end(),
                                                      [](const Diagnostic& d) { return d.severity == Severity::Warning; })));
  }
  return c.diags.errorCount() == errorsBefore;
}

// Compiles, chooses the target, reads the remote and diffs. Returns 0 or an exit status.
// Prometheus and grafana targets are planned by their backends (`direct` is set, not `remote`).
int makePlan(const FrontEndOptions& fe, const RemoteFlags& rf, eng::Plan& plan, std::unique_ptr<eng::Remote>& remote,
             std::unique_ptr<eng::DirectTarget>& direct, eng::RemoteState* fetched = nullptr) {
  bool ok;
  auto c = compileAndReport(fe, ok);
  if (!ok) return 1;
  eng::TargetSpec spec;
  std::string err;
  if (!eng::chooseTarget(c->module, rf.target, spec, err)) return fail(err);
  if (eng::isDirectKind(spec.kind)) {
    OutputFiles built;
    if (!buildBackend(*c, fe, spec.kind, built)) return 1;
    direct = eng::planDirect(c->module, c->sources, built, spec, rf.prune, rf.remoteOptions(), plan, err);
    plan.sources = fe.paths;
    return direct ? 0 : fail(err);
  }
  std::vector<eng::Desired> desired;
  if (!eng::desiredObjects(c->module, c->sources, spec.name, desired, err)) return fail(err);
  remote = eng::openRemote(spec, rf.remoteOptions(), err);
  if (!remote) return fail(err);
  eng::RemoteState state;
  if (!remote->fetch(state, err)) return fail("reading " + remote->describe() + ": " + err);
  plan = eng::diff(desired, state, eng::DiffOptions{rf.prune});
  plan.targetKind = spec.kind;
  plan.targetName = spec.name;
  plan.where = spec.where;
  plan.keyEnv = spec.keyEnv;
  plan.sources = fe.paths;
  if (fetched) *fetched = std::move(state);
  return 0;
}

// Through a fresh temporary file (support/files.h): a planted symlink is never followed, a
// failure says why and leaves nothing behind.
bool writeText(const std::string& path, const std::string& text, std::string& err) {
  return writeFileAtomic(path, text, err);
}

// A saved plan is a JSON document starting with '{'; sources are .mon files or directories.
bool looksLikePlanFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec) || (path.size() >= 4 && path.substr(path.size() - 4) == ".mon")) return false;
  std::ifstream in(path, std::ios::binary);
  char ch;
  while (in.get(ch))
    if (!std::isspace(static_cast<unsigned char>(ch))) return ch == '{';
  return false;
}

bool confirm(const eng::Plan& plan) {
  std::cout << "\nApply these changes to " << plan.targetKind << " \"" << plan.targetName
            << "\"? Only 'yes' is accepted: " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "yes";
}

int printReport(const eng::ApplyReport& rep);

// The sources a saved plan is checked against: those given after the plan file, else the ones
// it records, if they are relative paths inside the working directory (an absolute or '..'
// path in an edited file must not choose which declaration is trusted).
bool planSources(const FrontEndOptions& fe, const std::string& file, const eng::Plan& plan, std::vector<std::string>& out) {
  out.assign(fe.paths.begin() + 1, fe.paths.end());
  if (!out.empty()) return true;
  for (const auto& p : plan.sources) {
    std::filesystem::path path(p);
    bool inside = !p.empty() && path.is_relative();
    for (const auto& part : path.lexically_normal()) inside = inside && part != "..";
    if (!inside) {
      fail("'" + file + "' records the source '" + terminalSafe(p) + "', which is not a relative path inside this directory; give the sources: monitorc apply " + file + " SOURCES...");
      return false;
    }
    out.push_back(p);
  }
  if (out.empty()) fail("'" + file + "' records no sources; give them: monitorc apply " + file + " SOURCES...");
  return !out.empty();
}

// Compiles the plan's sources and refuses the plan unless its target is the one they declare.
int confirmPlanTarget(const FrontEndOptions& fe, const std::string& file, const eng::Plan& plan) {
  FrontEndOptions sourceFe = fe;
  if (!planSources(fe, file, plan, sourceFe.paths)) return 1;
  bool ok;
  auto c = compileAndReport(sourceFe, ok);
  if (!ok) return 1;
  std::vector<std::string> why = eng::planTargetMismatches(plan, c->module);
  if (why.empty()) return 0;
  std::cerr << "monitorc: error: the saved plan '" << file << "' does not match the target declared in the source; nothing was sent:\n";
  for (const auto& w : why) std::cerr << "  " << terminalSafe(w) << "\n";
  return 1;
}

// `now` is the target as read for this apply: each update, adoption and delete is checked
// against it again (engine::writeRefusal) before it is sent.
int applyPlan(const eng::Plan& plan, eng::Remote& remote, int parallel, const eng::RemoteState& now) {
  bool tty = isatty(STDERR_FILENO);
  eng::ApplyOptions ao;
  ao.parallel = parallel;
  ao.current = &now;
  ao.progress = [tty](const eng::Outcome& o, size_t done, size_t total) {
    if (tty && total >= 10)
      std::cerr << "\r\x1b[K[" << done << "/" << total << "] " << eng::actionName(o.change->action) << " "
                << terminalSafe(o.change->key, false) << std::flush;
  };
  eng::ApplyReport rep = eng::apply(plan, remote, ao);
  if (tty && rep.outcomes.size() >= 10) std::cerr << "\r\x1b[K";
  int rc = printReport(rep);
  if (plan.count(eng::Action::Create) == 0) return rc;
  // A run that raced this one may have created the same objects: read again, keep one of each.
  eng::RemoteState after;
  std::string err;
  if (!remote.fetch(after, err)) return fail("reading " + remote.describe() + " after apply: " + err);
  eng::Plan repairs = eng::raceRepairs(plan, after);
  if (repairs.changes.empty()) return rc;
  std::cerr << "monitorc: another run created the same objects at the same time; removing "
            << repairs.changes.size() << " duplicate(s), keeping the smallest id\n";
  ao.current = &after;
  ao.progress = nullptr;
  return std::max(rc, printReport(eng::apply(repairs, remote, ao)));
}

int printReport(const eng::ApplyReport& rep) {
  std::cout << "\nApply report:\n";
  int ok = 0;
  for (const auto& o : rep.outcomes) {
    const eng::Change& c = *o.change;
    std::cout << "  " << (o.result.ok ? "ok     " : "FAILED ") << eng::actionName(c.action) << " " << eng::kindName(c.kind)
              << " " << terminalSafe(jsonText(eng::Json(c.key)), false);
    if (o.result.ok) {
      ++ok;
      if (!o.result.id.empty()) std::cout << " (id " << terminalSafe(o.result.id, false) << ")";
      if (o.result.recovered) std::cout << " (create answer was lost; found it by its key)";
      if (o.result.attempts > 1) std::cout << " after " << o.result.attempts << " attempts";
    } else {
      std::cout << ": " << terminalSafe(o.result.error);
    }
    std::cout << "\n";
  }
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.2f", rep.seconds);
  std::cout << "\nApply complete: " << ok << " succeeded, " << rep.failed << " failed (" << secs << " s).\n";
  if (rep.failed) std::cerr << "monitorc: error: " << rep.failed << " object(s) failed; re-run apply to retry them\n";
  return rep.failed ? 1 : 0;
}

}  // namespace

Runner setupPlan(CLI::App& sub) {
  struct Opts {
    FrontEndOptions fe;
    RemoteFlags rf;
    std::string out, format = "text";
    bool detailed = false;
  };
  auto o = std::make_shared<Opts>();
  o->fe.add(sub);
  o->rf.add(sub);
  sub.add_option("--out", o->out, "Save the plan (with fingerprints of what it read) for 'monitorc apply FILE'");
  sub.add_option("--format", o->format, "text, markdown or json")->check(CLI::IsMember({"text", "markdown", "json"}));
  sub.add_flag("--detailed-exitcode", o->detailed, "Exit 2 when there are changes (0 none, 1 error)");
  return [o]() {
    eng::Plan plan;
    std::unique_ptr<eng::Remote> remote;
    std::unique_ptr<eng::DirectTarget> direct;
    if (int rc = makePlan(o->fe, o->rf, plan, remote, direct)) return rc;
    if (o->format == "json") std::cout << jsonText(eng::planToJson(plan), 2) << "\n";
    else if (o->format == "markdown") std::cout << eng::renderMarkdown(plan);
    else std::cout << eng::renderText(plan, isatty(STDOUT_FILENO));
    if (!o->out.empty()) {
      std::string err;
      if (!writeText(o->out, jsonText(eng::planToJson(plan), 2) + "\n", err)) return fail(err);
      std::cerr << "monitorc: plan saved to '" << o->out << "'; apply it with: monitorc apply " << o->out << "\n";
    }
    return o->detailed && plan.hasChanges() ? 2 : 0;
  };
}

Runner setupApply(CLI::App& sub) {
  struct Opts {
    FrontEndOptions fe;
    RemoteFlags rf;
    bool autoApprove = false;
    int parallel = 4;
  };
  auto o = std::make_shared<Opts>();
  o->fe.add(sub);
  o->rf.add(sub);
  sub.add_flag("--auto-approve", o->autoApprove, "Apply without asking (needed without a terminal)");
  sub.add_option("--parallel", o->parallel, "Requests at a time (default 4)")->check(CLI::Range(1, 64));
  return [o]() {
    eng::Plan plan;
    std::unique_ptr<eng::Remote> remote;
    std::unique_ptr<eng::DirectTarget> direct;
    if (!o->fe.paths.empty() && looksLikePlanFile(o->fe.paths[0])) {
      const std::string file = o->fe.paths[0];
      std::string text, err;
      if (!readRegularFile(file, text, err)) return fail("cannot read '" + file + "': " + err);
      eng::Json j;
      if (JsonInputError e; !readJsonInput(text, j, e)) return fail("'" + file + "':" + e.where());
      if (!eng::planFromJson(j, plan, err)) return fail("'" + file + "': " + err);
      // Where the plan writes and which variable holds the key come from the source, not the file.
      if (int rc = confirmPlanTarget(o->fe, file, plan)) return rc;
      if (!o->rf.target.empty() && o->rf.target != plan.targetName)
        return fail("'" + file + "' is a plan for target '" + plan.targetName + "', not '" + o->rf.target + "'");
      if (o->rf.prune != plan.prune && o->rf.prune)
        return fail("--prune must be given to 'plan --out', not to 'apply FILE'");
      std::vector<std::string> stale;
      eng::RemoteState now;
      if (eng::isDirectKind(plan.targetKind)) {
        direct = eng::openDirect(plan, o->rf.remoteOptions(), err);
        if (!direct) return fail(err);
        if (!direct->stale(plan, stale, err))
          return fail("reading " + plan.targetKind + " \"" + plan.targetName + "\" (" + plan.where + "): " + err);
      } else {
        remote = eng::openRemote({plan.targetKind, plan.targetName, plan.where, plan.keyEnv, ""}, o->rf.remoteOptions(), err);
        if (!remote) return fail(err);
        if (!remote->fetch(now, err)) return fail("reading " + remote->describe() + ": " + err);
        stale = eng::stalePlanReasons(plan, now);
      }
      if (!stale.empty()) {
        std::cerr << "monitorc: error: the saved plan '" << file << "' is stale: the target changed since it was made:\n";
        for (const auto& s : stale) std::cerr << "  " << terminalSafe(s) << "\n";
        std::cerr << "Run 'monitorc plan --out " << file << "' again.\n";
        return 1;
      }
      std::cout << eng::renderText(plan, isatty(STDOUT_FILENO));
      if (!plan.hasChanges()) return 0;
      if (direct) return printReport(direct->apply(plan));
      return applyPlan(plan, *remote, o->parallel, now);
    }
    if (o->fe.paths.empty()) return fail("apply needs .mon sources or a saved plan file");
    eng::RemoteState now;
    if (int rc = makePlan(o->fe, o->rf, plan, remote, direct, &now)) return rc;
    std::cout << eng::renderText(plan, isatty(STDOUT_FILENO));
    if (!plan.hasChanges()) return 0;
    if (!o->autoApprove) {
      if (!isatty(STDIN_FILENO))
        return fail("apply needs confirmation but there is no terminal; review the plan and re-run with --auto-approve");
      if (!confirm(plan)) {
        std::cout << "Apply cancelled.\n";
        return 1;
      }
    }
    if (direct) return printReport(direct->apply(plan));
    return applyPlan(plan, *remote, o->parallel, now);
  };
}

Runner setupPull(CLI::App& sub) {
  struct Opts {
    FrontEndOptions fe;
    RemoteFlags rf;
    std::string out = "pulled";
    bool ownedOnly = false;
  };
  auto o = std::make_shared<Opts>();
  o->fe.add(sub);
  sub.add_option("--target", o->rf.target, "Target to read: mackerel, local, prometheus or grafana (default: the only mackerel/local target)");
  o->rf.addHttp(sub);
  sub.add_option("-o,--out", o->out, "Directory to write the source to (default: pulled)");
  sub.add_flag("--owned-only", o->ownedOnly, "Only objects monitorc manages (memo marker; prometheus: the generated header; grafana: the monitorc tag and managed_by label)");
  return [o]() {
    bool ok;
    auto c = compileAndReport(o->fe, ok);
    if (!ok) return 1;
    eng::TargetSpec spec;
    std::string err;
    if (!eng::chooseTarget(c->module, o->rf.target, spec, err)) return fail(err);
    std::vector<std::string> warnings;
    std::string source, targetText;
    if (eng::isDirectKind(spec.kind)) {
      const ir::Target* declared = nullptr;
      for (const auto& t : c->module.targets)
        if (t.name == spec.name) declared = &t;
      eng::PulledSource pulled;
      if (!declared || !eng::pullDirect(spec, *declared, o->ownedOnly, o->rf.remoteOptions(), pulled, warnings, err))
        return fail(err);
      source = pulled.objects;
      targetText = pulled.target;
    } else {
      auto remote = eng::openRemote(spec, o->rf.remoteOptions(), err);
      if (!remote) return fail(err);
      eng::RemoteState state;
      if (!remote->fetch(state, err)) return fail("reading " + remote->describe() + ": " + err);
      source = eng::pullSource(state, o->ownedOnly, warnings);
      targetText = eng::targetSource(spec);
    }
    for (const auto& w : warnings) std::cerr << "monitorc: warning: " << terminalSafe(w) << "\n";
    std::error_code ec;
    std::filesystem::create_directories(o->out, ec);
    // The target's name is free text ("../x", "/etc/x"): the files are named by its file-safe form.
    // Both names derive from it, so no name makes them one file (a fixed "target.mon" was the
    // objects file of a target named "target").
    std::string base = targets::fileSafe(spec.name);
    std::string objects = (std::filesystem::path(o->out) / (base + ".mon")).string();
    std::string target = (std::filesystem::path(o->out) / (base + ".target.mon")).string();
    if (!writeText(objects, source, err) || !writeText(target, targetText, err)) return fail(err);
    std::cerr << "monitorc: wrote '" << objects << "' and '" << target << "'\n";
    return 0;
  };
}

}  // namespace mon::cli
