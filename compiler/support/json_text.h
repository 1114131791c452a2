#pragma once
// JSON text of values that came from outside (a server's answer, a rule file, a saved plan),
// for output and plan files. nlohmann's dump() throws on a string that is not UTF-8 (YAML and
// files read from disk are not checked) and writes DEL and C1 controls (U+0080..U+009F) raw,
// which a terminal may act on. jsonText() does neither.
#include <string>

namespace mon {

/// `text` (JSON text from dump()) with DEL and the C1 controls written as \u escapes. They can
/// only occur inside strings (everything else in JSON text is printable ASCII), where the
/// escape means the same character, so the result parses to the same value.
std::string escapeJsonControls(const std::string& text);

/// j.dump(indent) that cannot throw: bytes that are not UTF-8 become U+FFFD; every control
/// character is escaped (C0 by nlohmann, DEL and C1 by escapeJsonControls).
template <class J>
std::string jsonText(const J& j, int indent = -1) {
  return escapeJsonControls(j.dump(indent, ' ', false, J::error_handler_t::replace));
}

}  // namespace mon
