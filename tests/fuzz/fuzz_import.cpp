// libFuzzer target for the three importers on arbitrary bytes. The first byte modulo 3 picks
// one (the seeds in tests/fuzz/seeds-import start with the digit): 0 Mackerel JSON (a monitor
// list, else a dashboard), 1 a Prometheus rule file (YAML), 2 a Grafana dashboard (JSON); the
// rest is the file. When the import succeeds, its source goes
// through the front end as `monitorc check` would take it: an importer must write source that
// parses, whatever it read. Nothing touches the disk.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "diag/render.h"
#include "driver/compile.h"
#include "grafana/grafana.h"
#include "mackerel/import.h"
#include "prometheus/prometheus.h"

namespace {

class OneBufferReader : public mon::FileReader {
 public:
  explicit OneBufferReader(const std::string& text) : text_(text) {}
  bool read(const std::string& path, std::string& text, std::string& error) override {
    if (path == "imported.mon") {
      text = text_;
      return true;
    }
    error = "no such file";
    return false;
  }

 private:
  const std::string& text_;
};

bool importMackerel(const std::string& text, std::string& source, std::vector<std::string>& warnings) {
  mon::mackerel::ImportJson doc;
  std::string error;
  size_t offset = 0;
  if (!mon::mackerel::parseImportJson(text, doc, error, offset)) {
    if (offset > text.size()) __builtin_trap();  // the location is inside the text
    return false;
  }
  if (mon::mackerel::checkMonitorsDoc(doc).empty()) {
    source = mon::mackerel::importMackerelSource(doc, {}, warnings);
    return true;
  }
  if (mon::mackerel::checkDashboardDoc(doc).empty()) {
    source = mon::mackerel::importMackerelSource(nullptr, {doc}, warnings);
    return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string source, error;
  std::vector<std::string> warnings;
  bool ok = false;
  switch (data[0] % 3) {
    case 0: ok = importMackerel(text, source, warnings); break;
    case 1: ok = mon::prometheus::importRules(text, source, warnings, error); break;
    default: ok = mon::grafana::importDashboard(text, source, warnings, error); break;
  }
  if (!ok) {
    if (data[0] % 3 != 0 && error.empty()) __builtin_trap();  // a refusal says why
    return 0;
  }
  // A few megabytes of source is already far more than any input here imports to; past that
  // the front end's time, not the importer, would be what is measured.
  if (source.size() > (4u << 20)) return 0;
  OneBufferReader reader(source);
  mon::Compilation c;
  mon::compile({"imported.mon"}, mon::CompileOptions{}, reader, c);
  std::string rendered = mon::renderText(c.sources, c.diags.all());
  if (c.diags.all().empty() != rendered.empty()) __builtin_trap();
  return 0;
}
