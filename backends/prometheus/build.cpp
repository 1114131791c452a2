// `monitorc build` for Prometheus: one rule file per target, one group in it (with the target's
// group settings): the target's record and alert blocks first, in source order (a group's
// order is the order written, as in the rule file they may have been imported from; recording
// rules written before the alerts that read them give those alerts fresh values), then the
// alerting rules of its monitors. A `format = "prometheus-operator"` target's group goes into a
// PrometheusRule object instead (operator.h).
#include <algorithm>
#include <functional>
#include <string>
#include <system_error>
#include <thread>

#include "prometheus/operator.h"
#include "prometheus/prometheus.h"
#include "prometheus/rules.h"
#include "prometheus/stream.h"
#include "prometheus/targets.h"
#include "support/memory.h"
#include "support/parallel.h"

namespace mon::prometheus {

std::string groupName(const ir::Target& t) {
  std::string g = t.props.str("group");
  return g.empty() ? t.name : g;  // Prometheus rejects an empty group name
}

namespace {

// The alerting rules of the monitors [begin, end) that `t` takes, each handed to `take` as it
// is made.
void monitorRules(const ir::Module& module, const ir::Target& t, size_t begin, size_t end, DiagEngine& diags,
                  const std::function<void(const Rule&)>& take) {
  targets::forEachExpressible(module, begin, end, t, false, diags, [&](const ir::Monitor& m, promql::Translation& tr) {
    for (const Rule& r : rulesFor(m, tr)) take(r);
  });
}

// The rules of `t`'s group in their order, each handed to `take` as it is made.
void groupRules(const ir::Module& module, const ir::Target& t, DiagEngine& diags, const std::function<void(const Rule&)>& take) {
  for (const ir::Rule* r : targets::nativeRulesFor(module, t)) take(nativeRule(*r));
  monitorRules(module, t, 0, module.monitors.size(), diags, take);
}

// From this many monitors on, a target's rule file is written on two threads.
constexpr size_t kSplitMonitors = 2000;

// The split: true when it stands, false when `file` is as it was and the monitors are still to
// be written (something was reported, or a thread could not be had or failed).
bool writeMonitorsSplit(const ir::Module& module, const ir::Target& t, size_t sizeHint, RuleFileWriter& file) {
  size_t n = module.monitors.size(), half = n / 2;
  RuleFileWriter::Mark start = file.mark();
  std::string second;
  size_t secondRules = 0;
  bool secondFailed = false;
  DiagEngine firstDiags, secondDiags;
  // From the caller's heap (support/memory.h): in a heap of its own the thread's text and rules
  // would be laid on fresh pages, which the caller frees into that heap afterwards.
  unsigned heap = currentHeap();
  std::thread other;
  try {
    other = std::thread([&] {
      try {
        useHeap(heap);
        second.reserve(sizeHint / 2);
        monitorRules(module, t, half, n, secondDiags, [&](const Rule& r) {
          appendRule(second, r);
          ++secondRules;
        });
      } catch (...) {  // out of memory, say: this thread's half is written again below
        secondFailed = true;
      }
    });
  } catch (const std::system_error&) {
    return false;
  }
  struct Joined {
    std::thread& thread;
    ~Joined() { thread.join(); }  // before anything the thread uses goes, even on an exception
  };
  {
    Joined joined{other};
    monitorRules(module, t, 0, half, firstDiags, [&](const Rule& r) { file.rule(r); });
  }
  if (secondFailed || !firstDiags.all().empty() || !secondDiags.all().empty()) {
    file.rewind(start);
    return false;
  }
  file.rules(second, secondRules);
  return true;
}

// `t`'s group written into `file`: its record and alert blocks, then its monitors' rules,
// taken from `written` when they were written as the monitors were lowered (RuleStream; the
// module then holds no monitor), with what writing them reported put in its place. Writing
// the rules of 10,000 kept monitors was a quarter of such a build, after all the rest and on
// one core: from kSplitMonitors on, the second half of the monitors is written on another
// thread into text of its own, put after the first half's. The diagnostics must come in the
// monitors' order and within the engine's limits, so a split in which anything is reported
// is dropped, and the monitors are written again on this thread.
void writeGroup(const ir::Module& module, const ir::Target& t, size_t sizeHint, RuleStream::Written* written,
                DiagEngine& diags, RuleFileWriter& file) {
  for (const ir::Rule* r : targets::nativeRulesFor(module, t)) file.rule(nativeRule(*r));
  if (written) {
    for (auto& [text, count] : written->pieces) {
      file.rules(text, count);
      text = std::string();  // freed as it is copied
    }
    diags.replay(written->diags.all());
    return;
  }
  if (module.monitors.size() >= kSplitMonitors && workerThreads() > 1 && writeMonitorsSplit(module, t, sizeHint, file))
    return;
  monitorRules(module, t, 0, module.monitors.size(), diags, [&](const Rule& r) { file.rule(r); });
}

// About how large `t`'s rule file will be: reserved up front, so the text is written once
// rather than copied as it doubles. Generous (two conditions a monitor): room reserved and
// never written is address space, not memory.
size_t ruleFileSizeHint(const ir::Module& module, const ir::Target& t) {
  size_t n = 256;
  for (const auto& m : module.monitors) {
    if (!targets::selects(m.targets, t)) continue;
    size_t one = 256 + 2 * m.name.size() + m.props.stringBytes();
    for (const auto& [k, v] : m.labels) one += 24 + k.size() + v.size();
    n += 2 * one;
  }
  for (const auto& r : module.rules) n += 256 + r.expr.size();
  return n;
}

}  // namespace

OutputFiles buildInto(const ir::Module& module, DiagEngine& diags, FileSink&, MonitorStream* streamed) {
  OutputFiles out;
  reportModuleTargets(module, diags);
  auto* stream = static_cast<RuleStream*>(streamed);
  std::vector<OperatorObject> objects;  // in the order their first target is declared
  std::vector<const ir::Target*> targets = targets::ofKind(module, "prometheus");
  for (size_t k = 0; k < targets.size(); ++k) {
    const ir::Target* t = targets[k];
    RuleStream::Written* written = stream ? stream->of(k) : nullptr;
    Group g{groupName(*t), {}, "", 0, ""};
    if (t->props.has("interval")) g.interval = promql::duration(static_cast<long long>(t->props.num("interval")));
    g.limit = static_cast<long long>(t->props.num("limit"));
    if (t->props.has("query_offset"))
      g.queryOffset = promql::duration(static_cast<long long>(t->props.num("query_offset")));
    if (!operatorFormat(*t)) {
      size_t sizeHint = ruleFileSizeHint(module, *t);
      if (written)
        for (const auto& piece : written->pieces) sizeHint += piece.first.size();
      RuleFileWriter file(sizeHint);
      file.beginGroup(g);
      writeGroup(module, *t, sizeHint, written, diags, file);
      out["prometheus/" + targets::fileSafe(t->name) + "/" + targets::fileSafe(g.name) + ".yml"] = file.finish();
      continue;
    }
    groupRules(module, *t, diags, [&](const Rule& r) { g.rules.push_back(r); });
    if (written) {
      g.rules.insert(g.rules.end(), std::make_move_iterator(written->rules.begin()),
                     std::make_move_iterator(written->rules.end()));
      diags.replay(written->diags.all());
    }
    OperatorObject key{t->props.str("resource_name"), t->props.str("namespace"), {}, {}};
    auto it = std::find_if(objects.begin(), objects.end(),
                           [&](const OperatorObject& o) { return o.name == key.name && o.namespace_ == key.namespace_; });
    if (it == objects.end()) {
      if (const ir::Prop* labels = t->props.find("resource_labels"))
        for (auto l = labels->value.begin(); l != labels->value.end(); ++l) key.labels.emplace_back(l.key(), l.value().get<std::string>());
      it = objects.insert(objects.end(), std::move(key));
    }
    it->groups.push_back(std::move(g));
  }
  for (const auto& o : objects) out[operatorPath(o)] = operatorFile(o);
  return out;
}

OutputFiles build(const ir::Module& module, DiagEngine& diags) {
  OutputFiles out;
  FilesSink sink(out);
  out.merge(buildInto(module, diags, sink, nullptr));
  return out;
}

std::unique_ptr<MonitorStream> streamMonitors(FileSink&) { return std::make_unique<RuleStream>(); }

}  // namespace mon::prometheus
