#include "cloudwatch/xml.h"

#include <set>

namespace mon::cloudwatch {

namespace {

// Elements of the responses read here that are lists (empty ones have no <member>).
const std::set<std::string> kLists = {"MetricAlarms", "CompositeAlarms", "OKActions", "AlarmActions", "InsufficientDataActions",
                                      "Dimensions", "Metrics", "Tags", "DashboardEntries"};

struct Parser {
  const std::string& s;
  size_t i = 0;
  std::string err;

  void skipSpace() {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  }
  bool skipPast(const char* end) {
    size_t at = s.find(end, i);
    if (at == std::string::npos) return false;
    i = at + std::char_traits<char>::length(end);
    return true;
  }
  void entity(std::string& out) {
    size_t semi = s.find(';', i);
    if (semi == std::string::npos || semi - i > 10) {
      out += s[i++];
      return;
    }
    std::string e = s.substr(i + 1, semi - i - 1);
    i = semi + 1;
    if (e == "lt") out += '<';
    else if (e == "gt") out += '>';
    else if (e == "amp") out += '&';
    else if (e == "quot") out += '"';
    else if (e == "apos") out += '\'';
    else if (!e.empty() && e[0] == '#') {
      unsigned long cp = e.size() > 1 && (e[1] == 'x' || e[1] == 'X') ? std::stoul("0" + e.substr(2), nullptr, 16)
                                                                      : std::stoul("0" + e.substr(1), nullptr, 10);
      if (cp < 0x80) out += static_cast<char>(cp);
      else if (cp < 0x800) out += static_cast<char>(0xC0 | (cp >> 6)), out += static_cast<char>(0x80 | (cp & 0x3F));
      else if (cp < 0x10000)
        out += static_cast<char>(0xE0 | (cp >> 12)), out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
            out += static_cast<char>(0x80 | (cp & 0x3F));
      else
        out += static_cast<char>(0xF0 | (cp >> 18)), out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F)),
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += "&" + e + ";";
    }
  }
  // Prolog, comments and processing instructions before the root.
  void skipMisc() {
    for (;;) {
      skipSpace();
      if (s.compare(i, 2, "<?") == 0) {
        if (!skipPast("?>")) return;
      } else if (s.compare(i, 4, "<!--") == 0) {
        if (!skipPast("-->")) return;
      } else if (s.compare(i, 2, "<!") == 0) {
        if (!skipPast(">")) return;
      } else {
        return;
      }
    }
  }
  bool element(XmlNode& n, int depth) {
    if (depth > 64) return (err = "nested too deeply", false);
    if (i >= s.size() || s[i] != '<') return (err = "expected an element", false);
    ++i;
    size_t start = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])) && s[i] != '>' && s[i] != '/') ++i;
    n.name = s.substr(start, i - start);
    if (size_t colon = n.name.find(':'); colon != std::string::npos) n.name = n.name.substr(colon + 1);
    // Attributes: skipped, minding quotes.
    char quote = 0;
    while (i < s.size() && (quote || (s[i] != '>' && s[i] != '/'))) {
      if (quote && s[i] == quote) quote = 0;
      else if (!quote && (s[i] == '"' || s[i] == '\'')) quote = s[i];
      ++i;
    }
    if (i >= s.size()) return (err = "unterminated element <" + n.name + ">", false);
    if (s[i] == '/') {
      i += 2;
      return true;
    }
    ++i;
    for (;;) {
      if (i >= s.size()) return (err = "unterminated element <" + n.name + ">", false);
      if (s.compare(i, 2, "</") == 0) {
        if (!skipPast(">")) return (err = "unterminated end tag", false);
        return true;
      }
      if (s.compare(i, 4, "<!--") == 0) {
        if (!skipPast("-->")) return (err = "unterminated comment", false);
      } else if (s.compare(i, 9, "<![CDATA[") == 0) {
        size_t end = s.find("]]>", i);
        if (end == std::string::npos) return (err = "unterminated CDATA", false);
        n.text += s.substr(i + 9, end - i - 9);
        i = end + 3;
      } else if (s[i] == '<') {
        XmlNode c;
        if (!element(c, depth + 1)) return false;
        n.children.push_back(std::move(c));
      } else if (s[i] == '&') {
        entity(n.text);
      } else {
        n.text += s[i++];
      }
    }
  }
};

}  // namespace

bool parseXml(const std::string& text, XmlNode& root, std::string& err) {
  Parser p{text, 0, {}};
  p.skipMisc();
  if (!p.element(root, 0)) return (err = "the answer is not XML: " + p.err, false);
  return true;
}

ir::Json toJson(const XmlNode& n) {
  if (n.children.empty()) return kLists.count(n.name) ? ir::Json::array() : ir::Json(n.text);
  bool list = true;
  for (const auto& c : n.children) list = list && c.name == "member";
  if (list) {
    ir::Json a = ir::Json::array();
    for (const auto& c : n.children) a.push_back(toJson(c));
    return a;
  }
  ir::Json o = ir::Json::object();
  for (const auto& c : n.children) o[c.name] = toJson(c);
  return o;
}

}  // namespace mon::cloudwatch
