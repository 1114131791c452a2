#include "fmt/doc.h"

#include <climits>

#include "support/text.h"

namespace mon::fmt {

namespace {

DocPtr leaf(DocKind k) {
  auto d = std::make_shared<Doc>();
  d->kind = k;
  d->hard = k == DocKind::HardLine || k == DocKind::BreakParent;
  return d;
}

DocPtr parent(DocKind k, std::vector<DocPtr> parts) {
  auto d = std::make_shared<Doc>();
  d->kind = k;
  for (const auto& p : parts) d->hard = d->hard || (p && p->hard);
  d->parts = std::move(parts);
  return d;
}

struct Cmd {
  int indent;
  bool flat;
  const Doc* doc;
};

class Renderer {
 public:
  Renderer(int width, int indent) : width_(width), step_(indent) {}

  std::string run(const Doc* root, bool flat) {
    stack_.push_back(Cmd{0, flat, root});
    while (!stack_.empty()) {
      Cmd c = stack_.back();
      stack_.pop_back();
      step(c);
    }
    return std::move(out_);
  }

 private:
  void step(const Cmd& c) {
    const Doc& d = *c.doc;
    switch (d.kind) {
      case DocKind::Text:
        if (d.text.empty()) return;
        if (pendingIndent_ >= 0) {
          out_.append(static_cast<size_t>(pendingIndent_), ' ');
          col_ = pendingIndent_;
          pendingIndent_ = -1;
        }
        out_ += d.text;
        col_ += static_cast<int>(utf8Length(d.text));
        return;
      case DocKind::Line:
        if (c.flat) emitText(" ");
        else newline(c.indent);
        return;
      case DocKind::SoftLine:
        if (!c.flat) newline(c.indent);
        return;
      case DocKind::HardLine: newline(c.indent); return;
      case DocKind::BreakParent: return;
      case DocKind::Concat:
        for (auto it = d.parts.rbegin(); it != d.parts.rend(); ++it) stack_.push_back(Cmd{c.indent, c.flat, it->get()});
        return;
      case DocKind::Nest: stack_.push_back(Cmd{c.indent + step_, c.flat, d.parts[0].get()}); return;
      case DocKind::Group: {
        bool flat = c.flat || (!d.hard && fits(Cmd{c.indent, true, d.parts[0].get()}));
        stack_.push_back(Cmd{c.indent, flat, d.parts[0].get()});
        return;
      }
      case DocKind::IfBreak: stack_.push_back(Cmd{c.indent, c.flat, d.parts[c.flat ? 1 : 0].get()}); return;
    }
  }

  void emitText(const char* s) {
    Doc d;
    d.text = s;
    step(Cmd{0, true, &d});
  }

  void newline(int indent) {
    out_ += '\n';
    pendingIndent_ = indent;
    col_ = indent;
  }

  // True when `next` laid out flat, followed by the rest of the stack up to its first line
  // break, stays within the width.
  bool fits(Cmd next) const {
    int rem = width_ - (pendingIndent_ >= 0 ? pendingIndent_ : col_);
    std::vector<Cmd> local{next};
    size_t restIndex = stack_.size();
    while (rem >= 0) {
      if (local.empty()) {
        if (restIndex == 0) return true;
        local.push_back(stack_[--restIndex]);
      }
      Cmd c = local.back();
      local.pop_back();
      const Doc& d = *c.doc;
      switch (d.kind) {
        case DocKind::Text:
          if (d.measured) rem -= static_cast<int>(utf8Length(d.text));
          break;
        case DocKind::Line:
          if (!c.flat) return true;
          rem -= 1;
          break;
        case DocKind::SoftLine:
          if (!c.flat) return true;
          break;
        case DocKind::HardLine: return true;
        case DocKind::BreakParent: break;
        case DocKind::Concat:
          for (auto it = d.parts.rbegin(); it != d.parts.rend(); ++it) local.push_back(Cmd{c.indent, c.flat, it->get()});
          break;
        case DocKind::Nest:
        case DocKind::Group: local.push_back(Cmd{c.indent, c.flat && !d.hard, d.parts[0].get()}); break;
        case DocKind::IfBreak: local.push_back(Cmd{c.indent, c.flat, d.parts[c.flat ? 1 : 0].get()}); break;
      }
    }
    return false;
  }

  int width_;
  int step_;
  int col_ = 0;
  int pendingIndent_ = -1;
  std::string out_;
  std::vector<Cmd> stack_;
};

}  // namespace

DocPtr text(std::string s) {
  auto d = std::make_shared<Doc>();
  d->text = std::move(s);
  return d;
}

DocPtr unmeasured(std::string s) {
  auto d = std::make_shared<Doc>();
  d->text = std::move(s);
  d->measured = false;
  return d;
}

DocPtr line() { return leaf(DocKind::Line); }
DocPtr softLine() { return leaf(DocKind::SoftLine); }
DocPtr hardLine() { return leaf(DocKind::HardLine); }
DocPtr breakParent() { return leaf(DocKind::BreakParent); }
DocPtr concat(std::vector<DocPtr> parts) { return parent(DocKind::Concat, std::move(parts)); }
DocPtr nest(DocPtr d) { return parent(DocKind::Nest, {std::move(d)}); }
DocPtr group(DocPtr d) { return parent(DocKind::Group, {std::move(d)}); }
DocPtr ifBreak(DocPtr broken, DocPtr flat) { return parent(DocKind::IfBreak, {std::move(broken), std::move(flat)}); }

std::string render(const DocPtr& d, int width, int indent) { return Renderer(width, indent).run(d.get(), false); }

std::string renderFlat(const DocPtr& d) { return Renderer(INT_MAX / 2, 0).run(d.get(), true); }

}  // namespace mon::fmt
