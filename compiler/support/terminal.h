#pragma once
// Text from outside (a server's error message, a name read from an API, a saved plan) shown on a
// terminal: control characters in it could move the cursor, rewrite earlier lines, set the
// window title or worse. terminalSafe() shows them as escapes instead.
#include <string>
#include <string_view>

namespace mon {

/// `text` with every C0 control (ESC included), DEL and C1 control (U+0080..U+009F) written as
/// an escape ("\x1b", "\x7f", "\u009b"), and bytes that are not UTF-8 as "\xNN". Newlines and
/// tabs are kept when `keepLineBreaks`, else written as "\n" and "\t" too (for one-line output).
/// Backslashes are left as they are: the result is for reading, not for parsing back.
std::string terminalSafe(std::string_view text, bool keepLineBreaks = true);

/// Whether to colour output written to `fd`: a terminal, NO_COLOR unset or empty
/// (https://no-color.org), TERM not "dumb".
bool useColor(int fd);

}  // namespace mon
