// unifiedDiff (support/line_diff.h), the text behind `monitorc fmt --diff`: the exact shape of
// small diffs, and on random texts, that applying its hunks to the old text gives the new one.
#include <doctest/doctest.h>

#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "support/line_diff.h"

using mon::unifiedDiff;

namespace {

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// Applies a unified diff (as patch would, hunks in order, no fuzz) to `old` given as lines.
std::vector<std::string> apply(const std::vector<std::string>& old, const std::string& diff) {
  std::vector<std::string> out;
  size_t next = 0;  // the next old line not yet copied
  for (const std::string& l : lines(diff)) {
    if (l.rfind("---", 0) == 0 || l.rfind("+++", 0) == 0 || l.rfind("\\\\", 0) == 0) continue;
    if (l.rfind("@@ -", 0) == 0) {
      size_t start = std::stoul(l.substr(4));
      size_t count = std::stoul(l.substr(l.find(',') + 1));
      size_t from = count == 0 ? start : start - 1;
      while (next < from) out.push_back(old.at(next++));
      continue;
    }
    if (l[0] == ' ') {
      REQUIRE(old.at(next) == l.substr(1));
      out.push_back(old.at(next++));
    } else if (l[0] == '-') {
      REQUIRE(old.at(next) == l.substr(1));
      ++next;
    } else if (l[0] == '+') {
      out.push_back(l.substr(1));
    }
  }
  while (next < old.size()) out.push_back(old[next++]);
  return out;
}

}  // namespace

TEST_CASE("unifiedDiff: nothing for equal texts, diff -u's shape otherwise") {
  CHECK(unifiedDiff("a\nb\n", "a\nb\n", "x", "x") == "");
  CHECK(unifiedDiff("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n", "a.mon", "a.mon") ==
        "--- a.mon\n+++ a.mon\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
  // Insertion into an empty file, and a last line without a newline.
  CHECK(unifiedDiff("", "x\n", "f", "f") == "--- f\n+++ f\n@@ -0,0 +1,1 @@\n+x\n");
  CHECK(unifiedDiff("x", "x\n", "f", "f") == "--- f\n+++ f\n@@ -1,1 +1,1 @@\n-x\n\\ No newline at end of file\n+x\n");
  // Changes far apart are separate hunks; close ones share one.
  std::string a, b;
  for (int i = 1; i <= 30; ++i) {
    a += std::to_string(i) + "\n";
    b += (i == 3 || i == 25 ? "x" : std::to_string(i)) + "\n";
  }
  std::string d = unifiedDiff(a, b, "f", "f");
  CHECK(d.find("@@ -1,6 +1,6 @@") != std::string::npos);
  CHECK(d.find("@@ -22,7 +22,7 @@") != std::string::npos);
}

TEST_CASE("unifiedDiff: applying the hunks to the old text gives the new text") {
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    auto text = [&]() {
      std::string s;
      int n = static_cast<int>(rng() % 40);
      for (int i = 0; i < n; ++i) s += std::string(1, static_cast<char>('a' + rng() % 4)) + "\n";
      return s;
    };
    std::string a = text(), b = text();
    std::string d = unifiedDiff(a, b, "f", "f");
    CHECK((d.empty() == (a == b)));
    CHECK(apply(lines(a), d) == lines(b));
  }
}
