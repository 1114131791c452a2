#pragma once
// A Target over a Remote (remote.h): for systems that hold monitors and dashboards as objects
// with ids, ownership marked in each object's memo. Plan reads everything and diffs (diff.h);
// apply writes object by object with --parallel (apply.h), each write checked against the
// target as last read; after creates it reads again and removes what a racing run created
// twice (race_repair.h). A backend supplies the Remote, the desired objects, its canonical
// form, and the importer pull uses.
#include <functional>

#include "diff.h"
#include "early_read.h"
#include "target.h"

namespace mon::engine {

struct ObjectTargetParts {
  std::unique_ptr<Remote> remote;
  /// A read begun before the source was compiled (early_read.h): the target's first read is
  /// its answer, and its remote becomes `remote` (null until then).
  std::shared_ptr<EarlyRead> early;
  std::vector<Desired> desired;
  /// The backend's canonical form of an object (DiffOptions::normalize).
  std::function<Json(ObjKind, const Json&)> normalize;
  /// The backend's words for fields in text and markdown plans (DiffOptions::words).
  FieldWords words;
  /// Source for what the remote holds (only owned objects when `ownedOnly`), for pull.
  std::function<std::string(const RemoteState&, bool ownedOnly, std::vector<std::string>& warnings)> pullSource;
  /// The target block pull writes beside it.
  std::string targetSource;
};

std::unique_ptr<Target> makeObjectTarget(ObjectTargetParts parts);

}  // namespace mon::engine
