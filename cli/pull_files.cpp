#include "pull_files.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "parse/parse.h"
#include "support/hash.h"

namespace mon::cli {

namespace {

constexpr size_t kMaxSlug = 60;

// The object's name: the block's last string label with its text decoded ("CPU high"), else
// its word labels.
std::string objectName(const ast::Stmt& s) {
  std::string words;
  for (const auto& l : s.labels) {
    if (!l.isWord && l.string) {
      std::string text;
      for (const auto& p : l.string->parts) text += p.text;
      return text;
    }
    words += (words.empty() ? "" : " ") + l.word;
  }
  return words;
}

std::string hash8(const std::string& s) { return hex16(fnv1a(s)).substr(0, 8); }

// The end of the line holding offset `at` (past its newline).
size_t lineEnd(const std::string& text, size_t at) {
  size_t nl = text.find('\n', at);
  return nl == std::string::npos ? text.size() : nl + 1;
}

}  // namespace

std::string fileSlug(const std::string& name, const std::string& fallback) {
  std::string out;
  for (unsigned char c : name) {
    if (std::isalnum(c) && c < 0x80) {
      out += static_cast<char>(std::tolower(c));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
    if (out.size() >= kMaxSlug) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? fallback : out;
}

bool splitPerObject(const std::string& source, bool ordered, std::vector<PulledFile>& out) {
  // The header: leading comment lines up to a blank line ("# Written by `monitorc pull` ...").
  std::string header;
  size_t bodyStart = 0;
  while (bodyStart < source.size() && source[bodyStart] == '#') bodyStart = lineEnd(source, bodyStart);
  if (bodyStart > 0 && bodyStart < source.size() && source[bodyStart] == '\n') {
    header = source.substr(0, bodyStart) + "\n";
  } else {
    bodyStart = 0;
  }
  SourceManager sm;
  DiagEngine diags;
  FileId id = sm.add("pulled.mon", source);
  ast::File file = parse(sm, id, diags);
  if (diags.hasErrors()) return false;

  struct Piece {
    std::string dir, slug, name, text;
  };
  std::vector<Piece> pieces;
  size_t from = bodyStart;
  for (const auto& s : file.stmts) {
    size_t to = lineEnd(source, s->range.end ? s->range.end - 1 : 0);
    if (to <= from) continue;
    std::string text = source.substr(from, to - from);
    text.erase(0, text.find_first_not_of('\n'));
    std::string kind = s->kind == ast::StmtKind::Block ? s->name : "statement";
    std::string name = objectName(*s);
    pieces.push_back({fileSlug(kind, "object") + "s", fileSlug(name, fileSlug(kind, "object")), name, header + text});
    from = to;
  }
  if (pieces.empty()) return true;
  pieces.back().text += source.substr(from);  // comments after the last statement
  std::string& last = pieces.back().text;
  while (last.size() > 1 && last[last.size() - 1] == '\n' && last[last.size() - 2] == '\n') last.pop_back();

  if (ordered) {  // the number makes every name unique
    const size_t width = std::max<size_t>(3, std::to_string(pieces.size()).size());
    for (size_t i = 0; i < pieces.size(); ++i) {
      std::string n = std::to_string(i + 1);
      std::string kind = pieces[i].dir.substr(0, pieces[i].dir.size() - 1);
      out.push_back({std::string(width - n.size(), '0').append(n).append("-").append(kind).append("-").append(pieces[i].slug).append(".mon"),
                     pieces[i].text});
    }
    return true;
  }
  // Collisions: every piece whose slug another piece shares gets the hash of its own name.
  std::map<std::string, int> uses;
  for (const auto& p : pieces) ++uses[p.dir + "/" + p.slug];
  for (auto& p : pieces)
    if (uses[p.dir + "/" + p.slug] > 1) p.slug.append("-").append(hash8(p.name));  // (appends: no GCC 12 -Wrestrict)
  std::set<std::string> taken;
  for (auto& p : pieces) {
    std::string base = p.dir + "/" + p.slug, path = base;
    for (int n = 2; !taken.insert(path).second; ++n) path = base + "-" + std::to_string(n);  // one name twice
    out.push_back({path + ".mon", p.text});
  }
  return true;
}

}  // namespace mon::cli
