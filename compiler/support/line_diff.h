#pragma once
// A unified diff of two texts, line by line (`monitorc fmt --diff`): what `diff -u` prints, so
// reviewers and tools (patch, git apply) read it as they read any other.
#include <string>

namespace mon {

/// "--- A\n+++ B\n@@ -l,n +l,n @@\n" hunks with `context` lines around each change; "" when the
/// texts are equal. A text not ending in a newline gets "\ No newline at end of file" after its
/// last line. The common beginning and end are skipped cheaply; what lies between is compared
/// line by line when it is at most a few million line pairs, else shown as replaced whole.
std::string unifiedDiff(const std::string& a, const std::string& b, const std::string& nameA, const std::string& nameB,
                        int context = 3);

}  // namespace mon
