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
#include "fmt/format.h"
#include "frontend.h"
#include "plan_output.h"
#include "plan_pictures.h"
#include "support/json_input.h"
#include "prometheus/targets.h"
#include "pull_files.h"
#include "remote_target.h"
#include "render.h"
#include "support/files.h"
#include "support/json_text.h"
#include "support/terminal.h"
#include "target.h"

namespace mon::cli {

namespace {

// Opens the chosen target, reads it and compares. Returns 0 or an exit status.
int planChosen(const FrontEndOptions& fe, const RemoteFlags& rf, eng::Plan& plan, OpenTarget& open) {
  if (int rc = openChosen(fe, rf, open)) return rc;
  plan = eng::Plan{};
  eng::recordSettings(*open.kind, *open.declared, plan);
  std::string err;
  // An empty error: the backend's build reported (and printed) diagnostics.
  if (!open.target->plan(rf.prune, plan, err)) return err.empty() ? 1 : fail(err);
  plan.sources = fe.paths;
  return 0;
}

// Compiles, chooses the target and plans it. Returns 0 or an exit status.
int makePlan(const FrontEndOptions& fe, const RemoteFlags& rf, eng::Plan& plan, OpenTarget& open) {
  if (int rc = compileAndChooseReading(fe, rf, open)) return rc;
  return planChosen(fe, rf, plan, open);
}

// Through a fresh temporary file (support/files.h): a planted symlink is never followed, a
// failure says why and leaves nothing behind.
bool writeText(const std::string& path, const std::string& text, std::string& err) {
  return writeFileAtomic(path, text, err);
}

// A saved plan is a JSON document starting with '{' (or '[': `plan --format json` of several
// targets, refused with a reason); sources are .mon files or directories.
bool looksLikePlanFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec) || (path.size() >= 4 && path.substr(path.size() - 4) == ".mon")) return false;
  std::ifstream in(path, std::ios::binary);
  char ch;
  while (in.get(ch))
    if (!std::isspace(static_cast<unsigned char>(ch))) return ch == '{' || ch == '[';
  return false;
}

// What a confirmation names: kind "name".
std::string targetLabel(const eng::Plan& plan) {
  return terminalSafe(plan.targetKind, false) + " \"" + terminalSafe(plan.targetName, false) + "\"";
}

bool confirm(const std::string& what) {
  std::cout << "\nApply these changes to " << what << "? Only 'yes' is accepted: " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "yes";
}

int printReport(const eng::ApplyReport& rep, const std::string& title);

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

// Compiles the plan's sources and refuses the plan unless its target is the one they declare;
// `out` gets the declaration the target is then opened from.
int confirmPlanTarget(const FrontEndOptions& fe, const std::string& file, const eng::Plan& plan, OpenTarget& out) {
  FrontEndOptions sourceFe = fe;
  if (!planSources(fe, file, plan, sourceFe.paths)) return 1;
  bool ok;
  out.compilation = compileAndReport(sourceFe, ok);
  if (!ok) return 1;
  for (const auto& t : out.compilation->module.targets)
    if (t.name == plan.targetName) out.declared = &t;
  out.kind = out.declared ? eng::findTargetKind(targetKinds(), out.declared->kind) : nullptr;
  std::vector<std::string> why;
  if (!out.kind) why.push_back("the source declares no target named '" + plan.targetName + "'");
  else why = eng::settingMismatches(plan, *out.kind, *out.declared);
  if (why.empty()) return 0;
  std::cerr << "monitorc: error: the saved plan '" << file << "' does not match the target declared in the source; nothing was sent:\n";
  for (const auto& w : why) std::cerr << "  " << terminalSafe(w) << "\n";
  return 1;
}

// How apply writes: requests at a time, and changes per request where the target takes several.
struct WriteFlags {
  int parallel = 4;
  int batch = 0;  // 0: the target's own batch size
};

// Applies, then carries out the repairs the target finds (what a racing run created twice).
// `title` heads the report (one per target when several are applied).
int applyPlan(const eng::Plan& plan, eng::Target& target, const WriteFlags& wf, const std::string& title = "Apply report:") {
  bool tty = useColor(STDERR_FILENO);  // the progress line rewrites itself with escapes
  eng::ApplyOptions ao;
  ao.parallel = wf.parallel;
  ao.batch = static_cast<size_t>(wf.batch);
  ao.progress = [tty](const eng::Outcome& o, size_t done, size_t total) {
    if (tty && total >= 10)
      std::cerr << "\r\x1b[K[" << done << "/" << total << "] " << eng::actionName(o.change->action) << " "
                << terminalSafe(o.change->key, false) << std::flush;
  };
  eng::ApplyReport rep = target.apply(plan, ao);
  if (tty && rep.outcomes.size() >= 10) std::cerr << "\r\x1b[K";
  int rc = printReport(rep, title);
  eng::Plan repairs;
  std::string err;
  if (!target.repairs(repairs, err)) return fail(err);
  if (repairs.changes.empty()) return rc;
  std::cerr << "monitorc: another run created the same objects at the same time; removing "
            << repairs.changes.size() << " duplicate(s), keeping the smallest id\n";
  ao.progress = nullptr;
  return std::max(rc, printReport(target.apply(repairs, ao), title));
}

int printReport(const eng::ApplyReport& rep, const std::string& title) {
  std::cout << "\n" << title << "\n";
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

// The targets `--target a --target b` or `--all-targets` name, in order, each once. False
// (reported) when both are given or the source declares none.
bool severalNames(const RemoteFlags& rf, const ir::Module& module, std::vector<std::string>& names) {
  if (rf.allTargets && !rf.targets.empty()) {
    fail("give --target NAME... or --all-targets, not both");
    return false;
  }
  std::vector<std::string> asked = rf.targets;
  if (rf.allTargets)
    for (const auto& t : module.targets) asked.push_back(t.name);
  if (asked.empty()) {
    fail("the source declares no target");
    return false;
  }
  for (const auto& n : asked)
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  return true;
}

// `--pictures DIR`: the dashboard pictures of `plans`, and a line on stderr saying where.
bool savePictures(const std::vector<eng::Plan>& plans, const std::string& dir) {
  std::vector<std::string> written;
  std::string err;
  if (!writePlanPictures(plans, dir, written, err)) return fail(err), false;
  std::cerr << "monitorc: " << written.size() << " dashboard picture(s) written to '" << terminalSafe(dir) << "'\n";
  return true;
}

// One target of a several-target run: its plan and the target it was made from.
struct Planned {
  eng::Plan plan;
  OpenTarget open;
};

// Compiles the source once and plans every target asked for. A target that cannot be planned
// is reported (stderr) and left out; `failed` says whether one was.
bool planEach(const FrontEndOptions& fe, const RemoteFlags& rf, std::vector<Planned>& out, bool& failed) {
  bool ok;
  std::shared_ptr<Compilation> compilation = compileAndReport(fe, ok);  // once, for every target
  if (!ok) return false;
  std::vector<std::string> names;
  if (!severalNames(rf, compilation->module, names)) return false;
  failed = false;
  for (const auto& name : names) {
    Planned p;
    if (chooseIn(compilation, name, p.open) != 0 || planChosen(fe, rf, p.plan, p.open) != 0) {
      std::cerr << "monitorc: error: target '" << terminalSafe(name) << "' was not planned (above)\n";
      failed = true;
      continue;
    }
    out.push_back(std::move(p));
  }
  return true;
}

std::vector<eng::Plan> plansOf(const std::vector<Planned>& planned) {
  std::vector<eng::Plan> plans;
  for (const auto& p : planned) plans.push_back(p.plan);
  return plans;
}

// `plan --target a --target b` / `--all-targets`: one plan per target, in one report (a section
// each; markdown shares its byte budget among them; json is an array of plan documents). A
// target that cannot be planned is reported and the others are still planned; the exit status
// covers them all (1 if any failed, else 2 with --detailed-exitcode if any has changes).
int planSeveral(const FrontEndOptions& fe, const RemoteFlags& rf, const std::string& format, size_t maxBytes,
                const std::string& out, const std::string& pictures, bool detailed) {
  if (!out.empty()) return fail("--out saves one target's plan: give one --target (a saved plan is applied to one target)");
  std::vector<Planned> planned;
  bool failed = false;
  if (!planEach(fe, rf, planned, failed)) return 1;
  std::vector<eng::Plan> plans = plansOf(planned);
  std::cout << renderPlans(plans, format, maxBytes, true, useColor(STDOUT_FILENO));
  if (!pictures.empty() && !savePictures(plans, pictures)) return 1;
  bool changes = std::any_of(plans.begin(), plans.end(), [](const eng::Plan& p) { return p.hasChanges(); });
  return failed ? 1 : detailed && changes ? 2 : 0;
}

// `apply --target a --target b` / `--all-targets`: every target is planned first and the plans
// are shown as one report; nothing is applied unless every target could be planned. One
// confirmation covers them all; then each target with changes is applied in turn exactly as
// `apply --target NAME` applies it (its own ownership checks, lock and repairs), and a target
// whose writes fail does not stop the next. 0: all applied (or nothing to do); 1: otherwise.
int applySeveral(const FrontEndOptions& fe, const RemoteFlags& rf, bool autoApprove, const WriteFlags& wf) {
  std::vector<Planned> planned;
  bool failed = false;
  if (!planEach(fe, rf, planned, failed)) return 1;
  std::cout << renderPlans(plansOf(planned), "text", 0, true, useColor(STDOUT_FILENO));
  if (failed) return fail("nothing was applied: every target must be planned before any is changed");
  std::vector<Planned*> changing;
  for (auto& p : planned)
    if (p.plan.hasChanges()) changing.push_back(&p);
  if (changing.empty()) return 0;
  if (!autoApprove) {
    if (!isatty(STDIN_FILENO))
      return fail("apply needs confirmation but there is no terminal; review the plan and re-run with --auto-approve");
    std::string what = std::to_string(changing.size()) + " targets (";
    for (size_t i = 0; i < changing.size(); ++i) what += (i ? ", " : "") + targetLabel(changing[i]->plan);
    if (!confirm(changing.size() == 1 ? targetLabel(changing[0]->plan) : what + ")")) {
      std::cout << "Apply cancelled.\n";
      return 1;
    }
  }
  std::vector<std::string> bad;
  for (Planned* p : changing)
    if (applyPlan(p->plan, *p->open.target, wf, "Apply report for " + targetLabel(p->plan) + ":") != 0)
      bad.push_back(targetLabel(p->plan));
  std::cout << "\nApplied to " << changing.size() - bad.size() << " of " << changing.size() << " target(s) with changes";
  for (size_t i = 0; i < bad.size(); ++i) std::cout << (i ? ", " : "; failed: ") << bad[i];
  std::cout << ".\n";
  return bad.empty() ? 0 : 1;
}

}  // namespace

Runner setupPlan(CLI::App& sub) {
  sub.footer(
      "Examples:\n"
      "  monitorc plan --target prod                       what apply would change\n"
      "  monitorc plan --all-targets --format markdown     one pull-request comment for every target\n"
      "  monitorc plan --target prod --out plan.json       save it; apply exactly this with: monitorc apply plan.json\n"
      "  monitorc plan --format markdown --pictures pics   and before/after SVGs of each changed dashboard\n"
      "Exit status: 0 planned (no changes, or changes without --detailed-exitcode); 2 changes, with\n"
      "--detailed-exitcode; 1 an error (the source, a target's settings, the service).\n");
  struct Opts {
    FrontEndOptions fe;
    RemoteFlags rf;
    std::string out, format = "text", pictures;
    bool detailed = false;
    size_t maxBytes = 60000;
  };
  auto o = std::make_shared<Opts>();
  o->fe.add(sub);
  o->rf.add(sub, "plan against");
  sub.add_option("--pictures", o->pictures,
                 "Write before/after SVG pictures of each changed dashboard to this directory (TARGET--KEY.before.svg, .after.svg)");
  sub.add_option("--out", o->out, "Save the plan (with fingerprints of what it read) for 'monitorc apply FILE'");
  sub.add_option("--format", o->format, "text, markdown or json")->check(CLI::IsMember({"text", "markdown", "json"}));
  sub.add_flag("--detailed-exitcode", o->detailed, "Exit 2 when there are changes (0 none, 1 error)");
  sub.add_option("--parallel", o->rf.readParallel, "Requests at a time while reading the target (default 16)")
      ->check(CLI::Range(1, 64));
  sub.add_option("--max-bytes", o->maxBytes,
                 "markdown: at most this many bytes (default 60000, under GitHub's 65,536-character comments; 0: no limit)");
  return [o]() {
    if (o->rf.several()) return planSeveral(o->fe, o->rf, o->format, o->maxBytes, o->out, o->pictures, o->detailed);
    if (!o->rf.targets.empty()) o->rf.target = o->rf.targets[0];
    // In the vector the renderers take, so that a plan of thousands of objects is not copied.
    std::vector<eng::Plan> plans(1);
    eng::Plan& plan = plans[0];
    OpenTarget open;
    if (int rc = makePlan(o->fe, o->rf, plan, open)) return rc;
    std::cout << renderPlans(plans, o->format, o->maxBytes, false, useColor(STDOUT_FILENO));
    if (!o->pictures.empty() && !savePictures(plans, o->pictures)) return 1;
    if (!o->out.empty()) {
      std::string err;
      if (!writeText(o->out, jsonText(eng::planToJson(plan), 2) + "\n", err)) return fail(err);
      std::cerr << "monitorc: plan saved to '" << o->out << "'; apply it with: monitorc apply " << o->out << "\n";
    }
    return o->detailed && plan.hasChanges() ? 2 : 0;
  };
}

Runner setupApply(CLI::App& sub) {
  sub.footer(
      "Examples:\n"
      "  monitorc apply --target prod                 plan, show, ask, then apply\n"
      "  monitorc apply --target prod --auto-approve  in CI, without asking\n"
      "  monitorc apply plan.json                     exactly a saved plan, refused if the service changed since\n"
      "  monitorc apply --all-targets --auto-approve  every declared target: plans all, then applies each\n"
      "Exit status: 0 applied (or nothing to do); 1 an error, a refusal (stale plan, no terminal\n"
      "without --auto-approve, answered no) or a write that failed (the report lists each). Over\n"
      "several targets: 1 when any target could not be planned (then nothing is applied) or any\n"
      "target's writes failed (the others are still applied).\n");
  struct Opts {
    FrontEndOptions fe;
    RemoteFlags rf;
    bool autoApprove = false;
    WriteFlags wf;
  };
  auto o = std::make_shared<Opts>();
  o->fe.add(sub);
  o->rf.add(sub, "apply to");
  sub.add_flag("--auto-approve", o->autoApprove, "Apply without asking (needed without a terminal)");
  CLI::Option* parallelOpt =
      sub.add_option("--parallel", o->wf.parallel, "Requests at a time (default: 4 writes, 16 reads)")->check(CLI::Range(1, 64));
  sub.add_option("--batch", o->wf.batch,
                 "Changes per write request where the target takes several in one (default: the target's; 1: one at a time)")
      ->check(CLI::Range(1, 1000));
  return [o, parallelOpt]() {
    // Given, --parallel bounds the reads too; by default reads (idempotent GETs) go 16 at a time.
    if (parallelOpt->count() > 0) o->rf.readParallel = o->wf.parallel;
    eng::Plan plan;
    OpenTarget open;
    const bool savedPlan = !o->fe.paths.empty() && looksLikePlanFile(o->fe.paths[0]);
    if (savedPlan && o->rf.several())
      return fail("a saved plan is one target's: apply each with 'monitorc apply FILE', or give --target/--all-targets without a plan file");
    if (o->rf.several()) return applySeveral(o->fe, o->rf, o->autoApprove, o->wf);
    if (!o->rf.targets.empty()) o->rf.target = o->rf.targets[0];
    if (savedPlan) {
      const std::string file = o->fe.paths[0];
      std::string text, err;
      if (!readRegularFile(file, text, err)) return fail("cannot read '" + file + "': " + err);
      eng::Json j;
      if (JsonInputError e; !readJsonInput(text, j, e)) return fail("'" + file + "':" + e.where());
      if (j.is_array())
        return fail("'" + file + "' holds the plans of several targets; apply takes one target's saved plan "
                    "('plan --target NAME --out FILE'), or plans and applies them all: apply --all-targets");
      if (!eng::planFromJson(j, plan, err)) return fail("'" + file + "': " + err);
      // Where the plan writes and which variable holds the key come from the source, not the file.
      if (int rc = confirmPlanTarget(o->fe, file, plan, open)) return rc;
      if (!o->rf.target.empty() && o->rf.target != plan.targetName)
        return fail("'" + file + "' is a plan for target '" + plan.targetName + "', not '" + o->rf.target + "'");
      if (o->rf.prune != plan.prune && o->rf.prune)
        return fail("--prune must be given to 'plan --out', not to 'apply FILE'");
      if (int rc = openChosen(o->fe, o->rf, open)) return rc;
      // Every operation, id and fingerprint in the file must be one this target's plans make.
      if (std::string why = open.target->checkSaved(plan); !why.empty()) return fail(why);
      std::vector<std::string> stale;
      if (!open.target->stale(plan, stale, err)) return fail(err);
      if (!stale.empty()) {
        std::cerr << "monitorc: error: the saved plan '" << file << "' is stale: the target changed since it was made:\n";
        for (const auto& s : stale) std::cerr << "  " << terminalSafe(s) << "\n";
        std::cerr << "Run 'monitorc plan --out " << file << "' again.\n";
        return 1;
      }
      std::cout << eng::renderText(plan, useColor(STDOUT_FILENO));
      if (!plan.hasChanges()) return 0;
      return applyPlan(plan, *open.target, o->wf);
    }
    if (o->fe.paths.empty()) return fail("apply needs .mon sources or a saved plan file");
    if (int rc = makePlan(o->fe, o->rf, plan, open)) return rc;
    std::cout << eng::renderText(plan, useColor(STDOUT_FILENO));
    if (!plan.hasChanges()) return 0;
    if (!o->autoApprove) {
      if (!isatty(STDIN_FILENO))
        return fail("apply needs confirmation but there is no terminal; review the plan and re-run with --auto-approve");
      if (!confirm(targetLabel(plan))) {
        std::cout << "Apply cancelled.\n";
        return 1;
      }
    }
    return applyPlan(plan, *open.target, o->wf);
  };
}

// Writes one pull's files into DIR (OUT/TARGET): first into a fresh sibling directory, which
// then takes DIR's place, so a reader sees the old set or the new one and objects deleted on the
// service since the last pull do not linger. An existing DIR is replaced only inside a directory
// pull wrote (its marker is there): anything else is the user's and is left alone.
static int writeObjectDir(const std::string& out, const std::string& dir, const std::vector<PulledFile>& files) {
  namespace fs = std::filesystem;
  std::error_code ec;
  // symlink_status: a link planted at DIR counts as DIR and is never followed.
  if (fs::exists(fs::symlink_status(dir, ec)) && !fs::exists(fs::path(out) / kPulledMarker, ec))
    return fail("'" + dir + "' exists and `monitorc pull` did not write it; choose another --out");
  std::string staging = dir + ".pulling-" + std::to_string(getpid());
  fs::remove_all(staging, ec);
  std::string err;
  for (const auto& f : files) {
    fs::path path = fs::path(staging) / f.path;
    fs::create_directories(path.parent_path(), ec);
    if (ec) err = "cannot create '" + path.parent_path().string() + "': " + ec.message();
    if (ec || !writeText(path.string(), f.text, err)) {
      fs::remove_all(staging, ec);
      return fail(err);
    }
  }
  fs::create_directories(staging, ec);  // no objects: an empty directory, not the old one
  std::string old = dir + ".old-" + std::to_string(getpid());
  std::error_code probe;
  bool hadOld = fs::exists(fs::symlink_status(dir, probe));
  ec.clear();
  if (hadOld) fs::rename(dir, old, ec);
  if (!ec) fs::rename(staging, dir, ec);
  if (ec) {
    std::string why = ec.message();
    std::error_code ignored;
    if (hadOld && !fs::exists(fs::symlink_status(dir, ignored))) fs::rename(old, dir, ignored);  // put it back
    fs::remove_all(staging, ignored);
    return fail("cannot write '" + dir + "': " + why);
  }
  fs::remove_all(old, ec);
  return 0;
}

Runner setupPull(CLI::App& sub) {
  sub.footer(
      "Examples:\n"
      "  monitorc pull --target prod -o adopted/       source for what the service has now\n"
      "  monitorc pull --target prod --owned-only      only what monitorc manages there\n"
      "  monitorc pull --target prod --single-file     all objects in one file, pulled/prod.mon\n"
      "Writes OUT/TARGET.target.mon and one file per object in OUT/TARGET/ (monitors/NAME.mon,\n"
      "dashboards/NAME.mon; numbered NNN-KIND-NAME.mon where rules run in order, as on Prometheus\n"
      "and Grafana); a second pull of the same target replaces OUT/TARGET/.\n"
      "Exit status: 0 written; 1 an error (nothing is half-written). A check of the project does not\n"
      "read the pulled directory (.monitorc-pulled) until its files are moved into the source.\n");
  struct Opts {
    FrontEndOptions fe;
    RemoteFlags rf;
    std::string out = "pulled";
    bool ownedOnly = false;
    bool singleFile = false;
  };
  auto o = std::make_shared<Opts>();
  o->fe.add(sub);
  sub.add_option("--target", o->rf.target, "Name of the target to read (default: the only one that holds monitors)");
  o->rf.addHttp(sub);
  sub.add_option("-o,--out", o->out, "Directory to write the source to (default: pulled)");
  sub.add_flag("--owned-only", o->ownedOnly, "Only objects monitorc manages (each system's ownership mark: docs/ownership.md)");
  sub.add_flag("--single-file", o->singleFile, "All objects in one file, OUT/TARGET.mon, instead of one file per object");
  return [o]() {
    OpenTarget open;
    if (int rc = compileAndChoose(o->fe, o->rf.target, open)) return rc;
    if (int rc = openChosen(o->fe, o->rf, open)) return rc;
    std::vector<std::string> warnings;
    eng::PulledSource pulled;
    std::string err;
    if (!open.target->pull(o->ownedOnly, pulled, warnings, err)) return fail(err);
    // In `monitorc fmt`'s layout, so what pull writes passes `fmt --check` as written.
    const std::string source = formatGenerated(pulled.objects);
    const std::string targetText = formatGenerated(pulled.target);
    const ir::Target& spec = *open.declared;
    for (const auto& w : warnings) std::cerr << "monitorc: warning: " << terminalSafe(w) << "\n";
    std::vector<PulledFile> files;
    const bool split = !o->singleFile && splitPerObject(source, pulled.ordered, files);
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(o->out, ec);
    // The target's name is free text ("../x", "/etc/x"): the files are named by its file-safe form.
    // Both names derive from it, so no name makes them one file (a fixed "target.mon" was the
    // objects file of a target named "target").
    std::string base = targets::fileSafe(spec.name);
    std::string target = (fs::path(o->out) / (base + ".target.mon")).string();
    std::string objects = (fs::path(o->out) / (base + (split ? "" : ".mon"))).string();
    if (split) {
      if (int rc = writeObjectDir(o->out, objects, files)) return rc;
    } else if (!writeText(objects, source, err)) {
      return fail(err);
    }
    // The other form from an earlier pull would hold every object a second time.
    if (fs::exists(fs::path(o->out) / kPulledMarker, ec)) fs::remove_all(split ? objects + ".mon" : objects.substr(0, objects.size() - 4), ec);
    if (!writeText(target, targetText, err)) return fail(err);
    // A check or build of the directory the source is in must not read these as source too.
    std::string marker = (fs::path(o->out) / kPulledMarker).string();
    if (!writeText(marker, "Written by `monitorc pull`: a check or build of a directory around this one does not read it.\n"
                           "Move what you adopt into the source, then delete this directory.\n", err))
      return fail(err);
    if (split)
      std::cerr << "monitorc: wrote " << files.size() << " file" << (files.size() == 1 ? "" : "s") << " in '" << objects
                << "/' and '" << target << "'\n";
    else
      std::cerr << "monitorc: wrote '" << objects << "' and '" << target << "'\n";
    return 0;
  };
}

}  // namespace mon::cli
