#include "mackerel/gojson.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace mon::mackerel {

std::string goNumber(double v) {
  if (v == 0) return "0";
  char buf[64];
  double a = std::fabs(v);
  if (a >= 1e-6 && a < 1e21) {
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    return std::string(buf, r.ptr);
  }
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string s(buf, r.ptr);
  // Go writes e+21 and e-07 -> e-7 (encoding/json trims a single leading exponent zero).
  size_t e = s.find('e');
  std::string mant = s.substr(0, e), exp = s.substr(e + 1);
  char sign = exp[0];
  std::string digits = exp.substr(1);
  while (digits.size() > 1 && digits[0] == '0') digits.erase(0, 1);
  if (sign == '+' && digits.size() < 2) digits = "0" + digits;
  return mant + "e" + sign + digits;
}

namespace {

// Bytes that Go's encoder does not copy as they are.
bool special(unsigned char c) { return c < 0x20 || c == '"' || c == '\\' || c == '&' || c == 0xE2; }

void appendGoString(std::string& out, const std::string& s) {
  out += '"';
  const char* hex = "0123456789abcdef";
  size_t run = 0;  // start of the pending run of ordinary bytes
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (!special(c)) continue;
    // U+2028 and U+2029 (E2 80 A8 / E2 80 A9) break JavaScript, so Go escapes them.
    bool lineSep = c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                   (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9);
    if (c == 0xE2 && !lineSep) continue;
    out.append(s, run, i - run);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '&': out += "\\u0026"; break;
      case 0xE2:
        out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
        i += 2;
        break;
      default:
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 15];
    }
    run = i + 1;
  }
  out.append(s, run, std::string::npos);
  out += '"';
}

// Appends without building intermediate strings: the monitors file of a large setup is
// megabytes, and per-value temporaries were most of the Mackerel backend's time.
void write(const nlohmann::ordered_json& j, int indent, int depth, std::string& out) {
  size_t pad = static_cast<size_t>(indent * (depth + 1)), closePad = static_cast<size_t>(indent * depth);
  switch (j.type()) {
    case nlohmann::json::value_t::null: out += "null"; return;
    case nlohmann::json::value_t::boolean: out += j.get<bool>() ? "true" : "false"; return;
    case nlohmann::json::value_t::number_integer: out += std::to_string(j.get<long long>()); return;
    case nlohmann::json::value_t::number_unsigned: out += std::to_string(j.get<unsigned long long>()); return;
    case nlohmann::json::value_t::number_float: out += goNumber(j.get<double>()); return;
    case nlohmann::json::value_t::string: appendGoString(out, j.get_ref<const std::string&>()); return;
    case nlohmann::json::value_t::array: {
      if (j.empty()) {
        out += "[]";
        return;
      }
      out += "[\n";
      size_t i = 0, n = j.size();
      for (const auto& item : j) {
        out.append(pad, ' ');
        write(item, indent, depth + 1, out);
        out += ++i < n ? ",\n" : "\n";
      }
      out.append(closePad, ' ');
      out += ']';
      return;
    }
    case nlohmann::json::value_t::object: {
      if (j.empty()) {
        out += "{}";
        return;
      }
      out += "{\n";
      size_t i = 0, n = j.size();
      for (auto it = j.begin(); it != j.end(); ++it) {
        out.append(pad, ' ');
        appendGoString(out, it.key());
        out += ": ";
        write(it.value(), indent, depth + 1, out);
        out += ++i < n ? ",\n" : "\n";
      }
      out.append(closePad, ' ');
      out += '}';
      return;
    }
    default: out += "null"; return;
  }
}

}  // namespace

std::string goString(const std::string& s) {
  std::string out;
  out.reserve(s.size() + 2);
  appendGoString(out, s);
  return out;
}

void appendGoIndent(std::string& out, const nlohmann::ordered_json& j, int indent, int depth) {
  write(j, indent, depth, out);
}

std::string goIndent(const nlohmann::ordered_json& j, int indent) {
  std::string out;
  write(j, indent, 0, out);
  return out;
}

}  // namespace mon::mackerel
