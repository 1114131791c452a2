#pragma once
// `target prometheus "x" { format = "prometheus-operator" ... }`: the target's group written as a
// PrometheusRule object (monitoring.coreos.com/v1) for the Prometheus Operator, which is how
// kube-prometheus and most Kubernetes users keep their rules. Targets with the same `namespace`
// and `resource_name` write one object with one group each, in declaration order.
#include <string>
#include <vector>

#include "diag/diag_engine.h"
#include "ir/ir.h"
#include "prometheus/rules.h"

namespace mon::prometheus {

constexpr const char* kOperatorFormat = "prometheus-operator";

/// True when `t` is written as a PrometheusRule object.
bool operatorFormat(const ir::Target& t);

/// Located errors: `format` other than "rules" or "prometheus-operator"; an operator target
/// without `resource_name`, or with a name, namespace or label Kubernetes rejects; two targets
/// of one object with the same group, or with different `resource_labels`.
void reportOperatorTargets(const ir::Module& m, DiagEngine& diags);

/// One PrometheusRule: where it goes and what it holds.
struct OperatorObject {
  std::string name, namespace_;
  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<Group> groups;
};
/// The object's YAML (a generated-file header, then apiVersion, kind, metadata, spec.groups).
std::string operatorFile(const OperatorObject& o);
/// Its path in the build output: prometheus-operator/NAMESPACE/NAME.yaml (NAME.yaml without a
/// namespace: kubectl's context decides).
std::string operatorPath(const OperatorObject& o);

}  // namespace mon::prometheus
