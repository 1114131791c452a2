// cli/time_arg: `alerts --since/--until` values.
#include <doctest/doctest.h>

#include "time_arg.h"

TEST_CASE("time arguments: durations before now and RFC 3339 times") {
  const int64_t now = 1764460800;  // 2025-11-30T00:00:00Z
  int64_t t = 0;
  std::string err;
  CHECK(mon::cli::parseTimeArg("30d", now, t, err));
  CHECK(t == now - 30 * 86400);
  CHECK(mon::cli::parseTimeArg("1h30m", now, t, err));
  CHECK(t == now - 5400);
  CHECK(mon::cli::parseTimeArg("2025-11-30T00:00:00Z", now, t, err));
  CHECK(t == now);
  CHECK(mon::cli::parseTimeArg("2025-11-30T09:00:00.250+09:00", now, t, err));
  CHECK(t == now);
  CHECK(mon::cli::parseTimeArg("2024-02-29T12:00:00-01:30", now, t, err));
  CHECK(t == 1709164800 + 12 * 3600 + 5400);
  struct Bad {
    const char* text;
    const char* why;
  } bad[] = {{"", "empty"},
             {"30", "needs a unit"},
             {"30x", "unexpected 'x' at character 3"},
             {"0d", "under one second"},
             {"2025-02-29T00:00:00Z", "day 29 out of range"},
             {"2025-11-30", "unexpected end of the text"},
             {"2025-11-30T25:00:00Z", "time of day out of range"},
             {"2025-11-30T00:00:00", "needs a zone"},
             {"2025-11-30T00:00:00+9", "+hh:mm"},
             {"2025-11-30T00:00:00Zjunk", "unexpected 'j' at character 21"}};
  for (const auto& b : bad) {
    CAPTURE(b.text);
    err.clear();
    CHECK_FALSE(mon::cli::parseTimeArg(b.text, now, t, err));
    CHECK(err.find(b.why) != std::string::npos);
    CHECK(err.rfind("'" + std::string(b.text) + "': ", 0) == 0);
  }
}
