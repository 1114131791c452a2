#include "support/line_diff.h"

#include <algorithm>
#include <string_view>
#include <vector>

namespace mon {

namespace {

std::vector<std::string_view> linesOf(const std::string& s) {
  std::vector<std::string_view> out;
  size_t at = 0;
  while (at < s.size()) {
    size_t end = s.find('\n', at);
    if (end == std::string::npos) end = s.size();
    out.emplace_back(s.data() + at, end - at);
    at = end + 1;
  }
  return out;
}

enum class Op { Same, Del, Ins };
struct Edit {
  Op op;
  size_t a, b;  // line indexes in the old and the new text
};

// Lines of both texts; a last line without its newline is not the same line as one with it.
struct Texts {
  std::vector<std::string_view> a, b;
  bool aEol, bEol;
  bool same(size_t i, size_t j) const {
    return a[i] == b[j] && (i + 1 == a.size() && !aEol) == (j + 1 == b.size() && !bEol);
  }
};

// The middle parts a[lo..ha) and b[lo..hb): an LCS table when it is small enough.
void middle(const Texts& t, size_t lo, size_t ha, size_t hb, std::vector<Edit>& out) {
  size_t n = ha - lo, m = hb - lo;
  constexpr size_t kMaxCells = 4'000'000;
  if (n == 0 || m == 0 || n * m > kMaxCells) {
    for (size_t i = 0; i < n; ++i) out.push_back({Op::Del, lo + i, lo});
    for (size_t j = 0; j < m; ++j) out.push_back({Op::Ins, lo + n, lo + j});
    return;
  }
  std::vector<uint32_t> len((n + 1) * (m + 1), 0);  // len[i][j]: LCS of a[i..] and b[j..]
  auto at = [&](size_t i, size_t j) -> uint32_t& { return len[i * (m + 1) + j]; };
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      at(i, j) = t.same(lo + i, lo + j) ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && t.same(lo + i, lo + j)) out.push_back({Op::Same, lo + i++, lo + j++});
    else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) out.push_back({Op::Del, lo + i++, lo + j});  // as diff -u: - before +
    else out.push_back({Op::Ins, lo + i, lo + j++});
  }
}

}  // namespace

std::string unifiedDiff(const std::string& a, const std::string& b, const std::string& nameA, const std::string& nameB,
                        int context) {
  if (a == b) return "";
  const Texts t{linesOf(a), linesOf(b), a.empty() || a.back() == '\n', b.empty() || b.back() == '\n'};
  const auto& la = t.a;
  const auto& lb = t.b;
  const bool aEol = t.aEol, bEol = t.bEol;
  size_t pre = 0;
  while (pre < la.size() && pre < lb.size() && t.same(pre, pre)) ++pre;
  size_t suf = 0;
  while (suf < la.size() - pre && suf < lb.size() - pre && t.same(la.size() - 1 - suf, lb.size() - 1 - suf)) ++suf;
  std::vector<Edit> edits;
  for (size_t i = 0; i < pre; ++i) edits.push_back({Op::Same, i, i});
  middle(t, pre, la.size() - suf, lb.size() - suf, edits);
  for (size_t k = suf; k > 0; --k) edits.push_back({Op::Same, la.size() - k, lb.size() - k});

  std::string out = "--- " + nameA + "\n+++ " + nameB + "\n";
  auto line = [&](char mark, std::string_view text, bool last, bool eol) {
    out += mark;
    out.append(text);
    out += '\n';
    if (last && !eol) out += "\\ No newline at end of file\n";
  };
  size_t k = 0;
  const size_t ctx = static_cast<size_t>(std::max(context, 0));
  while (k < edits.size()) {
    if (edits[k].op == Op::Same) {
      ++k;
      continue;
    }
    // A hunk: from `ctx` lines before this change to `ctx` after the last change that is at most
    // 2 * ctx unchanged lines after the one before it.
    size_t start = k >= ctx ? k - ctx : 0, end = k;
    while (end < edits.size()) {
      size_t next = end;
      while (next < edits.size() && edits[next].op != Op::Same) ++next;
      size_t same = next;
      while (same < edits.size() && edits[same].op == Op::Same) ++same;
      if (same == edits.size() || same - next > 2 * ctx) {
        end = std::min(edits.size(), next + ctx);
        break;
      }
      end = same;
    }
    size_t aStart = edits[start].a, bStart = edits[start].b, aCount = 0, bCount = 0;
    for (size_t x = start; x < end; ++x) {
      aCount += edits[x].op != Op::Ins;
      bCount += edits[x].op != Op::Del;
    }
    out += "@@ -" + std::to_string(aCount ? aStart + 1 : aStart) + "," + std::to_string(aCount) + " +" +
           std::to_string(bCount ? bStart + 1 : bStart) + "," + std::to_string(bCount) + " @@\n";
    for (size_t x = start; x < end; ++x) {
      const Edit& e = edits[x];
      if (e.op == Op::Same) line(' ', la[e.a], e.a + 1 == la.size(), aEol);
      else if (e.op == Op::Del) line('-', la[e.a], e.a + 1 == la.size(), aEol);
      else line('+', lb[e.b], e.b + 1 == lb.size(), bEol);
    }
    k = end;
  }
  return out;
}

}  // namespace mon
