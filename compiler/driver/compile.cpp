#include "driver/compile.h"

#include "lower/lower.h"

namespace mon {

void compile(const std::vector<std::string>& paths, const CompileOptions& opts, FileReader& reader, Compilation& c) {
  c.diags.setErrorLimit(1000);
  c.program = load(paths, c.sources, c.diags, reader);
  Expanded expanded = expand(c.program, c.sources, ExpandOptions{opts.vars}, c.diags);
  c.module = lower(expanded.objects, c.diags);
}

}  // namespace mon
