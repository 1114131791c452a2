// MON012 and MON013: dashboards that show nothing, or the same thing twice. Overlapping widgets
// are already an error of `check` (err_widget_overlap), so lint has nothing to add there.
#include <map>

#include "lint/reporter.h"

namespace mon::lint {

namespace {

bool isLayout(std::string_view name) { return name == "width" || name == "height" || name == "x" || name == "y"; }

// What a widget shows: its kind and data fields, not its title or place.
std::string dataKey(const ir::Widget& w) {
  std::string key = std::string(ir::kindName(w.kind)) + "\n";
  for (const ir::Prop& p : w.props.list)
    if (!isLayout(p.name)) key += std::string(p.name) + "=" + p.value.dump() + "\n";
  return key + w.raw.dump();
}

void checkDashboard(const ir::Dashboard& d, Reporter& r) {
  if (d.widgets.empty()) {
    r.report("MON012", d, d.range, diag::lint_empty_dashboard, {d.title});
    return;
  }
  std::map<std::string, const ir::Widget*> seen;
  for (const ir::Widget& w : d.widgets) {
    if (w.kind == ir::WidgetKind::Markdown) {
      std::string text = w.props.str("text");
      if (text.find_first_not_of(" \t\r\n") == std::string::npos)
        r.report("MON012", w.range, w.range, diag::lint_empty_widget, {"markdown", w.title, "its 'text' is empty"});
      continue;
    }
    auto [it, fresh] = seen.emplace(dataKey(w), &w);
    if (fresh) continue;
    if (auto b = r.report("MON013", w.range, w.range, diag::lint_duplicate_widget,
                          {ir::kindName(w.kind), w.title, it->second->title}))
      b->note(it->second->range, "'" + it->second->title + "' is here");
  }
}

}  // namespace

void checkDashboards(const ir::Module& m, Reporter& r) {
  for (const ir::Dashboard& d : m.dashboards) checkDashboard(d, r);
}

}  // namespace mon::lint
