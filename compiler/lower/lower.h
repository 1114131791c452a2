#pragma once
// lower(): checks the evaluated blocks against the schema tables and builds the IR.
// Every problem is reported; objects with errors are left out of the IR.
#include <memory>

#include "diag/diag_engine.h"
#include "expand/value.h"
#include "ir/ir.h"

namespace mon {

/// Lowers objects one at a time, as expansion hands them over: the evaluated blocks of a large
/// setup then never pile up in memory beside the IR. Checks across objects (duplicate monitor
/// names, url_paths, targets, records) see every object added so far.
class Lowerer {
 public:
  explicit Lowerer(DiagEngine& diags);
  ~Lowerer();
  void add(Object obj);
  /// What has been lowered so far (finish() runs the checks across the whole module).
  const ir::Module& sofar() const { return module_; }
  ir::Module finish();

 private:
  struct Seen;
  DiagEngine& diags_;
  ir::Module module_;
  std::unique_ptr<Seen> seen_;
};

/// All objects at once; each is freed once lowered.
ir::Module lower(std::vector<Object> objects, DiagEngine& diags);

}  // namespace mon
