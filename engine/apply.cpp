#include "apply.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "ownership.h"
#include "support/json_text.h"

namespace mon::engine {

namespace {

OpResult run(const Change& c, Remote& remote, const Plan& plan, const RemoteState* now) {
  if (now) {
    std::string why = writeRefusal(c, plan.prune, *now);
    if (!why.empty()) return OpResult{false, c.id, "refused: " + why, 0, false};
  }
  switch (c.action) {
    case Action::Create: return remote.create(c.kind, c.key, c.body);
    case Action::Update:
    case Action::Adopt: return remote.update(c.kind, c.id, c.body);
    case Action::Delete: return remote.remove(c.kind, c.id);
    default: return OpResult{true, c.id, "", 0, false};
  }
}

int phaseOf(Action a) {
  switch (a) {
    case Action::Create: return 0;
    case Action::Update:
    case Action::Adopt: return 1;
    case Action::Delete: return 2;
    default: return -1;
  }
}

// Within a phase, objects that name others (namesOthers) are written after what they name is
// created or updated, and deleted before it: 0 runs before 1.
int stepOf(const Change& c) {
  bool later = namesOthers(c.kind);
  return c.action == Action::Delete ? !later : later;
}

}  // namespace

std::string writeRefusal(const Change& c, bool prune, const RemoteState& now) {
  if (c.action != Action::Update && c.action != Action::Adopt && c.action != Action::Delete) return "";
  const char* kind = kindName(c.kind);
  const RemoteObject* found = nullptr;
  const RemoteObject* kept = nullptr;
  for (const auto& r : now.of(c.kind)) {
    if (r.id == c.id) found = &r;
    if (!c.duplicateOf.empty() && r.id == c.duplicateOf) kept = &r;
  }
  if (c.action == Action::Delete && !prune) {
    // Without --prune only a duplicate may go, and only while the object it repeats is there,
    // owned, with the same key and type.
    if (c.duplicateOf.empty()) return std::string("a delete in a plan made without --prune");
    if (!kept || objectKey(c.kind, kept->body) != c.key || !hasOwnerMarker(kept->body.contains("memo") && kept->body["memo"].is_string() ? kept->body["memo"].get<std::string>() : "") ||
        (found && kept->body.value("type", Json("")) != found->body.value("type", Json(""))))
      return std::string(kind) + " " + c.duplicateOf + ", which " + c.id + " would duplicate, is not an owned " + jsonText(Json(c.key));
  }
  if (c.id.empty() || !found) return std::string(kind) + " id '" + c.id + "' is not on the target";
  std::string key = objectKey(c.kind, found->body);
  bool sameKey = key == c.key || (c.action != Action::Delete && !c.renamedFrom.empty() && key == c.renamedFrom);
  if (!sameKey) return std::string(kind) + " " + c.id + " is " + jsonText(Json(key)) + ", not " + jsonText(Json(c.key));
  if (matchedByType(c.kind) && !c.type.empty() && found->body.value("type", "") != c.type)
    return std::string(kind) + " " + c.id + " is of type '" + found->body.value("type", "") + "', not '" + c.type + "'";
  std::string memo = found->body.contains("memo") && found->body["memo"].is_string() ? found->body["memo"].get<std::string>() : "";
  bool owned = hasOwnerMarker(memo);
  if (c.action == Action::Adopt && owned) return std::string(kind) + " " + c.id + " is already owned; adopt takes unowned objects only";
  if (c.action != Action::Adopt && !owned)
    return std::string(kind) + " " + c.id + " is not owned by monitorc (no '" + std::string(kOwnerMarker) + "' marker)";
  return "";
}

ApplyReport apply(const Plan& plan, Remote& remote, const ApplyOptions& opts) {
  ApplyReport report;
  auto t0 = std::chrono::steady_clock::now();
  std::vector<size_t> work;
  for (size_t i = 0; i < plan.changes.size(); ++i)
    if (phaseOf(plan.changes[i].action) >= 0) work.push_back(i);
  report.outcomes.resize(work.size());
  size_t total = work.size(), done = 0;
  std::mutex mu;
  const size_t limit = std::max<size_t>(1, opts.batch ? opts.batch : remote.batchLimit());
  for (int phase = 0; phase < 6; ++phase) {
    std::vector<size_t> slots;  // indexes into work/outcomes
    for (size_t w = 0; w < work.size(); ++w) {
      const Change& c = plan.changes[work[w]];
      if (phaseOf(c.action) * 2 + stepOf(c) == phase) slots.push_back(w);
    }
    auto record = [&](size_t slot, Outcome o) {
      std::lock_guard<std::mutex> lock(mu);
      report.outcomes[slot] = o;
      ++done;
      if (!o.result.ok) ++report.failed;
      if (opts.progress) opts.progress(o, done, total);
    };
    // A refused change is reported at once; the others go in chunks of consecutive changes of
    // one kind, as many as the remote takes in one batch.
    std::vector<std::vector<size_t>> chunks;
    for (size_t slot : slots) {
      const Change& c = plan.changes[work[slot]];
      if (opts.current) {
        std::string why = writeRefusal(c, plan.prune, *opts.current);
        if (!why.empty()) {
          record(slot, Outcome{&c, OpResult{false, c.id, "refused: " + why, 0, false}});
          continue;
        }
      }
      if (chunks.empty() || chunks.back().size() >= limit || plan.changes[work[chunks.back().front()]].kind != c.kind)
        chunks.emplace_back();
      chunks.back().push_back(slot);
    }
    std::atomic<size_t> next{0};
    auto worker = [&] {
      for (size_t k; (k = next++) < chunks.size();) {
        const std::vector<size_t>& chunk = chunks[k];
        if (chunk.size() == 1) {
          const Change& c = plan.changes[work[chunk[0]]];
          record(chunk[0], Outcome{&c, run(c, remote, plan, nullptr)});
          continue;
        }
        std::vector<Write> writes;
        for (size_t slot : chunk) {
          const Change& c = plan.changes[work[slot]];
          Write::What what = c.action == Action::Create ? Write::Create : c.action == Action::Delete ? Write::Remove : Write::Update;
          writes.push_back(Write{what, c.kind, c.key, c.id, &c.body});
        }
        std::vector<OpResult> results = remote.writeBatch(writes);
        for (size_t i = 0; i < chunk.size(); ++i) {
          const Change& c = plan.changes[work[chunk[i]]];
          OpResult r = i < results.size() ? results[i] : OpResult{false, c.id, "no result for this change in its batch", 0, false};
          record(chunk[i], Outcome{&c, r});
        }
      }
    };
    size_t n = std::min<size_t>(std::max(1, opts.parallel), chunks.size());
    std::vector<std::thread> threads;
    for (size_t t = 1; t < n; ++t) threads.emplace_back(worker);
    if (n > 0) worker();
    for (auto& t : threads) t.join();
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

std::vector<std::string> stalePlanReasons(const Plan& plan, const RemoteState& now) {
  std::vector<std::string> out;
  std::map<std::string, std::pair<std::string, std::string>> current;  // kind/id -> (fingerprint, key)
  for (const auto* list : now.lists())
    for (const auto& r : *list)
      current[std::string(kindName(r.kind)) + "/" + r.id] = {fingerprint(r.body), objectKey(r.kind, r.body)};
  for (const auto& [id, fp] : plan.fingerprints) {
    auto it = current.find(id);
    if (it == current.end()) out.push_back(id + " was deleted");
    else if (it->second.first != fp) out.push_back(id + " (" + it->second.second + ") was changed");
  }
  std::set<std::string> planned;
  for (const auto& c : plan.changes)
    if (phaseOf(c.action) >= 0) planned.insert(std::string(kindName(c.kind)) + "/" + c.key);
  for (const auto& [id, v] : current) {
    if (plan.fingerprints.count(id)) continue;
    std::string kind = id.substr(0, id.find('/'));
    if (planned.count(kind + "/" + v.second)) out.push_back(id + " (" + v.second + ") was created");
  }
  return out;
}

}  // namespace mon::engine
