#pragma once
// Reading and writing whole files safely. Every file monitorc reads (sources, imported JSON and
// YAML, saved plans, state files) goes through readRegularFile, so a device, a FIFO or a huge
// file gives an error instead of a hang or unbounded memory; every file it writes goes through
// writeFileAtomic, so a reader never sees half a file and a planted symlink is never followed.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/hash.h"

namespace mon {

/// The default size limit of readRegularFile (sources, imported files, plans): 64 MiB.
inline constexpr size_t kMaxInputBytes = size_t(64) << 20;

/// Reads `path` into `text` when it is a regular file (after following symlinks) of at most
/// `maxBytes`. Opens without blocking (a FIFO never hangs) and reads no more than the limit
/// even when the file grows meanwhile. False with `error` ("no such file", "is a directory",
/// "not a regular file", "file is larger than 64 MiB", "permission denied", ...).
bool readRegularFile(const std::string& path, std::string& text, std::string& error,
                     size_t maxBytes = kMaxInputBytes);

/// Writes `text` to `path` through a new temporary file beside it (created with O_EXCL and
/// O_NOFOLLOW under a unique name, fsynced, then renamed over `path`), creating missing parent
/// directories. `hidden` starts the temporary name with a dot (Prometheus loads only *.yml,
/// and never a dot file half written). On failure nothing is left behind and `error` says why
/// (with the system's reason).
bool writeFileAtomic(const std::string& path, const std::string& text, std::string& error, bool hidden = false);

/// Writes a file that its source makes again (`build`'s outputs), like writeFileAtomic but:
/// - a regular file (not a symlink) at `path` that already holds exactly `text` is left as it
///   is, modification time included (`make`, rsync and file watchers see no change; `jsonnet -m`
///   does the same);
/// - the temporary file is not fsynced before the rename. A reader, or a build killed half way,
///   still sees the old file or the new one, never half of one; only a power loss or a kernel
///   crash right after the build can leave a file empty or as it was, and building again puts
///   it right. (An fsync per file was a third of a 100-dashboard build's time.)
/// `written` (when given) tells whether the file was written.
bool writeGeneratedFile(const std::string& path, const std::string& text, std::string& error,
                        bool* written = nullptr);

/// A generated file written piece by piece, for `build`'s largest outputs, which then need not be
/// held whole in memory beside the program they are made from. It ends as writeGeneratedFile
/// ends with the whole text:
/// - while the pieces match the start of the regular file at `path`, nothing is written (an
///   unchanged output costs a read, in an output directory one may not even write to);
/// - from the first difference (or with no file there), the pieces go through a buffer to a
///   temporary file beside `path` (a unique hidden name, O_EXCL|O_NOFOLLOW, missing directories
///   made), which starts with the part that matched; commit() renames it over `path` (a device
///   or pipe is written in place);
/// - destroyed without a commit, it removes the temporary file and the directories it made, so
///   a build that fails writes nothing.
class StreamedFile {
 public:
  explicit StreamedFile(std::string path);
  ~StreamedFile();
  StreamedFile(const StreamedFile&) = delete;
  StreamedFile& operator=(const StreamedFile&) = delete;

  void append(std::string_view bytes);
  /// Puts the file in place; `hash` gets wordHash (support/hash.h) of its whole content and
  /// `written` whether it changed. False with `error` when a read or write failed at any point.
  bool commit(uint64_t& hash, std::string& error, bool* written = nullptr);

 private:
  bool continuesExisting(std::string_view bytes);
  bool openTemporary();
  bool leaveExisting();
  void closeExisting();
  bool flush();
  void abandon();

  std::string path_, tmp_, buffer_, chunk_, error_;
  std::vector<std::string> madeDirs_;  // innermost last
  int existing_ = -1;                  // the file in place, while the pieces so far match its start
  uint64_t existingSize_ = 0;
  std::optional<WordHasher> matchedHash_;  // of the pieces that matched, for a file of its size
  int fd_ = -1;                        // the temporary file, from the first difference on
  uint64_t size_ = 0;                  // bytes appended
  bool failed_ = false, done_ = false;
};

}  // namespace mon
