// documentSymbols(): the outline of a file. Monitors and dashboards (rows and widgets as
// children), targets, channels, routes, variables, templates and top-level lets; blocks made inside for, if
// and template bodies are listed too, under the label as written.
#include "lsp_features.h"
#include "names.h"

namespace mon::lsp {

namespace {

class Outliner {
 public:
  explicit Outliner(const SourceManager& sm) : sm_(sm) {}

  void stmts(const ast::List<ast::StmtPtr>& list, std::vector<Symbol>& out, int depth, bool top) {
    if (depth > 64) return;
    for (const auto& st : list) stmt(*st, out, depth, top);
  }

 private:
  std::string labelText(const ast::Label& l) const {
    if (l.isWord) return l.word;
    std::string src = sourceText(sm_, l.range);
    if (src.size() >= 2 && src.front() == '"' && src.back() == '"') src = src.substr(1, src.size() - 2);
    return src;
  }

  static Range selection(const ast::Stmt& st, Range preferred) {
    Range r = preferred.valid() ? preferred : st.nameRange.valid() ? st.nameRange : st.range;
    if (r.begin < st.range.begin || r.end > st.range.end) r = Range{st.range.file, st.range.begin, st.range.begin};
    return r;
  }

  Symbol make(const ast::Stmt& st, std::string name, std::string detail, SymbolKind kind, Range sel) {
    if (name.empty()) name = "(unnamed)";
    return Symbol{std::move(name), std::move(detail), kind, st.range, selection(st, sel), {}};
  }

  void block(const ast::Stmt& st, std::vector<Symbol>& out, int depth, bool top) {
    const auto& labels = st.labels;
    const std::string& t = st.name;
    if (t == "monitor" || t == "target" || (t == "channel" && top)) {
      std::string kind = !labels.empty() ? labelText(labels[0]) : "";
      std::string name = labels.size() > 1 ? labelText(labels[1]) : kind;
      Range sel = labels.size() > 1 ? labels[1].range : Range{};
      out.push_back(make(st, name, t + " " + kind, t == "monitor" ? SymbolKind::Monitor : SymbolKind::Target, sel));
      return;
    }
    if ((t == "record" || t == "alert" || t == "route" || t == "maintenance" || t == "route_test") && top) {
      std::string name = !labels.empty() ? labelText(labels[0]) : t;
      out.push_back(make(st, name, t, SymbolKind::Record, labels.empty() ? Range{} : labels[0].range));
      return;
    }
    if (t == "dashboard" || t == "row" || t == "variable" || !top) {
      std::string name = !labels.empty() ? labelText(labels[0]) : t;
      SymbolKind kind = t == "dashboard" ? SymbolKind::Dashboard : t == "row" ? SymbolKind::Row
                        : t == "variable" ? SymbolKind::Variable : SymbolKind::Widget;
      Symbol s = make(st, name, t, kind, labels.empty() ? Range{} : labels[0].range);
      if (t == "dashboard" || t == "row") stmts(st.body, s.children, depth + 1, false);
      out.push_back(std::move(s));
    }
  }

  void stmt(const ast::Stmt& st, std::vector<Symbol>& out, int depth, bool top) {
    switch (st.kind) {
      case ast::StmtKind::Block: return block(st, out, depth, top);
      case ast::StmtKind::Template: {
        Symbol s = make(st, st.name, "template", SymbolKind::Template, st.nameRange);
        stmts(st.body, s.children, depth + 1, top);
        out.push_back(std::move(s));
        return;
      }
      case ast::StmtKind::Let:
        if (top && depth == 0) out.push_back(make(st, st.name, "let", SymbolKind::Let, st.nameRange));
        return;
      case ast::StmtKind::For:
      case ast::StmtKind::If:
        stmts(st.body, out, depth + 1, top);
        stmts(st.elseBody, out, depth + 1, top);
        return;
      default: return;
    }
  }

  const SourceManager& sm_;
};

}  // namespace

std::vector<Symbol> documentSymbols(const Analysis& a) {
  std::vector<Symbol> out;
  if (const ast::File* f = a.file()) Outliner(a.comp->sources).stmts(f->stmts, out, 0, true);
  return out;
}

}  // namespace mon::lsp
