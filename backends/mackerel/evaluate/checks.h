#pragma once
// The parts every monitor kind's evaluation shares: the one-minute check clock, threshold
// comparison, max_check_attempts and the text an alert carries (docs/testing.md).
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "mackerel/evaluate/evaluate.h"

namespace mon::mackerel::evaluate::checks {

constexpr long long kCheckEvery = 60;

/// Every check time from 0 up to t.
template <typename F>
void eachCheck(long long t, F&& f) {
  for (long long now = 0; now <= t; now += kCheckEvery) f(now);
}

/// The level of one value against the monitor's warning/critical and operator: critical first.
Level compare(const ir::Monitor& m, double v);

/// Mackerel's notification text for a metric alert, "loadavg5 12.00 > 8.00": the metric, the
/// value and the threshold of the alert's level with two decimals (webhook docs' example).
std::string thresholdText(const ir::Monitor& m, const std::string& label, double value, Level level);

/// A number as the API gives it, shortest form: 1250, 312.5.
std::string number(double v);

/// The average of the points in (from, to]; nothing when there is none.
std::optional<double> averageWithin(const std::vector<Point>& pts, long long from, long long to);

/// The value of the latest point in (now - one check, now]: what one check sees.
std::optional<double> seenAt(const std::vector<Point>& pts, long long now);

/// max_check_attempts: consecutive failing checks before the level shows; the first passing
/// check closes the alert. The alert's text is the one of the check that opened it or last
/// changed its level (the value "at the time of detection").
class Attempts {
 public:
  explicit Attempts(int needed) : needed_(std::max(needed, 1)) {}
  void check(Level l, const std::string& text) {
    if (l == Level::Ok) {
      failing_ = 0;
      alert_ = Alert{};
      return;
    }
    if (++failing_ >= needed_ && l != alert_.level) alert_ = Alert{l, text};
  }
  const Alert& alert() const { return alert_; }

 private:
  int needed_;
  int failing_ = 0;
  Alert alert_;
};

}  // namespace mon::mackerel::evaluate::checks
