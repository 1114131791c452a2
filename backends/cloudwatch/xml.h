#pragma once
// The little XML the CloudWatch query protocol answers with: elements, text and entities
// (attributes such as xmlns are skipped). toJson turns a response into the shape of the API's
// JSON: a list is an element of <member> children, everything else an object or text.
#include <memory>
#include <string>
#include <vector>

#include "ir/ir.h"

namespace mon::cloudwatch {

struct XmlNode {
  std::string name;
  std::string text;
  std::vector<XmlNode> children;
  const XmlNode* child(const std::string& n) const {
    for (const auto& c : children)
      if (c.name == n) return &c;
    return nullptr;
  }
  std::string childText(const std::string& n) const {
    const XmlNode* c = child(n);
    return c ? c->text : "";
  }
};

/// The document's root element; false with `err` when it is not well-formed enough to read.
bool parseXml(const std::string& text, XmlNode& root, std::string& err);

/// `node` as JSON: children all called "member" (or none, for a name in `lists`) -> array;
/// no children -> its text; else an object by child name.
ir::Json toJson(const XmlNode& node);

}  // namespace mon::cloudwatch
