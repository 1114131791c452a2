// cli/pull_files: how `monitorc pull` names and cuts one file per object.
#include <doctest/doctest.h>

#include <map>

#include "pull_files.h"

using mon::cli::fileSlug;
using mon::cli::PulledFile;
using mon::cli::splitPerObject;

namespace {

std::map<std::string, std::string> split(const std::string& source, bool ordered = false) {
  std::vector<PulledFile> files;
  REQUIRE(splitPerObject(source, ordered, files));
  std::map<std::string, std::string> out;
  for (auto& f : files) CHECK(out.emplace(f.path, f.text).second);
  return out;
}

}  // namespace

TEST_CASE("pull files: slugs") {
  CHECK(fileSlug("crowdfund api: CPU usage high", "monitor") == "crowdfund-api-cpu-usage-high");
  CHECK(fileSlug("../../etc/passwd", "monitor") == "etc-passwd");
  CHECK(fileSlug("ディスク使用率", "monitor") == "monitor");
  CHECK(fileSlug("p99 レイテンシ", "monitor") == "p99");
  CHECK(fileSlug("", "dashboard") == "dashboard");
  CHECK(fileSlug(std::string(300, 'x'), "monitor") == std::string(60, 'x'));
  CHECK(fileSlug(std::string(59, 'x') + " y", "monitor") == std::string(59, 'x'));  // no '-' left at the cut
}

TEST_CASE("pull files: one file per object, header on each, comments with their object") {
  auto files = split(
      "# Written by `monitorc pull` from prometheus target \"p\".\n\n"
      "monitor host \"CPU high\" {\n  metric = \"cpu%\"\n}\n\n"
      "# the front page\ndashboard \"Front\" {\n  url_path = \"front\"\n}\n\n"
      "record \"job:rate\" {\n  expr = \"1\"\n}\n# trailing\n");
  REQUIRE(files.size() == 3);
  const std::string header = "# Written by `monitorc pull` from prometheus target \"p\".\n\n";
  CHECK(files["monitors/cpu-high.mon"] == header + "monitor host \"CPU high\" {\n  metric = \"cpu%\"\n}\n");
  CHECK(files["dashboards/front.mon"] == header + "# the front page\ndashboard \"Front\" {\n  url_path = \"front\"\n}\n");
  CHECK(files["records/job-rate.mon"] == header + "record \"job:rate\" {\n  expr = \"1\"\n}\n# trailing\n");
}

TEST_CASE("pull files: colliding names get their own hash, whatever the order; one name twice gets a count") {
  const std::string a = "monitor host \"CPU high\" {}\n", b = "monitor host \"cpu-high\" {}\n", c = "monitor host \"Other\" {}\n";
  auto one = split(a + "\n" + b + "\n" + c), other = split(c + "\n" + b + "\n" + a);
  CHECK(one == other);
  CHECK(one.count("monitors/other.mon") == 1);
  int hashed = 0;
  for (const auto& [path, text] : one) hashed += path.rfind("monitors/cpu-high-", 0) == 0 && path.size() == std::string("monitors/cpu-high-12345678.mon").size();
  CHECK(hashed == 2);
  auto twice = split(c + "\n" + c);
  REQUIRE(twice.size() == 2);
  std::string second = twice.begin()->first, first = std::next(twice.begin())->first;  // '-' sorts before '.'
  CHECK(second == first.substr(0, first.size() - 4) + "-2.mon");  // other-HASH.mon, other-HASH-2.mon
}

TEST_CASE("pull files: ordered sources are numbered in source order in one folder") {
  auto files = split("record \"b\" {}\n\nmonitor host \"a\" {}\n\nalert \"c\" {}\n", true);
  std::vector<std::string> paths;
  for (const auto& [path, text] : files) paths.push_back(path);
  CHECK(paths == std::vector<std::string>{"001-record-b.mon", "002-monitor-a.mon", "003-alert-c.mon"});
}

TEST_CASE("pull files: text that does not parse is not split") {
  std::vector<PulledFile> files;
  CHECK_FALSE(splitPerObject("monitor host \"x\" {\n", false, files));
  CHECK(files.empty());
  CHECK(splitPerObject("", false, files));
  CHECK(files.empty());
}
