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

// Two recording rules with the same name and labels would write the same series; that is an
// error when some target takes both (no `targets`, or a name in common). The same name with
// other labels is fine: that is how one metric is assembled from several expressions.
class UniqueRecords {
 public:
  explicit UniqueRecords(DiagEngine& diags) : diags_(diags) {}
  bool add(const ir::Record& r) {
    std::string key = r.name;
    for (const auto& [k, v] : r.labels) key += '\0' + k + '\0' + v;
    auto& same = seen_[key];
    for (const auto& [targets, at] : same)
      if (overlap(targets, r.targets)) {
        diags_.report(r.nameRange, diag::err_duplicate_record, {r.name})
            .note(at, "first defined here")
            .note(Range{}, "the same name may repeat with different labels, or with 'targets' naming different targets");
        return false;
      }
    same.emplace_back(r.targets, r.nameRange);
    return true;
  }

 private:
  static bool overlap(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    if (a.empty() || b.empty()) return true;
    for (const auto& x : a)
      for (const auto& y : b)
        if (x == y) return true;
    return false;
  }
  DiagEngine& diags_;
  std::unordered_map<std::string, std::vector<std::pair<std::vector<std::string>, Range>>> seen_;
};

}  // namespace

ir::Module lower(std::vector<Object> objects, DiagEngine& diags) {
  ir::Module m;
  UniqueNames monitors(diag::err_duplicate_monitor, diags);
  UniqueNames paths(diag::err_duplicate_url_path, diags);
  UniqueNames targets(diag::err_duplicate_target, diags);
  UniqueRecords records(diags);
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
    } else if (obj.type == "record") {
      if (auto r = lowerRecord(obj, diags); r && records.add(*r)) m.records.push_back(std::move(*r));
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
