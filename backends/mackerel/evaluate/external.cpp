// External (URL) monitors. A test cannot make HTTP requests, so its inputs stand for what each
// minute's request observed, one series per observation (docs/testing.md):
//   external.status            the HTTP status code; 0 when no response came within 15 s
//   external.response_time     milliseconds
//   external.contains          1 when the body contains `contains_string`, 0 when not
//   external.certificate_days  days left before the certificate expires
// `labels.url`, when given, must be the monitor's url (a test may hold several monitors).
// A minute with none of them is no check. What fails a check, from Mackerel's documentation:
// no response within 15 s, a status other than `expected_status_code` (or, without it, other
// than 2xx/3xx), a body without `contains_string`, an invalid (expired) certificate, days left
// below certification_expiration_warning/critical, and the average response time of the last
// response_time_duration minutes above response_time_warning/critical. The worst of them is the
// check's level; max_check_attempts counts consecutive failing checks of any of them.
#include <algorithm>
#include <array>

#include "mackerel/evaluate/checks.h"

namespace mon::mackerel::evaluate {

namespace {

constexpr double kTimeoutMs = 15000;

struct Observations {
  std::vector<Point> status, responseTime, contains, certificateDays;
};

Observations observationsOf(const ir::Monitor& m, const std::vector<Series>& inputs) {
  Observations o;
  const std::string url = m.props.str("url");
  for (const auto& s : inputs) {
    auto u = s.labels.find("url");
    if (u != s.labels.end() && u->second != url) continue;
    std::vector<Point>* into = s.name == "external.status"             ? &o.status
                               : s.name == "external.response_time"    ? &o.responseTime
                               : s.name == "external.contains"         ? &o.contains
                               : s.name == "external.certificate_days" ? &o.certificateDays
                                                                       : nullptr;
    if (into) into->insert(into->end(), s.points.begin(), s.points.end());
  }
  for (auto* pts : {&o.status, &o.responseTime, &o.contains, &o.certificateDays})
    std::sort(pts->begin(), pts->end(), [](const Point& a, const Point& b) { return a.t < b.t; });
  return o;
}

std::optional<double> numberField(const ir::Monitor& m, const char* name) {
  const ir::Prop* p = m.props.find(name);
  if (!p || !p->value.is_number()) return std::nullopt;
  return p->value.get<double>();
}

bool statusAccepted(const ir::Monitor& m, double code) {
  if (auto expected = numberField(m, "expected_status_code")) return code == *expected;
  return code >= 200 && code < 400;
}

// One check's failures in the order their text wins a tie of levels: the request itself first.
Alert check(const ir::Monitor& m, const Observations& o, long long now) {
  std::array<Alert, 5> found{};
  auto status = checks::seenAt(o.status, now);
  auto responseTime = checks::seenAt(o.responseTime, now);
  if ((status && *status == 0) || (responseTime && *responseTime >= kTimeoutMs))
    found[0] = Alert{Level::Critical, "HTTP request timed out"};
  else if (status && !statusAccepted(m, *status))
    found[1] = Alert{Level::Critical, checks::number(*status)};

  const std::string wanted = m.props.str("contains_string");
  auto contains = checks::seenAt(o.contains, now);
  if (!wanted.empty() && contains && *contains == 0)
    found[2] = Alert{Level::Critical, "response body does not contain \"" + wanted + "\""};

  // Only an https check has a certificate to look at.
  auto days = checks::seenAt(o.certificateDays, now);
  if (days && m.props.str("url").rfind("https://", 0) == 0) {
    std::string text = "certificate expires in " + checks::number(*days) + " days";
    auto w = numberField(m, "certification_expiration_warning");
    auto c = numberField(m, "certification_expiration_critical");
    const ir::Prop* skip = m.props.find("skip_certificate_verification");
    bool verifies = !(skip && skip->value.is_boolean() && skip->value.get<bool>());
    if (*days <= 0 && verifies)
      found[3] = Alert{Level::Critical, "certificate expired"};
    else if (c && *days < *c) found[3] = Alert{Level::Critical, text};
    else if (w && *days < *w) found[3] = Alert{Level::Warning, text};
  }

  auto rtw = numberField(m, "response_time_warning");
  auto rtc = numberField(m, "response_time_critical");
  if ((rtw || rtc) && responseTime) {
    const long long window = static_cast<long long>(m.props.num("response_time_duration", 1)) * 60;
    if (auto avg = checks::averageWithin(o.responseTime, now - window, now)) {
      // Mackerel's alert carries the averaged response time as its value, and no message.
      if (rtc && *avg > *rtc) found[4] = Alert{Level::Critical, checks::number(*avg)};
      else if (rtw && *avg > *rtw) found[4] = Alert{Level::Warning, checks::number(*avg)};
    }
  }

  Alert worst;
  for (const auto& a : found)
    if (a.level > worst.level) worst = a;
  return worst;
}

}  // namespace

Alert externalAlertAt(const ir::Monitor& m, const std::vector<Series>& inputs, long long t) {
  const Observations o = observationsOf(m, inputs);
  checks::Attempts attempts(static_cast<int>(m.props.num("max_check_attempts", 1)));
  checks::eachCheck(t, [&](long long now) {
    bool checked = checks::seenAt(o.status, now) || checks::seenAt(o.responseTime, now) ||
                   checks::seenAt(o.contains, now) || checks::seenAt(o.certificateDays, now);
    if (!checked) return;
    Alert a = check(m, o, now);
    attempts.check(a.level, a.text);
  });
  return attempts.alert();
}

}  // namespace mon::mackerel::evaluate
