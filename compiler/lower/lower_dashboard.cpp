// Lowering of `dashboard "title" { ... }`: fields, rows, widgets and their data sources,
// then the grid layout.
#include <regex>

#include "check/schema.h"
#include "lower/fields.h"
#include "lower/layout.h"
#include "lower/lower_parts.h"
#include "support/text.h"

namespace mon {

namespace {

const std::pair<const char*, ir::WidgetKind> kWidgetKinds[] = {
    {"graph", ir::WidgetKind::Graph},
    {"value", ir::WidgetKind::Value},
    {"markdown", ir::WidgetKind::Markdown},
    {"alert_status", ir::WidgetKind::AlertStatus},
};

bool validUrlPath(const std::string& p) {
  static const std::regex re("^([A-Za-z0-9_][-A-Za-z0-9_]*)(/[A-Za-z0-9_][-A-Za-z0-9_]*)*$");
  return std::regex_match(p, re);
}

// Graph and value widgets read exactly one data source; the other fields must fit it.
bool checkSource(const Object& obj, const schema::Kind& kind, ir::Widget& w, DiagEngine& diags) {
  bool graph = w.kind == ir::WidgetKind::Graph;
  std::vector<std::string> sources = graph ? std::vector<std::string>{"host_id", "role", "service", "expression", "query"}
                                           : std::vector<std::string>{"host_id", "service", "expression", "query"};
  std::vector<const ir::Prop*> set;
  for (const auto& s : sources)
    if (const ir::Prop* p = w.props.find(s)) set.push_back(p);
  if (set.size() != 1) {
    bool anyWrong = false;
    for (const auto& s : sources) anyWrong |= obj.field(s) && !w.props.has(s);
    if (anyWrong) return false;
    diags.report(set.size() > 1 ? set[1]->range : nameRangeOf(obj), diag::err_one_source, {kind.what, quotedList(sources)});
    return false;
  }
  const std::string source(set[0]->name);
  bool needsMetric = source == "host_id" || source == "role" || source == "service";
  if (needsMetric && !w.props.has("metric") && !obj.field("metric")) {
    diags.report(set[0]->range, diag::err_missing_field, {std::string("a ") + source + " source", "metric"});
    return false;
  }
  struct Rule { const char* field; bool allowed; };
  Rule rules[] = {{"metric", needsMetric}, {"legend", source == "query"}, {"stacked", source == "role"},
                  {"legend_list", source == "host_id" || source == "service"},
                  {"host_group", source == "query"}, {"host", source == "query"}, {"item_tag", source == "query"},
                  {"functions", source == "query"}};
  for (const auto& r : rules)
    if (const ir::Prop* p = w.props.find(r.field); p && !r.allowed) {
      diags.report(p->range, diag::err_source_field_mismatch, {r.field, source == "host_id" ? "host" : source});
      return false;
    }
  return true;
}

std::optional<ir::Widget> lowerWidget(const Object& obj, const schema::Kind& kind, ir::WidgetKind wk, DiagEngine& diags) {
  ir::Widget w;
  w.kind = wk;
  w.range = obj.range;
  bool ok = true;
  if (!obj.labels.empty()) {
    if (obj.labels[0].kind == ValueKind::String) w.title = obj.labels[0].str;
    else {
      diags.report(obj.labels[0].range, diag::err_missing_label, {kind.what, "its title as a quoted string"});
      ok = false;
    }
  }
  if (obj.labels.size() > 1) {
    diags.report(obj.labels[1].range, diag::err_extra_label, {std::string("a ") + kind.what});
    ok = false;
  }
  ok = checkFieldsOnly(obj, "a widget", diags) && ok;
  ok = lowerFields(obj, kind, w.props, diags) && ok;
  ok = checkRequired(obj, kind, w.props, diags) && ok;
  if (ok && (wk == ir::WidgetKind::Graph || wk == ir::WidgetKind::Value)) ok = checkSource(obj, kind, w, diags);
  if (const ir::Prop* raw = w.props.find("raw")) w.raw = raw->value;
  if (!ok) return std::nullopt;
  return w;
}

const schema::Kind* widgetKind(const std::string& type, ir::WidgetKind& wk) {
  for (const auto& [name, k] : kWidgetKinds)
    if (type == name) {
      wk = k;
      return schema::findKind(schema::widgetKinds(), name);
    }
  return nullptr;
}

void unknownChild(const Object& child, bool inRow, DiagEngine& diags) {
  std::vector<std::string> names = schema::kindNames(schema::widgetKinds());
  if (!inRow) names.push_back("row");
  auto b = diags.report(child.typeRange, diag::err_unknown_block, {child.type});
  std::string close = closestMatch(child.type, names);
  if (!close.empty()) b.note(Range{}, "did you mean '" + close + "'?").fix(child.typeRange, close);
  else b.note(Range{}, std::string(inRow ? "a row holds " : "a dashboard holds rows and ") + "widgets: " +
                         quotedList(schema::kindNames(schema::widgetKinds())));
}

}  // namespace

std::optional<ir::Dashboard> lowerDashboard(const Object& obj, DiagEngine& diags) {
  ir::Dashboard d;
  d.range = obj.range;
  for (const Note& n : obj.loopSteps) d.loopSteps.push_back(ir::LoopStep{n.range, n.message});
  d.madeBy = ir::MadeBy{obj.useSites, obj.useTemplates};
  bool ok = true;
  if (obj.labels.size() != 1 || obj.labels[0].kind != ValueKind::String) {
    diags.report(obj.labels.empty() ? obj.typeRange : obj.labels[0].range, diag::err_missing_label,
                 {"dashboard", "one quoted title, e.g. dashboard \"Web overview\""});
    ok = false;
  } else {
    d.title = obj.labels[0].str;
    if (d.title.empty()) {
      diags.report(obj.labels[0].range, diag::err_empty_name, {"dashboard"});
      ok = false;
    }
  }
  ir::Props props;
  ok = lowerFields(obj, schema::dashboardKind(), props, diags) && ok;
  ok = checkRequired(obj, schema::dashboardKind(), props, diags) && ok;
  d.urlPath = props.str("url_path");
  d.memo = props.str("memo");
  if (const ir::Prop* raw = props.find("raw")) d.raw = raw->value;
  if (const ir::Prop* t = props.find("targets")) {
    for (const auto& x : t->value) d.targets.push_back(x.get<std::string>());
    d.targetRanges = targetRangesOf(obj, *t);
  }
  if (const ir::Prop* p = props.find("url_path"); p && !validUrlPath(d.urlPath)) {
    diags.report(p->range, diag::err_bad_url_path, {d.urlPath});
    ok = false;
  }

  // Rows first, as widgets: pointers into d.widgets are taken once it stops growing.
  struct PendingRow {
    std::vector<size_t> widgets;
    int height = 0;
  };
  std::vector<PendingRow> pending;
  for (const Object& child : obj.children) {
    ir::WidgetKind wk;
    if (child.type == "row") {
      PendingRow row;
      if (!child.labels.empty()) {
        diags.report(child.labels[0].range, diag::err_extra_label, {"a row"});
        ok = false;
      }
      ir::Props rowProps;
      ok = lowerFields(child, schema::rowKind(), rowProps, diags) && ok;
      if (const ir::Prop* h = rowProps.find("height")) row.height = h->value.get<int>();
      for (const Object& w : child.children) {
        const schema::Kind* kind = widgetKind(w.type, wk);
        if (!kind) {
          unknownChild(w, true, diags);
          ok = false;
          continue;
        }
        auto lowered = lowerWidget(w, *kind, wk, diags);
        if (!lowered) {
          ok = false;
          continue;
        }
        row.widgets.push_back(d.widgets.size());
        d.widgets.push_back(std::move(*lowered));
      }
      pending.push_back(std::move(row));
    } else if (const schema::Kind* kind = widgetKind(child.type, wk)) {
      auto lowered = lowerWidget(child, *kind, wk, diags);
      if (!lowered) {
        ok = false;
        continue;
      }
      pending.push_back(PendingRow{{d.widgets.size()}, 0});
      d.widgets.push_back(std::move(*lowered));
    } else {
      unknownChild(child, false, diags);
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  std::vector<LayoutRow> rows;
  for (const auto& p : pending) {
    LayoutRow r;
    r.height = p.height;
    for (size_t i : p.widgets) r.widgets.push_back(&d.widgets[i]);
    rows.push_back(std::move(r));
  }
  if (!layoutDashboard(rows, diags)) return std::nullopt;
  return d;
}

}  // namespace mon
