#include "mackerel/import_writer.h"

#include <cctype>
#include <cmath>

#include "support/text.h"

namespace mon::mackerel {

namespace {

constexpr size_t kWidth = 100;  // the formatter's line width (compiler/fmt/format.cpp)

bool isIdentifier(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  static const char* keywords[] = {"import", "let", "template", "use", "for", "in", "if",
                                   "else", "variable", "true", "false", "null"};
  for (const char* k : keywords)
    if (s == k) return false;
  return true;
}

bool wholeNumber(const ImportJson& v, long long& out) {
  if (v.is_number_integer()) {
    out = v.get<long long>();
    return true;
  }
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (d != std::floor(d) || std::fabs(d) > 9e15) return false;
    out = static_cast<long long>(d);
    return true;
  }
  return false;
}

// The one-line spelling: `[a, b]`, `{ k = v, k2 = v2 }`.
std::string flat(const Lit& v) {
  if (v.kind == Lit::Atom) return v.atom;
  std::string out;
  if (v.kind == Lit::List) {
    for (size_t i = 0; i < v.items.size(); ++i) out += (i ? ", " : "") + flat(v.items[i]);
    return "[" + out + "]";
  }
  if (v.items.empty()) return "{}";
  for (size_t i = 0; i < v.items.size(); ++i) out += (i ? ", " : "") + v.keys[i] + " = " + flat(v.items[i]);
  return "{ " + out + " }";
}

// As the formatter lays it out: flat when `column` + the flat text + `trailing` characters fit
// in the width, else one item per line (indented one level more) with a trailing comma.
std::string layout(const Lit& v, size_t column, int depth, size_t trailing) {
  std::string f = flat(v);
  if (v.kind == Lit::Atom || v.items.empty() || column + utf8Length(f) + trailing <= kWidth) return f;
  std::string pad(static_cast<size_t>(depth + 1) * 2, ' ');
  std::string out = v.kind == Lit::List ? "[\n" : "{\n";
  for (size_t i = 0; i < v.items.size(); ++i) {
    std::string key = v.kind == Lit::Map ? v.keys[i] + " = " : "";
    out += pad + key + layout(v.items[i], pad.size() + utf8Length(key), depth + 1, 1) + ",\n";
  }
  return out + std::string(static_cast<size_t>(depth) * 2, ' ') + (v.kind == Lit::List ? "]" : "}");
}

}  // namespace

std::string flatLiteral(const Lit& v) { return flat(v); }

std::string stringLiteral(const std::string& s) { return quoteSource(s); }

std::string keyLiteral(const std::string& k) { return isIdentifier(k) ? k : stringLiteral(k); }

std::string numberLiteral(const ImportJson& v) {
  if (v.is_number_unsigned()) return std::to_string(v.get<unsigned long long>());
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  double d = v.get<double>();
  if (d == 0 && std::signbit(d)) return "-0";
  return formatNumber(d);
}

Lit jsonLiteral(const ImportJson& v) {
  switch (v.type()) {
    case ImportJson::value_t::boolean: return Lit::of(v.get<bool>() ? "true" : "false");
    case ImportJson::value_t::number_integer:
    case ImportJson::value_t::number_unsigned:
    case ImportJson::value_t::number_float: return Lit::of(numberLiteral(v));
    case ImportJson::value_t::string: return Lit::of(stringLiteral(v.get<std::string>()));
    case ImportJson::value_t::array: {
      Lit l = Lit::list();
      for (const auto& x : v) l.items.push_back(jsonLiteral(x));
      return l;
    }
    case ImportJson::value_t::object: {
      Lit m = Lit::map();
      for (auto it = v.begin(); it != v.end(); ++it) m.add(keyLiteral(it.key()), jsonLiteral(it.value()));
      return m;
    }
    default: return Lit::of("null");
  }
}

std::string durationLiteral(const ImportJson& value, long long unitMs) {
  long long n;
  if (!wholeNumber(value, n) || n < 0 || n > (1LL << 40)) return "";
  if (n == 0) return unitMs == 1 ? "0ms" : unitMs == 1000 ? "0s" : unitMs == 60000 ? "0m" : "0d";
  // Days stay days (14d, not 2w); other units take the largest single exact unit (1h, 90m,
  // 3s), as formatDurationMs does.
  if (unitMs == 86400000) return std::to_string(n) + "d";
  return formatDurationMs(n * unitMs);
}

Lit fieldLiteral(const schema::Field& f, const ImportJson& v) {
  using schema::Type;
  switch (f.type) {
    case Type::String:
    case Type::Operator: return v.is_string() ? Lit::of(stringLiteral(v.get<std::string>())) : Lit{};
    case Type::Bool: return v.is_boolean() ? jsonLiteral(v) : Lit{};
    case Type::Int:
    case Type::Count:
    case Type::Number:
    case Type::Threshold: return v.is_number() ? Lit::of(numberLiteral(v)) : Lit{};
    case Type::Duration: return Lit::of(durationLiteral(v, f.unitMs));
    case Type::Enum:
      if (!v.is_string()) return Lit{};
      for (const auto& e : f.values)
        if (v.get<std::string>() == e.api) return Lit::of(e.word);
      return Lit{};
    case Type::StringList:
    case Type::Scopes:
      if (!v.is_array()) return Lit{};
      for (const auto& item : v)
        if (!item.is_string()) return Lit{};
      return jsonLiteral(v);
    default: return Lit{};
  }
}

std::string snakeCase(const std::string& camel) {
  std::string out;
  for (char c : camel) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      out += '_';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

void BlockWriter::indent() { out_.append(static_cast<size_t>(depth_) * 2, ' '); }

void BlockWriter::attr(const std::string& name, const Lit& value) {
  indent();
  out_ += name + " = " + layout(value, static_cast<size_t>(depth_) * 2 + utf8Length(name) + 3, depth_, 0) + "\n";
}

void BlockWriter::line(const std::string& text) {
  indent();
  out_ += text + "\n";
}

void BlockWriter::open(const std::string& header) {
  indent();
  out_ += header + " {\n";
  ++depth_;
}

void BlockWriter::close() {
  --depth_;
  indent();
  out_ += "}\n";
}

}  // namespace mon::mackerel
