#include "prometheus/yaml_input.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <sstream>
#include <vector>

namespace mon::prometheus {

namespace {

// Thrown out of the parser's callbacks to stop it at the first node past a limit.
struct Refused {
  YAML::Mark mark;
  std::string message;
};

// Counts nodes per open map or list, and the expanded size of every anchored node, as the
// parser reports them. Sizes saturate just past the limit, so no count can overflow.
class Bounds : public YAML::EventHandler {
 public:
  explicit Bounds(const YamlLimits& limits) : limits_(limits), cap_(limits.maxNodes + 1) {}

  void OnDocumentStart(const YAML::Mark&) override {
    sizes_.clear();
    open_.clear();
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string&) override {
    leaf(mark, anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (anchor >= sizes_.size() || sizes_[anchor] == 0)
      throw Refused{mark, "an alias inside the node it names (a document that contains itself)"};
    count(mark, sizes_[anchor], "aliases expand the YAML to more than ");
    add(sizes_[anchor]);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    YAML::anchor_t anchor;
    size_t nodes;
  };

  // `nodes` more; past the limit, refused at `mark` with `why` + the limit.
  void count(const YAML::Mark& mark, size_t nodes, const char* why) {
    total_ = std::min(cap_, total_ + nodes);
    if (total_ > limits_.maxNodes) throw Refused{mark, why + std::to_string(limits_.maxNodes) + " nodes"};
  }
  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
    count(mark, 1, "more than ");
    name(anchor, 1);
    add(1);
  }
  void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (open_.size() >= limits_.maxDepth)
      throw Refused{mark, "nested more than " + std::to_string(limits_.maxDepth) + " levels deep"};
    count(mark, 1, "more than ");
    if (anchor) name(anchor, 0);  // open: an alias to it now would be a cycle
    open_.push_back({anchor, 1});
  }
  void close() {
    Open done = open_.back();
    open_.pop_back();
    if (done.anchor) name(done.anchor, done.nodes);
    add(done.nodes);
  }
  void add(size_t nodes) {
    if (!open_.empty()) open_.back().nodes = std::min(cap_, open_.back().nodes + nodes);
  }
  // The parser numbers anchors 1, 2, ... in each document (a redefined name gets a new number).
  void name(YAML::anchor_t anchor, size_t nodes) {
    if (!anchor) return;
    if (anchor >= sizes_.size()) sizes_.resize(anchor + 1, 0);
    sizes_[anchor] = nodes;
  }

  const YamlLimits& limits_;
  const size_t cap_;
  std::vector<size_t> sizes_;  // by anchor number: expanded size, 0 while open or unknown
  std::vector<Open> open_;
  size_t total_ = 0;  // nodes so far, in all documents, aliases expanded
};

void locate(YamlInputError& error, const YAML::Mark& mark, std::string message) {
  error.message = std::move(message);
  error.line = mark.is_null() ? 0 : size_t(mark.line) + 1;
  error.column = mark.is_null() ? 0 : size_t(mark.column) + 1;
}

}  // namespace

std::string YamlInputError::where() const {
  if (line == 0) return message;
  return std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

bool checkYamlInput(std::string_view text, YamlInputError& error, const YamlLimits& limits) {
  if (text.size() > limits.maxBytes) {
    size_t mib = limits.maxBytes >> 20;
    error = {"larger than " + (mib << 20 == limits.maxBytes ? std::to_string(mib) + " MiB" : std::to_string(limits.maxBytes) + " bytes"),
             0, 0};
    return false;
  }
  std::istringstream in{std::string(text)};
  Bounds bounds(limits);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(bounds)) {
    }
  } catch (const Refused& r) {
    locate(error, r.mark, r.message);
    return false;
  } catch (const YAML::Exception& e) {
    locate(error, e.mark, "not YAML: " + e.msg);
    return false;
  }
  return true;
}

}  // namespace mon::prometheus
