#pragma once
// Prometheus alerting rules as data, and the rule-file YAML writer (promtool-valid; every
// string double-quoted, so no YAML value is ever read as a number, bool or null).
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ir/ir.h"
#include "prometheus/promql.h"

namespace mon::prometheus {

using StringPairs = std::vector<std::pair<std::string, std::string>>;

/// One rule: an alerting rule (labels and annotations as Prometheus reads them: a monitor's text
/// has its templates escaped, an alert block's is written as given), or a recording rule when
/// `record` is set (then `alert`, `forDuration`, `keepFiringFor` and `annotations` are unused;
/// Prometheus does not expand templates in a recording rule's labels).
struct Rule {
  std::string alert;
  std::string expr;
  std::string forDuration;  // "0s", "5m"
  StringPairs labels;
  StringPairs annotations;
  std::string record;
  std::string keepFiringFor;  // "" = not written
};

/// A rule group. The settings are written only when set: `interval` (its own evaluation
/// interval), `limit` (most alerts or series a rule may produce), `queryOffset`.
struct Group {
  std::string name;
  std::vector<Rule> rules;
  std::string interval;
  long long limit = 0;
  std::string queryOffset;
};

/// The rules of one monitor: one per condition, told apart by the `severity` label.
std::vector<Rule> rulesFor(const ir::Monitor& m, const promql::Translation& t);
/// The rule of a `record` or `alert` block.
Rule nativeRule(const ir::Rule& r);
/// The rule file text for these groups.
std::string ruleFile(const std::vector<Group>& groups);

/// A rule file written group by group and rule by rule, as ruleFile() writes it, without the
/// rules being kept: a target's 10,000 monitor rules are each written as soon as they are made,
/// so the file is the only large thing the build lays on fresh memory.
class RuleFileWriter {
 public:
  /// `sizeHint`: about how large the file will be (reserved, so the text is not copied as it grows).
  explicit RuleFileWriter(size_t sizeHint = 0);
  /// Starts a group with `g`'s name and settings (its `rules` are not written).
  void beginGroup(const Group& g);
  void rule(const Rule& r);
  /// Rules written elsewhere with appendRule(), `count` of them, in the current group.
  void rules(std::string_view text, size_t count);
  /// Where the writer is, to go back to with rewind(): what was written since is dropped.
  struct Mark {
    size_t size, rulesInGroup;
  };
  Mark mark() const { return {out_.size(), rulesInGroup_}; }
  void rewind(Mark m);
  /// The text. The writer is done with after this.
  std::string finish();

 private:
  void endGroup();
  std::string out_;
  bool inGroup_ = false;
  size_t rulesInGroup_ = 0;
};
/// One rule as RuleFileWriter writes it in a group's `rules`, appended to `out`.
void appendRule(std::string& out, const Rule& r);
/// A YAML double-quoted scalar (JSON escapes, plus U+0085/2028/2029/FEFF escaped).
std::string yamlQuote(const std::string& s);
/// yamlQuote(s) appended to `out`.
void appendYamlQuoted(std::string& out, const std::string& s);
/// Makes text literal inside Prometheus' Go templates: "{{" -> {{ "{{" }}.
std::string escapeTemplate(const std::string& s);
/// The inverse of escapeTemplate.
std::string unescapeTemplate(const std::string& s);

}  // namespace mon::prometheus
