// libFuzzer target for saved plan files as `monitorc apply FILE` reads them: readJsonInput,
// then engine::planFromJson, then the plan back to JSON and through planFromJson once more
// (what it accepted it must write in a form it accepts again). Only these public functions,
// so the engine's insides can change without touching this file.
#include <cstddef>
#include <cstdint>
#include <string>

#include "support/json_input.h"
#include "render.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  mon::engine::Json j;
  mon::JsonInputError e;
  if (!mon::readJsonInput(text, j, e)) {
    if (e.offset > size || e.line == 0 || e.column == 0 || e.message.empty()) __builtin_trap();
    return 0;
  }
  mon::engine::Plan plan;
  std::string err;
  if (!mon::engine::planFromJson(j, plan, err)) {
    if (err.empty()) __builtin_trap();  // a refusal says why
    return 0;
  }
  mon::engine::Plan again;
  if (!mon::engine::planFromJson(mon::engine::planToJson(plan), again, err)) __builtin_trap();
  return 0;
}
