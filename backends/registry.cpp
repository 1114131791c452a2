#include "backend.h"
#include "mackerel/mackerel.h"

namespace mon {

const std::vector<Backend>& backends() {
  static const std::vector<Backend> all = {
      {"mackerel", &mackerel::build},
  };
  return all;
}

}  // namespace mon
