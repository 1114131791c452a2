#include "lower/lower.h"

#include <unordered_map>

#include "check/schema.h"
#include "lower/fields.h"
#include "lower/lower_parts.h"
#include "support/text.h"

namespace mon {

namespace {

// Names that must be unique across the whole program, with where each was first seen.
class UniqueNames {
 public:
  UniqueNames(diag::Kind kind, DiagEngine& diags) : kind_(kind), diags_(diags) {}
  bool add(const std::string& key, Range at) {
    auto [it, fresh] = seen_.emplace(key, at);
    if (!fresh) diags_.report(at, kind_, {key}).note(it->second, "first defined here");
    return fresh;
  }

 private:
  diag::Kind kind_;
  DiagEngine& diags_;
  std::unordered_map<std::string, Range> seen_;
};

}  // namespace

ir::Module lower(std::vector<Object> objects, DiagEngine& diags) {
  ir::Module m;
  UniqueNames monitors(diag::err_duplicate_monitor, diags);
  UniqueNames paths(diag::err_duplicate_url_path, diags);
  UniqueNames targets(diag::err_duplicate_target, diags);
  for (Object& slot : objects) {
    const Object obj = std::move(slot);  // freed at the end of this iteration
    size_t mark = diags.all().size();
    if (obj.type == "monitor") {
      if (auto mon = lowerMonitor(obj, diags); mon && monitors.add(mon->name, mon->nameRange))
        m.monitors.push_back(std::move(*mon));
    } else if (obj.type == "dashboard") {
      if (auto d = lowerDashboard(obj, diags)) {
        const ir::Prop* unused = nullptr;
        (void)unused;
        if (paths.add(d->urlPath, d->range)) m.dashboards.push_back(std::move(*d));
      }
    } else if (obj.type == "target") {
      if (auto t = lowerTarget(obj, diags); t && targets.add(t->name, t->range)) m.targets.push_back(std::move(*t));
    } else {
      auto b = diags.report(obj.typeRange, diag::err_unknown_block, {obj.type});
      std::string close = closestMatch(obj.type, schema::topLevelBlocks());
      if (!close.empty()) b.note(Range{}, "did you mean '" + close + "'?").fix(obj.typeRange, close);
      else b.note(Range{}, "top-level blocks: " + quotedList(schema::topLevelBlocks()));
    }
    noteUseSites(obj, mark, diags);
  }
  return m;
}

}  // namespace mon
