// libFuzzer target for the whole front end: lex, parse, imports, expand and lower, then the
// Mackerel build when the input has no errors, and both diagnostic renderers. The input is the
// file "fuzz.mon"; an import of that same path gets the same buffer (an import cycle), any
// other import fails as a missing file would. Nothing touches the disk.
#include <cstddef>
#include <cstdint>
#include <string>

#include "diag/render.h"
#include "driver/compile.h"
#include "mackerel/mackerel.h"

namespace {

class OneBufferReader : public mon::FileReader {
 public:
  explicit OneBufferReader(std::string text) : text_(std::move(text)) {}
  bool read(const std::string& path, std::string& text, std::string& error) override {
    if (path == "fuzz.mon") {
      text = text_;
      return true;
    }
    error = "no such file";
    return false;
  }

 private:
  std::string text_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  OneBufferReader reader(std::string(reinterpret_cast<const char*>(data), size));
  mon::Compilation c;
  mon::compile({"fuzz.mon"}, mon::CompileOptions{}, reader, c);
  std::string text = mon::renderText(c.sources, c.diags.all());
  std::string json = mon::renderJson(c.sources, c.diags.all());
  if (c.diags.all().empty() != text.empty()) __builtin_trap();  // every diagnostic renders
  if (!c.diags.hasErrors()) {
    // The backend checks its own limits (widget sizes): writing nothing is right only with an error.
    mon::OutputFiles files = mon::mackerel::build(c.module, c.diags);
    if (!c.diags.hasErrors() && files.count("mackerel/monitors.json") != 1) __builtin_trap();
  }
  return 0;
}
