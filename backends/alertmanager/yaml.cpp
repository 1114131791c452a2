// A small YAML writer for the configs this backend builds. Strings are always double-quoted
// with JSON's escapes and non-ASCII escaped, so no value can be read back as another type
// ("on", "1e3") or break a line (U+2028 is a line break to some YAML readers).
#include "alertmanager/alertmanager.h"

namespace mon::alertmanager {

namespace {

std::string scalar(const ir::Json& v) {
  if (v.is_string()) return v.dump(-1, ' ', true);
  if (v.is_null()) return "null";
  return v.dump();
}

bool isEmptyCollection(const ir::Json& v) { return (v.is_object() || v.is_array()) && v.empty(); }

void write(const ir::Json& v, int indent, std::string& out);

// A value after "key:" or "- ": inline when scalar or empty, else on the next lines.
void member(const ir::Json& v, int indent, std::string& out) {
  if (isEmptyCollection(v)) {
    out += v.is_object() ? " {}\n" : " []\n";
  } else if (v.is_object() || v.is_array()) {
    out += "\n";
    write(v, indent, out);
  } else {
    out += " " + scalar(v) + "\n";
  }
}

void write(const ir::Json& v, int indent, std::string& out) {
  std::string pad(static_cast<size_t>(indent), ' ');
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      out += pad + it.key() + ":";
      member(it.value(), indent + 2, out);
    }
  } else if (v.is_array()) {
    for (const auto& item : v) {
      if (item.is_object() && !item.empty()) {
        // "- first: x" then the other keys aligned under it.
        std::string inner;
        write(item, indent + 2, inner);
        out += pad + "- " + inner.substr(static_cast<size_t>(indent) + 2);
      } else {
        out += pad + "-";
        member(item, indent + 2, out);
      }
    }
  } else {
    out += pad + scalar(v) + "\n";
  }
}

}  // namespace

std::string toYaml(const ir::Json& value) {
  std::string out;
  write(value, 0, out);
  return out;
}

}  // namespace mon::alertmanager
