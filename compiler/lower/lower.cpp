#include "lower/lower.h"

#include <algorithm>
#include <unordered_map>

#include "ast/text.h"
#include "check/schema.h"
#include "lower/fields.h"
#include "lower/lower_parts.h"
#include "support/text.h"

namespace mon {

namespace {

// Names that must be unique across the whole program, with where each was first seen. They
// are kept to the end (a monitor streamed to its backend leaves only its name here), as views
// into blocks of their bytes: a string each took half again as much (0.7 MB for 10,000).
class UniqueNames {
 public:
  UniqueNames(diag::Kind kind, DiagEngine& diags) : kind_(kind), diags_(diags) {}
  bool add(const std::string& key, Range at) {
    if (auto it = seen_.find(key); it != seen_.end()) {
      diags_.report(at, kind_, {key}).note(it->second, "first defined here");
      return false;
    }
    seen_.emplace(bytes_.copy(key).view(), at);
    return true;
  }

 private:
  diag::Kind kind_;
  DiagEngine& diags_;
  ast::TextStore bytes_;
  std::unordered_map<std::string_view, Range> seen_;
};

// Two recording rules with the same name, labels and expression are one rule written twice; that
// is an error when some target takes both (no `targets`, or a name in common). The same name
// with other labels, or with the same labels from another expression, is fine: Prometheus
// allows both, and rule sets assemble one metric from several expressions that way.
class UniqueRecords {
 public:
  explicit UniqueRecords(DiagEngine& diags) : diags_(diags) {}
  bool add(const ir::Rule& r) {
    if (r.isAlert()) return true;  // Prometheus takes the same alert twice; only a recording rule writes series
    std::string key = r.name + '\0' + r.expr;
    for (const auto& [k, v] : r.labels) key += '\0' + k + '\0' + v;
    auto& same = seen_[key];
    for (const auto& [targets, at] : same)
      if (overlap(targets, r.targets)) {
        diags_.report(r.nameRange, diag::err_duplicate_record, {r.name})
            .note(at, "first defined here")
            .note(Range{}, "the same name may repeat with different labels or expressions, or with 'targets' naming different targets");
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

struct Lowerer::Seen {
  explicit Seen(DiagEngine& diags)
      : monitors(diag::err_duplicate_monitor, diags),
        paths(diag::err_duplicate_url_path, diags),
        targets(diag::err_duplicate_target, diags),
        tests(diag::err_duplicate_test, diags),
        routing(diag::err_duplicate_routing_name, diags),
        records(diags) {}
  UniqueNames monitors, paths, targets, tests;
  // Channels, routes, maintenance windows and route tests: one name space each, keyed "kind\0name".
  struct Routing {
    Routing(diag::Kind kind, DiagEngine& diags) : kind_(kind), diags_(diags) {}
    bool add(const char* what, const std::string& name, Range at) {
      auto [it, fresh] = seen_.emplace(std::string(what) + '\0' + name, at);
      if (!fresh) diags_.report(at, kind_, {what, name}).note(it->second, "first defined here");
      return fresh;
    }
    diag::Kind kind_;
    DiagEngine& diags_;
    std::unordered_map<std::string, Range> seen_;
  } routing;
  // Channels reported and left out: routes naming them are not told the channel is unknown.
  std::vector<std::string> failedChannels;
  UniqueRecords records;
};

Lowerer::Lowerer(DiagEngine& diags) : diags_(diags), seen_(std::make_unique<Seen>(diags)) {}
Lowerer::~Lowerer() = default;

void Lowerer::add(Object obj) {
  size_t mark = diags_.all().size();
  if (obj.type == "monitor") {
    if (auto mon = lowerMonitor(obj, diags_); mon && seen_->monitors.add(mon->name, mon->nameRange)) {
      module_.monitors.push_back(std::move(*mon));
      if (streaming_.take) handOverMonitors();
    }
  } else if (obj.type == "dashboard") {
    if (auto d = lowerDashboard(obj, diags_); d && seen_->paths.add(d->urlPath, d->range))
      module_.dashboards.push_back(std::move(*d));
  } else if (obj.type == "record" || obj.type == "alert") {
    if (auto r = lowerRule(obj, diags_); r && seen_->records.add(*r)) module_.rules.push_back(std::move(*r));
  } else if (obj.type == "target") {
    if (auto t = lowerTarget(obj, diags_); t && seen_->targets.add(t->name, t->range))
      module_.targets.push_back(std::move(*t));
  } else if (obj.type == "channel") {
    if (auto c = lowerChannel(obj, diags_); c && seen_->routing.add("channel", c->name, c->nameRange))
      module_.channels.push_back(std::move(*c));
    else if (obj.labels.size() > 1 && obj.labels[1].kind == ValueKind::String)
      seen_->failedChannels.push_back(obj.labels[1].str);
  } else if (obj.type == "route") {
    if (auto r = lowerRoute(obj, diags_); r && seen_->routing.add("route", r->name, r->nameRange))
      module_.routes.push_back(std::move(*r));
  } else if (obj.type == "maintenance") {
    if (auto w = lowerMaintenance(obj, diags_); w && seen_->routing.add("maintenance window", w->name, w->nameRange))
      module_.maintenances.push_back(std::move(*w));
  } else if (obj.type == "route_test") {
    if (auto t = lowerRouteTest(obj, diags_); t && seen_->routing.add("route test", t->name, t->nameRange))
      module_.routeTests.push_back(std::move(*t));
  } else if (obj.type == "test") {
    if (auto t = lowerTest(obj, diags_); t && seen_->tests.add(t->name, t->nameRange))
      module_.tests.push_back(std::move(*t));
  } else if (obj.type == "defaults") {
    checkDefaults(obj, diags_);  // applied by the expand pass; nothing of it reaches the IR
  } else {
    auto b = diags_.report(obj.typeRange, diag::err_unknown_block, {obj.type});
    std::string close = closestMatch(obj.type, schema::topLevelBlocks());
    if (!close.empty()) b.note(Range{}, "did you mean '" + close + "'?").fix(obj.typeRange, close);
    else b.note(Range{}, "top-level blocks: " + quotedList(schema::topLevelBlocks()));
  }
  noteUseSites(obj, mark, diags_);
}

namespace {

// Whether anything that the checks across the program judge monitors against is declared.
bool routingOrTests(const ir::Module& m, const std::vector<std::string>& failedChannels) {
  return !m.channels.empty() || !m.routes.empty() || !m.maintenances.empty() || !m.routeTests.empty() ||
         !m.tests.empty() || !failedChannels.empty();
}

}  // namespace

// What the checks across the program need of a monitor handed over is that nothing declared
// routes, windows, channels or tests (checkRouting, checkTestNames), and that the targets it
// names are declared (prometheus' unknown-target check); finish() judges that once the whole
// source is read. A hand-over starts only while none of them is declared yet.
void Lowerer::handOverMonitors() {
  if (streamed_ == 0) {
    if (module_.monitors.size() < kStreamAfter || routingOrTests(module_, seen_->failedChannels) ||
        !streaming_.mayStart(module_))
      return;
  }
  for (const ir::Monitor& mon : module_.monitors) {
    streamedChannels_ = streamedChannels_ || !mon.channels.empty();
    streamedTargetNames_.insert(mon.targets.begin(), mon.targets.end());
    streaming_.take(mon, module_);
  }
  streamed_ += module_.monitors.size();
  module_.monitors.clear();
}

ir::Module Lowerer::finish() {
  if (streamed_ > 0) {
    streamHeld_ = !streamedChannels_ && !routingOrTests(module_, seen_->failedChannels);
    for (const auto& name : streamedTargetNames_)
      streamHeld_ = streamHeld_ && std::any_of(module_.targets.begin(), module_.targets.end(),
                                               [&](const ir::Target& t) { return t.name == name; });
  }
  checkRouting(module_, seen_->failedChannels, diags_);
  checkTestNames(module_, diags_);
  // The lists grew by doubling as objects came: up to half of each is room the backends, which
  // run next and hold their output alongside, never use (2 MB of 5 for 10,000 monitors).
  module_.monitors.shrink_to_fit();
  module_.dashboards.shrink_to_fit();
  return std::move(module_);
}

ir::Module lower(std::vector<Object> objects, DiagEngine& diags) {
  Lowerer lowerer(diags);
  for (Object& slot : objects) lowerer.add(std::move(slot));  // freed once lowered
  return lowerer.finish();
}

}  // namespace mon
