#pragma once
// `monitorc import cloudwatch FILE...` (import.cpp).
#include <string>
#include <vector>

namespace mon::cloudwatch {

/// One `describe-alarms` or `get-dashboard` JSON file as .mon source (backend.h, ImportFn).
bool importFile(const std::string& text, std::string& source, std::vector<std::string>& warnings, std::string& error);

}  // namespace mon::cloudwatch
