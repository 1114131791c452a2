#include "support/series_notation.h"

#include <cmath>
#include <cstdlib>

namespace mon {

namespace {

// The most samples one token may expand to: a typo such as "1x1000000000" is an error, not an
// allocation of gigabytes.
constexpr long long kMaxSteps = 100000;

bool readNumber(const std::string& s, double& v) {
  if (s.empty()) return false;
  const char* begin = s.c_str();
  char* end = nullptr;
  v = std::strtod(begin, &end);
  return end == begin + s.size() && std::isfinite(v);
}

bool readCount(const std::string& s, long long& n) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  n = std::atoll(s.c_str());
  return true;
}

// One whitespace-free token; false with `error` when it is not notation.
bool expandToken(const std::string& tok, std::vector<SeriesSample>& out, std::string& error) {
  if (tok == "stale") {
    out.push_back({SeriesSample::Kind::Stale, 0});
    return true;
  }
  if (tok == "_") {
    out.push_back({SeriesSample::Kind::Missing, 0});
    return true;
  }
  size_t x = tok.rfind('x');
  if (x == std::string::npos) {
    double v;
    if (!readNumber(tok, v)) {
      error = "'" + tok + "' is not a number, '_', 'stale', 'AxN' or 'A+BxN'";
      return false;
    }
    out.push_back({SeriesSample::Kind::Value, v});
    return true;
  }
  long long n = 0;
  if (!readCount(tok.substr(x + 1), n)) {
    error = "the count after 'x' in '" + tok + "' must be a whole number";
    return false;
  }
  if (n > kMaxSteps || out.size() + n > static_cast<size_t>(kMaxSteps)) {
    error = "'" + tok + "' makes more than " + std::to_string(kMaxSteps) + " samples";
    return false;
  }
  std::string head = tok.substr(0, x);
  if (head == "_") {  // "_xN": N steps without a sample
    out.insert(out.end(), static_cast<size_t>(n), SeriesSample{SeriesSample::Kind::Missing, 0});
    return true;
  }
  // "A+BxN" / "A-BxN": the sign between A and B is the first + or - after A's own sign and
  // not right after an exponent's 'e'.
  size_t op = std::string::npos;
  for (size_t i = 1; i < head.size(); ++i)
    if ((head[i] == '+' || head[i] == '-') && head[i - 1] != 'e' && head[i - 1] != 'E') {
      op = i;
      break;
    }
  double start = 0, step = 0;
  if (op == std::string::npos) {
    if (!readNumber(head, start)) {
      error = "'" + head + "' in '" + tok + "' is not a number";
      return false;
    }
  } else {
    if (!readNumber(head.substr(0, op), start) || !readNumber(head.substr(op + 1), step)) {
      error = "'" + tok + "' is not 'A+BxN' with numbers A and B";
      return false;
    }
    if (head[op] == '-') step = -step;
  }
  for (long long i = 0; i <= n; ++i) out.push_back({SeriesSample::Kind::Value, start + step * static_cast<double>(i)});
  return true;
}

}  // namespace

bool parseSeries(const std::string& text, std::vector<SeriesSample>& out, std::string& error, size_t& errorOffset,
                 size_t& errorLength) {
  out.clear();
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r') {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r') ++i;
    if (!expandToken(text.substr(start, i - start), out, error)) {
      errorOffset = start;
      errorLength = i - start;
      return false;
    }
  }
  if (out.empty()) {
    error = "the series has no samples";
    errorOffset = 0;
    errorLength = text.size();
    return false;
  }
  return true;
}

}  // namespace mon
