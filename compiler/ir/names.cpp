#include <mutex>
#include <set>
#include <string>

#include "ir/ir.h"

namespace mon::ir {

std::string_view internName(std::string_view name) {
  // A set's nodes never move, so the views stay valid; the language server lowers on worker
  // threads, hence the lock. Lowering passes the schema's own names and does not come here.
  static std::mutex lock;
  static std::set<std::string, std::less<>> names;
  std::lock_guard<std::mutex> held(lock);
  auto it = names.find(name);
  if (it == names.end()) it = names.emplace(name).first;
  return *it;
}

}  // namespace mon::ir
