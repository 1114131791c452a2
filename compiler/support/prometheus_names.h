#pragma once
// Prometheus' name rules, shared by lowering (record names, labels) and the Prometheus
// backend (labels of translated rules, imported rule files).
#include <string_view>

namespace mon {

/// A Prometheus metric name: [a-zA-Z_:][a-zA-Z0-9_:]*.
bool isMetricName(std::string_view s);
/// A Prometheus label name: [a-zA-Z_][a-zA-Z0-9_]*.
bool isLabelName(std::string_view s);

}  // namespace mon
