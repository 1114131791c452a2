#include "lower/fields.h"

#include "check/convert.h"
#include "support/text.h"

namespace mon {

bool lowerFields(const Object& obj, const schema::Kind& kind, ir::Props& props, DiagEngine& diags) {
  bool ok = true;
  props.list.reserve(props.list.size() + obj.fields.size());  // one allocation of the right size per object
  for (size_t i = 0; i < obj.fields.size(); ++i) {
    const Field& f = obj.fields[i];
    const schema::Field* spec = schema::findField(kind, f.name);
    if (!spec) {
      auto b = diags.report(f.nameRange, diag::err_unknown_field, {f.name, kind.what});
      std::string close = closestMatch(f.name, schema::fieldNames(kind));
      if (!close.empty()) b.note(Range{}, "did you mean '" + close + "'?").fix(f.nameRange, close);
      ok = false;
      continue;
    }
    bool dup = false;
    for (size_t j = 0; j < i && !dup; ++j)
      if (obj.fields[j].name == f.name) {
        diags.report(f.nameRange, diag::err_duplicate_field, {f.name}).note(obj.fields[j].nameRange, "first set here");
        dup = true;
      }
    if (dup) {
      ok = false;
      continue;
    }
    // A value that failed to evaluate (Evaluator::fail: null carrying a marker) was reported
    // where it failed; checking it against the field would only add a misleading error.
    if (f.value.kind == ValueKind::Null && !f.value.str.empty()) {
      ok = false;
      continue;
    }
    nlohmann::ordered_json value;
    if (!convertField(*spec, f.value, value, diags)) {
      ok = false;
      continue;
    }
    props.list.push_back(ir::Prop{spec->name, std::move(value), f.value.range});
  }
  return ok;
}

bool checkFieldsOnly(const Object& obj, const char* holder, DiagEngine& diags) {
  for (const auto& child : obj.children)
    diags.report(child.typeRange, diag::err_unknown_block, {child.type})
        .note(Range{}, std::string(holder) + " holds fields only");
  return obj.children.empty();
}

bool checkRequired(const Object& obj, const schema::Kind& kind, const ir::Props& props, DiagEngine& diags) {
  bool ok = true;
  for (const auto& spec : kind.fields) {
    if (!spec.required || props.has(spec.name)) continue;
    // A field that was present but wrong has been reported already.
    if (obj.field(spec.name)) continue;
    diags.report(nameRangeOf(obj), diag::err_missing_field, {kind.what, spec.name});
    ok = false;
  }
  return ok;
}

void noteUseSites(const Object& obj, size_t mark, DiagEngine& diags) {
  auto& all = diags.mutableAll();
  for (size_t i = mark; i < all.size(); ++i)
    for (size_t u = 0; u < obj.useSites.size(); ++u)
      all[i].notes.push_back(Note{obj.useSites[u], "in template '" + obj.useTemplates[u] + "' used here"});
  for (size_t i = mark; i < all.size(); ++i)
    for (const Note& step : obj.loopSteps) all[i].notes.push_back(step);
}

Range nameRangeOf(const Object& obj) {
  for (const auto& l : obj.labels)
    if (l.kind == ValueKind::String) return l.range;
  return obj.typeRange;
}

std::vector<Range> targetRangesOf(const Object& obj, const ir::Prop& targets) {
  const Field* written = obj.field("targets");
  std::vector<Range> out;
  for (size_t i = 0; i < targets.value.size(); ++i)
    out.push_back(written && i < written->value.items.size() ? written->value.items[i].range : targets.range);
  return out;
}

}  // namespace mon
