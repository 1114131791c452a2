// Lowering of `test "name" { interval target_systems input "series" { values labels }
// expect "monitor" { at severity labels annotations message } }`. The series notation is read here, so a
// malformed one is reported under the token at fault; which monitors exist is known only once
// every object is lowered (Lowerer::finish calls checkTestNames).
#include <algorithm>

#include "check/schema.h"
#include "lower/fields.h"
#include "lower/lower_parts.h"
#include "support/text.h"

namespace mon {

namespace {

std::map<std::string, std::string> stringMap(const ir::Props& props, const char* field) {
  std::map<std::string, std::string> out;
  if (const ir::Prop* p = props.find(field))
    for (auto it = p->value.begin(); it != p->value.end(); ++it) out[it.key()] = it.value().get<std::string>();
  return out;
}

// The part of a string literal's range that holds text[offset, offset+length), when the literal
// is written without escapes (its range is then the text and two quotes); else the whole value.
Range within(Range literal, const std::string& text, size_t offset, size_t length) {
  if (literal.end - literal.begin != text.size() + 2) return literal;
  Range r = literal;
  r.begin = literal.begin + 1 + static_cast<uint32_t>(offset);
  r.end = r.begin + static_cast<uint32_t>(std::max<size_t>(length, 1));
  return r;
}

std::string showSeconds(long long s) {
  if (s % 3600 == 0 && s) return std::to_string(s / 3600) + "h";
  if (s % 60 == 0 && s) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}

bool labelOf(const Object& obj, const char* what, std::string& name, DiagEngine& diags) {
  if (obj.labels.size() != 1 || obj.labels[0].kind != ValueKind::String) {
    diags.report(obj.labels.empty() ? obj.typeRange : obj.labels[0].range, diag::err_missing_label,
                 {obj.type, std::string("one quoted label, ") + what});
    return false;
  }
  name = obj.labels[0].str;
  if (name.empty()) {
    diags.report(obj.labels[0].range, diag::err_empty_name, {obj.type});
    return false;
  }
  return true;
}

std::optional<ir::TestInput> lowerInput(const Object& obj, DiagEngine& diags) {
  ir::TestInput in;
  in.range = obj.range;
  bool ok = labelOf(obj, "the series name, e.g. input \"cpu%\"", in.name, diags);
  ir::Props props;
  ok = checkFieldsOnly(obj, "an input", diags) && ok;
  ok = lowerFields(obj, schema::testInputKind(), props, diags) && ok;
  ok = checkRequired(obj, schema::testInputKind(), props, diags) && ok;
  in.labels = stringMap(props, "labels");
  if (const ir::Prop* v = props.find("values")) {
    in.values = v->value.get<std::string>();
    in.valuesRange = v->range;
    std::string error;
    size_t offset = 0, length = 0;
    if (!parseSeries(in.values, in.samples, error, offset, length)) {
      diags.report(within(v->range, in.values, offset, length), diag::err_bad_series, {error})
          .note(Range{}, "promtool's notation: \"1 2 3\", \"0+10x5\" (0 10 20 30 40 50), \"5x2\" (5 5 5), \"_x3\", \"stale\"");
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return in;
}

std::optional<ir::TestExpect> lowerExpect(const Object& obj, DiagEngine& diags) {
  ir::TestExpect e;
  e.range = obj.range;
  e.nameRange = nameRangeOf(obj);
  bool ok = labelOf(obj, "the monitor's name, e.g. expect \"cpu high\"", e.monitor, diags);
  ir::Props props;
  ok = checkFieldsOnly(obj, "an expect block", diags) && ok;
  ok = lowerFields(obj, schema::testExpectKind(), props, diags) && ok;
  ok = checkRequired(obj, schema::testExpectKind(), props, diags) && ok;
  e.atSeconds = static_cast<long long>(props.num("at"));
  if (const ir::Prop* at = props.find("at")) e.atRange = at->range;
  e.severity = props.str("severity", "critical");
  e.labels = stringMap(props, "labels");
  e.annotations = stringMap(props, "annotations");
  e.annotationsGiven = props.has("annotations");
  if (const ir::Prop* msg = props.find("message")) {
    e.message = msg->value.get<std::string>();
    e.messageGiven = true;
    e.messageRange = msg->range;
    if (e.severity == "ok") {
      diags.report(msg->range, diag::err_test_message_without_alert)
          .note(Range{}, "a message is the text of an open alert; expect severity warning or critical, or drop it");
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return e;
}

}  // namespace

std::optional<ir::Test> lowerTest(const Object& obj, DiagEngine& diags) {
  ir::Test t;
  t.range = obj.range;
  t.nameRange = nameRangeOf(obj);
  bool ok = labelOf(obj, "the test's name, e.g. test \"disk fills up\"", t.name, diags);
  ir::Props props;
  ok = lowerFields(obj, schema::testKind(), props, diags) && ok;
  t.intervalSeconds = static_cast<long long>(props.num("interval", 60));
  if (const ir::Prop* s = props.find("target_systems")) {
    for (const auto& v : s->value) t.systems.push_back(v.get<std::string>());
    static const std::vector<std::string> known = {"mackerel", "prometheus"};
    for (size_t i = 0; i < t.systems.size(); ++i)
      if (std::find(known.begin(), known.end(), t.systems[i]) == known.end()) {
        const Field* written = obj.field("target_systems");
        Range r = written && i < written->value.items.size() ? written->value.items[i].range : s->range;
        auto b = diags.report(r, diag::err_test_unknown_system, {t.systems[i], quotedList(known)});
        std::string close = closestMatch(t.systems[i], known);
        if (!close.empty()) b.note(Range{}, "did you mean '" + close + "'?").fix(r, close);
        ok = false;
      }
  }
  for (const Object& child : obj.children) {
    if (child.type == "input") {
      if (auto in = lowerInput(child, diags)) t.inputs.push_back(std::move(*in));
      else ok = false;
    } else if (child.type == "expect") {
      if (auto e = lowerExpect(child, diags)) t.expects.push_back(std::move(*e));
      else ok = false;
    } else {
      auto b = diags.report(child.typeRange, diag::err_unknown_block, {child.type});
      std::string close = closestMatch(child.type, {"input", "expect"});
      if (!close.empty()) b.note(Range{}, "did you mean '" + close + "'?").fix(child.typeRange, close);
      else b.note(Range{}, "a test holds 'input' and 'expect' blocks");
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  if (t.inputs.empty()) {
    diags.report(t.nameRange, diag::err_test_needs, {t.name, "an 'input' block (a series)"});
    return std::nullopt;
  }
  if (t.expects.empty()) {
    diags.report(t.nameRange, diag::err_test_needs, {t.name, "an 'expect' block"});
    return std::nullopt;
  }
  size_t longest = 0;
  for (const auto& in : t.inputs) longest = std::max(longest, in.samples.size());
  long long last = static_cast<long long>(longest - 1) * t.intervalSeconds;
  for (const auto& e : t.expects)
    if (e.atSeconds > last) {
      diags.report(e.atRange, diag::err_test_time_outside, {showSeconds(e.atSeconds), showSeconds(last)})
          .note(Range{}, "extend a series (e.g. \"... 5x10\") or look earlier");
      ok = false;
    }
  if (!ok) return std::nullopt;
  return t;
}

void checkTestNames(const ir::Module& module, DiagEngine& diags) {
  for (const auto& t : module.tests)
    for (const auto& e : t.expects) {
      bool found = std::any_of(module.monitors.begin(), module.monitors.end(),
                               [&](const ir::Monitor& m) { return m.name == e.monitor; }) ||
                   std::any_of(module.rules.begin(), module.rules.end(),
                               [&](const ir::Rule& r) { return r.isAlert() && r.name == e.monitor; });
      if (found) {
        bool alertBlock = std::none_of(module.monitors.begin(), module.monitors.end(),
                                       [&](const ir::Monitor& m) { return m.name == e.monitor; });
        if (alertBlock && e.messageGiven)
          diags.report(e.messageRange, diag::err_test_message_alert_block, {e.monitor})
              .note(Range{}, "expect the alert's rendered text with 'annotations'");
        continue;
      }
      std::vector<std::string> names;
      for (const auto& m : module.monitors) names.push_back(m.name);
      for (const auto& r : module.rules)
        if (r.isAlert()) names.push_back(r.name);
      auto b = diags.report(e.nameRange, diag::err_test_unknown_monitor, {e.monitor});
      std::string close = closestMatch(e.monitor, names);
      if (!close.empty()) b.note(Range{}, "did you mean '" + close + "'?").fix(e.nameRange, "\"" + close + "\"");
    }
}

}  // namespace mon
