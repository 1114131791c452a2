// `monitorc import SYSTEM FILE... [-o OUT.mon]` (the backend's importer, backend.h) and
// `monitorc import mackerel [--monitors FILE] [--dashboard FILE]...`: existing JSON/YAML ->
// .mon source. The backends do the work (no I/O there); this reads files and writes the result.
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "backend.h"
#include "commands.h"
#include "fmt/format.h"
#include "mackerel/import.h"
#include "mackerel/time_zone.h"
#include "support/files.h"

namespace mon::cli {

namespace {

using mackerel::ImportJson;

// Regular files only, at most kMaxInputBytes: a device or a FIFO given by mistake is an error,
// not an endless read or a hang.
bool readFile(const std::string& path, std::string& text) {
  std::string error;
  if (readRegularFile(path, text, error)) return true;
  std::cerr << "monitorc: error: cannot read '" << path << "': " << error << "\n";
  return false;
}

// "FILE:LINE:COL: error: invalid JSON: MESSAGE (byte N)" plus the line and a caret.
void reportJsonError(const std::string& path, const std::string& text, size_t offset, const std::string& message) {
  if (offset == std::string::npos) {
    std::cerr << path << ": error: invalid JSON: " << message << "\n";
    return;
  }
  size_t lineStart = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  lineStart = (lineStart == std::string::npos || offset == 0) ? 0 : lineStart + 1;
  if (offset > 0 && text[offset - 1] == '\n') lineStart = offset;
  size_t line = 1;
  for (size_t i = 0; i < lineStart; ++i) line += text[i] == '\n';
  size_t col = offset - lineStart + 1;
  std::cerr << path << ":" << line << ":" << col << ": error: invalid JSON: " << message << " (byte " << offset + 1 << ")\n";
  size_t lineEnd = text.find('\n', lineStart);
  std::string shown = text.substr(lineStart, (lineEnd == std::string::npos ? text.size() : lineEnd) - lineStart);
  if (!shown.empty() && shown.size() <= 200 && col <= shown.size() + 1) std::cerr << "  " << shown << "\n  " << std::string(col - 1, ' ') << "^\n";
}

bool load(const std::string& path, ImportJson& doc, std::string (*check)(const ImportJson&)) {
  std::string text;
  if (!readFile(path, text)) return false;
  std::string error;
  size_t offset = std::string::npos;
  if (!mackerel::parseImportJson(text, doc, error, offset)) {
    reportJsonError(path, text, offset, error);
    return false;
  }
  std::string bad = check(doc);
  if (!bad.empty()) {
    std::cerr << path << ": error: " << bad << "\n";
    return false;
  }
  return true;
}

// In `monitorc fmt`'s layout (long maps and lists one item per line), so an imported file
// passes `fmt --check` as written.
bool writeSource(const std::string& path, const std::string& text) {
  const std::string source = formatGenerated(text);
  if (path.empty()) {
    std::cout << source;
    return static_cast<bool>(std::cout.flush());
  }
  std::string error;
  if (writeFileAtomic(path, source, error)) return true;
  std::cerr << "monitorc: error: " << error << "\n";
  return false;
}

// ":LINE:COL: error: MESSAGE" for an importer's "LINE:COL: MESSAGE", else ": error: MESSAGE".
std::string located(const std::string& error) {
  size_t i = 0;
  for (int part = 0; part < 2; ++part) {
    size_t digits = i;
    while (i < error.size() && std::isdigit(static_cast<unsigned char>(error[i]))) ++i;
    if (i == digits || i >= error.size() || error[i] != ':') return ": error: " + error;
    ++i;
  }
  if (error.compare(i, 1, " ") != 0) return ": error: " + error;
  return ":" + error.substr(0, i) + " error:" + error.substr(i);
}

// An importer may declare the target its objects go to (`target grafana "grafana" {}`); when
// several files are imported into one source, the same one-line declaration is kept once.
std::string withoutRepeatedTargets(const std::string& source, const std::string& before) {
  std::string out;
  size_t at = 0;
  while (at < source.size()) {
    size_t end = source.find('\n', at);
    end = end == std::string::npos ? source.size() : end + 1;
    std::string line = source.substr(at, end - at);
    bool repeated = line.rfind("target ", 0) == 0 && line.find('{') != std::string::npos && line.back() == '\n' &&
                    line[line.size() - 2] == '}' && (before.rfind(line, 0) == 0 || before.find("\n" + line) != std::string::npos);
    if (!repeated) out += line;
    at = end;
  }
  return out;
}

// One source text per input file, joined.
int importFiles(const char* what, ImportFn fn, const std::vector<std::string>& files, const std::string& out) {
  if (files.empty()) {
    std::cerr << "monitorc: error: nothing to import: name one or more " << what << " files\n";
    return 1;
  }
  std::string all;
  for (const auto& path : files) {
    std::string text, source, error;
    std::vector<std::string> warnings;
    if (!readFile(path, text)) return 1;
    bool ok = fn(text, source, warnings, error);
    for (const auto& w : warnings) std::cerr << "monitorc: warning: " << path << ": " << w << "\n";
    if (!ok) {
      std::cerr << path << located(error) << "\n";
      return 1;
    }
    all += (all.empty() ? "" : "\n") + withoutRepeatedTargets(source, all);
  }
  return writeSource(out, all) ? 0 : 1;
}

}  // namespace

Runner setupImport(CLI::App& sub) {
  sub.footer(
      "Examples:\n"
      "  monitorc import prometheus rules.yml -o alerts.mon        a rule file or PrometheusRule objects\n"
      "  monitorc import grafana dashboard.json -o board.mon\n"
      "  monitorc import mackerel --monitors monitors.json -o adopted.mon\n"
      "  monitorc import mackerel --monitors m.json --downtimes d.json --time-zone Asia/Tokyo\n"
      "Exit status: 0 written (warnings name what was not kept); 1 the input is not what the\n"
      "system writes, is too large, or cannot be read (FILE:LINE:COL when it has a place).\n");
  struct Opts {
    std::string system;
    std::string monitors;
    std::vector<std::string> dashboards;
    std::string channels, groups, downtimes, alertGroups, timeZone = "UTC";
    std::string out;
    std::vector<std::string> files;
  };
  auto o = std::make_shared<Opts>();
  std::vector<std::string> systems;
  std::string kinds;
  for (const auto& b : backends())
    if (b.importFile) {
      systems.push_back(b.name);
      kinds += std::string(kinds.empty() ? "" : "; ") + b.name + ": " + b.importWhat + " files";
    }
  sub.add_option("system", o->system, "Where it comes from: " + CLI::detail::join(systems, ", "))->required()
      ->check(CLI::IsMember(systems));
  sub.add_option("files", o->files, kinds);
  sub.add_option("--monitors", o->monitors, "An `mkr monitors pull` file or a GET /api/v0/monitors response");
  sub.add_option("--dashboard", o->dashboards, "A dashboard as GET /api/v0/dashboards/<id> or mkr returns it (repeatable)");
  sub.add_option("--channels", o->channels, "A GET /api/v0/channels response");
  sub.add_option("--notification-groups", o->groups, "A GET /api/v0/notification-groups response");
  sub.add_option("--downtimes", o->downtimes, "A GET /api/v0/downtimes response");
  sub.add_option("--alert-group-settings", o->alertGroups, "A GET /api/v0/alert-group-settings response");
  sub.add_option("--time-zone", o->timeZone, "IANA time zone the maintenance windows are written in (default: UTC)");
  sub.add_option("-o,--out", o->out, "Write the source here (default: standard output)");
  return [o]() {
    const Backend* b = findBackend(o->system);
    bool routing = !o->channels.empty() || !o->groups.empty() || !o->downtimes.empty() || !o->alertGroups.empty();
    bool mackerelFlags = !o->monitors.empty() || !o->dashboards.empty() || routing;
    if (mackerelFlags && b->importFile != &mackerel::importFile) {
      std::cerr << "monitorc: error: --monitors, --dashboard, --channels, --notification-groups, --downtimes and "
                   "--alert-group-settings are for import mackerel; give "
                << o->system << " files\n";
      return 1;
    }
    if (!mackerelFlags) return importFiles(b->importWhat, b->importFile, o->files, o->out);
    if (!o->files.empty()) {
      std::cerr << "monitorc: error: give files or --monitors/--dashboard, not both\n";
      return 1;
    }
    ImportJson monitors;
    if (!o->monitors.empty() && !load(o->monitors, monitors, mackerel::checkMonitorsDoc)) return 1;
    std::vector<ImportJson> dashboards(o->dashboards.size());
    for (size_t i = 0; i < o->dashboards.size(); ++i)
      if (!load(o->dashboards[i], dashboards[i], mackerel::checkDashboardDoc)) return 1;
    ImportJson channels, groups, downtimes, alertGroups;
    if (!o->channels.empty() && !load(o->channels, channels, mackerel::checkChannelsDoc)) return 1;
    if (!o->groups.empty() && !load(o->groups, groups, mackerel::checkNotificationGroupsDoc)) return 1;
    if (!o->downtimes.empty() && !load(o->downtimes, downtimes, mackerel::checkDowntimesDoc)) return 1;
    if (!o->alertGroups.empty() && !load(o->alertGroups, alertGroups, mackerel::checkAlertGroupSettingsDoc)) return 1;
    mackerel::RoutingInput in = mackerel::routingFromApi(monitors, channels, groups, downtimes, alertGroups);
    in.timeZone = o->timeZone;
    if (std::string why; !mackerel::TimeZone().load(in.timeZone, why)) {
      std::cerr << "monitorc: error: --time-zone: " << why << "\n";
      return 1;
    }
    std::vector<std::string> warnings;
    std::string source = mackerel::importMackerelSource(monitors, dashboards, warnings, routing ? &in : nullptr);
    for (const auto& w : warnings) std::cerr << "monitorc: warning: " << w << "\n";
    return writeSource(o->out, source) ? 0 : 1;
  };
}

}  // namespace mon::cli
