#include "lint/rules.h"

#include "support/text.h"

namespace mon::lint {

const std::vector<Rule>& rules() {
  static const std::vector<Rule> kRules = {
      {"MON001", "threshold-order", Severity::Error, "warning and critical thresholds in the wrong order for the operator",
       "With '>' the warning threshold must be below the critical one (above it with '<'), or the warning can never "
       "fire before the critical: the early signal the warning exists for never comes."},
      {"MON002", "time-without-unit", Severity::Warning, "a time field written as a bare number",
       "A bare number is read in the field's own unit, which differs from field to field (milliseconds for "
       "response times, minutes for durations, days for certificates): `response_time_critical = 3` means 3 ms. "
       "Writing the unit (3s) says what was meant."},
      {"MON003", "implausible-threshold", Severity::Warning, "a threshold impossible or implausible for its metric's unit",
       "A percentage above 100, a ratio above 1, or a byte metric compared with a number below 1024 can never or "
       "will always fire: the threshold was written in another unit than the metric's."},
      {"MON004", "no-runbook", Severity::Warning, "an alert without a memo, runbook or description",
       "The person woken by an alert needs to know what it means and what to do; an alert without that text is "
       "the one that gets ignored."},
      {"MON005", "host-without-scope", Severity::Warning, "a host monitor without scopes",
       "Without 'scopes' a host monitor watches every host of the organization, including hosts of other teams "
       "and short-lived ones, so one threshold meets many workloads it was not tuned for."},
      {"MON006", "https-without-cert-expiry", Severity::Warning, "an https check without certificate expiry thresholds",
       "An expiring certificate is the most predictable outage there is; the check already fetches the URL, so "
       "warning some days ahead costs nothing."},
      {"MON007", "for-shorter-than-interval", Severity::Warning, "an alert duration shorter than the evaluation interval",
       "A rule is evaluated once per interval, so a 'for' shorter than the interval waits for nothing: the alert "
       "fires on the first failing evaluation, as if 'for' were not set."},
      {"MON008", "repage-too-often", Severity::Warning, "a notification interval that re-pages more often than every 30 minutes",
       "Re-notifying every few minutes while an alert is open, and being worked on, trains people to silence "
       "their phone; 30 minutes or more keeps the reminder without the noise."},
      {"MON009", "duplicate-monitor", Severity::Warning, "two monitors or alerts watching the same thing",
       "Two monitors on the same metric and scope (or the same expression) page twice for one problem, and drift "
       "apart when only one of them is tuned."},
      {"MON010", "alert-without-for", Severity::Warning, "a Prometheus alerting rule without 'for_duration'",
       "Without 'for' one evaluation over the threshold fires the alert: a single slow scrape or a restart pages "
       "someone for a problem that is gone a minute later."},
      {"MON011", "counter-without-rate", Severity::Warning, "a counter compared without rate(), irate() or increase()",
       "A counter (a metric named *_total) only grows, and resets when the process restarts; its raw value says how "
       "long the process has run, not how things are now."},
      {"MON012", "empty-dashboard", Severity::Warning, "a dashboard without widgets, or a widget that shows nothing",
       "An empty dashboard or a markdown widget without text takes room on the screen people look at during an "
       "incident and tells them nothing."},
      {"MON013", "duplicate-widget", Severity::Warning, "two widgets of a dashboard showing the same data",
       "The same graph twice on a dashboard is a leftover of copy and paste: it costs room and queries, and one of "
       "the two was probably meant to show something else."},
      {"MON014", "rate-window-too-short", Severity::Warning, "a rate() window shorter than the rule's evaluation interval",
       "A rule sees only the window before each evaluation: with rate(x[1m]) evaluated every 5m, four minutes of "
       "every five are never looked at, so a burst between evaluations goes unseen."},
      {"MON015", "alert-without-severity", Severity::Warning, "a Prometheus alerting rule without a 'severity' label",
       "Alertmanager routes by labels; without 'severity' a rule cannot be told apart from the others, so it pages "
       "with the same urgency as everything else or goes nowhere."},
      {"MON016", "muted-in-source", Severity::Note, "a monitor muted in the source",
       "'is_mute = true' in code is a mute that never expires: the reason it was muted is not written anywhere and "
       "the monitor stays silent after the problem is fixed."},
  };
  return kRules;
}

const Rule* findRule(const std::string& codeOrName) {
  for (const Rule& r : rules())
    if (codeOrName == r.code || codeOrName == r.name) return &r;
  return nullptr;
}

std::string closestRule(const std::string& codeOrName) {
  std::vector<std::string> names;
  for (const Rule& r : rules()) {
    names.push_back(r.code);
    names.push_back(r.name);
  }
  return closestMatch(codeOrName, names);
}

}  // namespace mon::lint
