// `monitorc show FILE`: a plan saved as JSON (`plan --out`, or `plan --format json` of one or
// several targets) rendered again without reading any target. CI plans once to JSON, keeps
// that as the artifact, and renders the comment and the whole markdown from it.
#include <unistd.h>

#include <iostream>

#include "commands.h"
#include "plan_output.h"
#include "plan_pictures.h"
#include "render.h"
#include "support/files.h"
#include "support/json_input.h"
#include "support/terminal.h"

namespace mon::cli {

namespace {

namespace eng = mon::engine;

int fail(const std::string& msg) {
  std::cerr << "monitorc: error: " << terminalSafe(msg) << "\n";
  return 1;
}

// One plan document, or an array of them (several targets). False with `err`.
bool readPlans(const eng::Json& j, std::vector<eng::Plan>& out, std::string& err) {
  if (!j.is_array()) {
    out.emplace_back();
    return eng::planFromJson(j, out.back(), err);
  }
  for (size_t i = 0; i < j.size(); ++i) {
    out.emplace_back();
    if (!eng::planFromJson(j[i], out.back(), err)) return (err = "plan " + std::to_string(i + 1) + ": " + err, false);
  }
  return true;
}

}  // namespace

Runner setupShow(CLI::App& sub) {
  sub.footer(
      "Examples:\n"
      "  monitorc plan --all-targets --format json > plan.json\n"
      "  monitorc show plan.json --format markdown            the comment, from the plan made above\n"
      "  monitorc show plan.json --format markdown --max-bytes 0   the whole plan, for an artifact\n"
      "  monitorc show plan.json --pictures pics              before/after SVGs of each changed dashboard\n"
      "Exit status: 0 shown; 1 the file cannot be read or is not a plan.\n");
  struct Opts {
    std::string file, format = "text", pictures;
    size_t maxBytes = 60000;
  };
  auto o = std::make_shared<Opts>();
  sub.add_option("file", o->file, "A plan as JSON: 'plan --out FILE', or 'plan --format json' of one or several targets")
      ->required();
  sub.add_option("--format", o->format, "text, markdown or json")->check(CLI::IsMember({"text", "markdown", "json"}));
  sub.add_option("--max-bytes", o->maxBytes,
                 "markdown: at most this many bytes (default 60000, under GitHub's 65,536-character comments; 0: no limit)");
  sub.add_option("--pictures", o->pictures,
                 "Write before/after SVG pictures of each changed dashboard to this directory (TARGET--KEY.before.svg, .after.svg)");
  return [o]() {
    std::string text, err;
    if (!readRegularFile(o->file, text, err)) return fail("cannot read '" + o->file + "': " + err);
    eng::Json j;
    if (JsonInputError e; !readJsonInput(text, j, e)) return fail("'" + o->file + "':" + e.where());
    std::vector<eng::Plan> plans;
    if (!readPlans(j, plans, err)) return fail("'" + o->file + "': " + err);
    std::cout << renderPlans(plans, o->format, o->maxBytes, j.is_array(), useColor(STDOUT_FILENO));
    if (o->pictures.empty()) return 0;
    std::vector<std::string> written;
    if (!writePlanPictures(plans, o->pictures, written, err)) return fail(err);
    std::cerr << "monitorc: " << written.size() << " dashboard picture(s) written to '" << terminalSafe(o->pictures) << "'\n";
    return 0;
  };
}

}  // namespace mon::cli
