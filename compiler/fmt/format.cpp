#include "fmt/format.h"

namespace mon {

std::string format(const SourceManager& sm, const ast::File& file) { return sm.text(file.id); }

}  // namespace mon
