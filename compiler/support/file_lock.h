#pragma once
// An exclusive lock on a lock file (flock), so two monitorc runs on one directory take turns.
// The kernel drops the lock when its holder exits, however it exits: a lock is never stale,
// and waiting for it ends when the other run ends. Used by the local target (DIR/.monitorc.lock,
// for a whole run) and by Prometheus apply (RULES_DIR/.monitorc.lock, for one apply).
#include <chrono>
#include <functional>
#include <string>

namespace mon {

/// A held lock; released when destroyed. Move-only.
class FileLock {
 public:
  FileLock() = default;
  explicit FileLock(int fd) : fd_(fd) {}
  FileLock(FileLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  FileLock& operator=(FileLock&& o) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

/// Locks `path` exclusively (created 0644 when absent, never through a symlink). When another
/// process holds it, calls `onWait` once and waits: up to `timeout`, or without limit when
/// `timeout` is zero. False with `err` (the path and the reason) when the file cannot be opened
/// or locked, or the wait timed out.
bool lockFile(const std::string& path, std::chrono::milliseconds timeout, const std::function<void()>& onWait,
              FileLock& out, std::string& err);

}  // namespace mon
