#include "support/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace mon {

FileLock& FileLock::operator=(FileLock&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the flock
}

bool lockFile(const std::string& path, std::chrono::milliseconds timeout, const std::function<void()>& onWait,
              FileLock& out, std::string& err) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return (err = "cannot open the lock file '" + path + "': " + std::strerror(errno), false);
  auto fail = [&](const std::string& why) {
    ::close(fd);
    err = why;
    return false;
  };
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
    out = FileLock(fd);
    return true;
  }
  if (errno != EWOULDBLOCK && errno != EINTR) return fail("cannot lock '" + path + "': " + std::strerror(errno));
  if (onWait) onWait();
  if (timeout.count() == 0) {
    while (::flock(fd, LOCK_EX) != 0)
      if (errno != EINTR) return fail("cannot lock '" + path + "': " + std::strerror(errno));
    out = FileLock(fd);
    return true;
  }
  // flock has no timeout: poll. A lock held for a whole apply is held for seconds, so checking
  // ten times a second costs nothing and gives the lock away within 100 ms of its release.
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      out = FileLock(fd);
      return true;
    }
    if (errno != EWOULDBLOCK && errno != EINTR) return fail("cannot lock '" + path + "': " + std::strerror(errno));
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(timeout).count();
  return fail("gave up waiting for '" + path + "' after " +
              (secs ? std::to_string(secs) + " s" : std::to_string(timeout.count()) + " ms") +
              ": another monitorc still holds it");
}

}  // namespace mon
