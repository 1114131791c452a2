#include "plan_pictures.h"

#include <filesystem>
#include <set>

#include "backend.h"
#include "plan_sides.h"
#include "preview/board.h"
#include "preview/svg.h"
#include "support/files.h"

namespace mon::cli {

namespace {

namespace eng = mon::engine;
namespace fs = std::filesystem;

bool drawn(eng::Action a) { return a == eng::Action::Create || a == eng::Action::Update || a == eng::Action::Adopt; }

struct Writer {
  std::string dir;
  std::vector<std::string>& written;
  std::set<std::string> used;

  // Keys are unique in a plan, their file forms need not be ("a/b" and "a-b").
  std::string reserve(const std::string& stem) {
    std::string name = stem;
    for (int n = 2; !used.insert(name).second; ++n) name = stem + "-" + std::to_string(n);
    return name;
  }

  bool write(const std::string& name, const char* side, const preview::Board& b, std::string& err) {
    std::string path = (fs::path(dir) / (name + side)).string();
    if (!writeFileAtomic(path, preview::renderSvg(b), err)) return false;
    written.push_back(path);
    return true;
  }
};

}  // namespace

bool writePlanPictures(const std::vector<eng::Plan>& plans, const std::string& dir, std::vector<std::string>& written,
                       std::string& err) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return (err = "cannot create '" + dir + "': " + ec.message(), false);
  Writer w{dir, written, {}};
  for (const auto& plan : plans) {
    const Backend* backend = backendOfTarget(plan.targetKind);
    if (!backend || !backend->dashboardPicture) continue;  // a system without dashboards
    for (const auto& c : plan.changes) {
      if (c.kind != eng::ObjKind::Dashboard || !drawn(c.action)) continue;
      preview::Board after, before;
      if (!backend->dashboardPicture(c.body, after)) continue;  // not a dashboard (a Grafana folder)
      std::string stem = w.reserve(preview::fileStem(plan.targetName) + "--" + preview::fileStem(c.key));
      if (c.action != eng::Action::Create) {
        eng::Json old;
        // A body whose fields do not fit it (a hand-edited saved plan) gets no before picture.
        if (eng::bodyBefore(c, old) && backend->dashboardPicture(old, before) &&
            !w.write(stem, ".before.svg", before, err))
          return false;
      }
      if (!w.write(stem, ".after.svg", after, err)) return false;
    }
  }
  return true;
}

}  // namespace mon::cli
