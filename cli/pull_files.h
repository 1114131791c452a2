#pragma once
// How `monitorc pull` lays out what it read: one .mon file per monitor, dashboard, alert or
// record, named after the object, so a pulled target reads and reviews like hand-kept source.
#include <string>
#include <vector>

namespace mon::cli {

/// One file of pulled source; `path` is relative to the target's directory ("monitors/cpu-high.mon").
struct PulledFile {
  std::string path;
  std::string text;
};

/// Splits formatted source (as formatGenerated() writes it) into one file per top-level
/// statement: KINDs/SLUG.mon, where KIND is the block type ("monitor") and SLUG the object's
/// name in lower-case ASCII letters, digits and '-' (at most 60 bytes). Names whose slugs
/// collide (case, punctuation, non-ASCII letters, one name used twice) each get "-" and eight
/// hex digits of a hash of the exact name, then "-2", "-3" in source order, so the same objects
/// always get the same files. When `ordered`, the files are NNN-KIND-SLUG.mon in one folder
/// instead, numbered in source order, so reading them in path order keeps the order.
/// Comment lines before the first statement and a blank line (a header) start every file;
/// other comments stay with the statement they precede.
/// False when the text does not parse: the caller keeps it as one file.
bool splitPerObject(const std::string& source, bool ordered, std::vector<PulledFile>& out);

/// The file-name form of an object name described above, without the collision suffix;
/// `fallback` when nothing of the name is left.
std::string fileSlug(const std::string& name, const std::string& fallback);

}  // namespace mon::cli
