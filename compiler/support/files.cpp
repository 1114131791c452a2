#include "support/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace mon {

namespace fs = std::filesystem;

namespace {

std::string systemReason(int err) {
  switch (err) {
    case ENOENT: return "no such file";
    case EACCES: case EPERM: return "permission denied";
    case EISDIR: return "is a directory";
    case ELOOP: return "too many levels of symbolic links";
    default: return std::strerror(err);
  }
}

std::string sizeText(size_t bytes) {
  if (bytes >= (size_t(1) << 20) && bytes % (size_t(1) << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { if (fd_ >= 0) ::close(fd_); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { int f = fd_; fd_ = -1; return f; }
 private:
  int fd_;
};

bool writeAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += size_t(n);
  }
  return true;
}

}  // namespace

bool readRegularFile(const std::string& path, std::string& text, std::string& error, size_t maxBytes) {
  // O_NONBLOCK: opening a FIFO with no writer must not wait; it is refused below by fstat.
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (fd.get() < 0) {
    error = systemReason(errno);
    return false;
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    error = systemReason(errno);
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    error = "is a directory";
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    error = "not a regular file";
    return false;
  }
  if (size_t(st.st_size) > maxBytes) {
    error = "file is larger than " + sizeText(maxBytes);
    return false;
  }
  text.clear();
  text.reserve(size_t(st.st_size));
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      error = systemReason(errno);
      return false;
    }
    if (n == 0) break;
    if (text.size() + size_t(n) > maxBytes) {
      error = "file is larger than " + sizeText(maxBytes);
      return false;
    }
    text.append(buf, size_t(n));
  }
  return true;
}

namespace {

// True when `path` is a regular file (not a symlink: a write replaces a symlink rather than
// writing through it) holding exactly `text`. Reads no further than the first difference, and
// not past the size fstat gave (a file changed while a build runs is a race either way).
bool holdsExactly(const std::string& path, const std::string& text) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW));
  if (fd.get() < 0) return false;
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || size_t(st.st_size) != text.size()) return false;
  if (text.empty()) return true;
  char buf[1 << 16];
  size_t done = 0;
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) return false;  // shorter than fstat said
    if (done + size_t(n) > text.size() || std::memcmp(buf, text.data() + done, size_t(n)) != 0) return false;
    done += size_t(n);
    if (done == text.size()) return true;
  }
}

bool replaceFile(const std::string& path, const std::string& text, std::string& error, bool hidden, bool durable) {
  fs::path target(path);
  fs::path dir = target.parent_path();
  std::error_code ec;
  if (!dir.empty()) {
    fs::create_directories(dir, ec);
    if (ec) {
      error = "cannot create directory '" + dir.string() + "': " + ec.message();
      return false;
    }
  }
  // A device or pipe (`-o /dev/null`, `/dev/stdout`, a FIFO) is written in place: renaming a
  // temporary file over it would replace the device node itself with a regular file.
  struct stat existing {};
  if (::stat(target.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode)) {
    if (!S_ISCHR(existing.st_mode) && !S_ISFIFO(existing.st_mode)) {
      error = "cannot write '" + path + "': " + (S_ISDIR(existing.st_mode) ? "it is a directory" : "not a regular file");
      return false;
    }
    Fd out(::open(target.c_str(), O_WRONLY | O_CLOEXEC));
    if (out.get() < 0 || !writeAll(out.get(), text)) {
      error = "cannot write '" + path + "': " + systemReason(errno);
      return false;
    }
    return true;
  }
  // A unique name per process and call: two runs at once never share a temporary file, and
  // O_EXCL|O_NOFOLLOW refuses any name someone planted (a symlink to a file we must not touch).
  static std::atomic<unsigned> counter{0};
  std::string name = (hidden ? "." : "") + target.filename().string() + ".tmp." + std::to_string(::getpid()) + "." +
                     std::to_string(counter++);
  fs::path tmp = dir / name;
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (fd.get() < 0) {
    error = "cannot create '" + tmp.string() + "': " + systemReason(errno);
    return false;
  }
  bool ok = writeAll(fd.get(), text) && (!durable || ::fsync(fd.get()) == 0);
  int savedErrno = errno;
  if (::close(fd.release()) != 0 && ok) {
    ok = false;
    savedErrno = errno;
  }
  if (!ok) {
    ::unlink(tmp.c_str());
    error = "cannot write '" + path + "': " + systemReason(savedErrno);
    return false;
  }
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    savedErrno = errno;
    ::unlink(tmp.c_str());
    error = "cannot write '" + path + "': " + systemReason(savedErrno);
    return false;
  }
  return true;
}

}  // namespace

bool writeFileAtomic(const std::string& path, const std::string& text, std::string& error, bool hidden) {
  return replaceFile(path, text, error, hidden, /*durable=*/true);
}

bool writeGeneratedFile(const std::string& path, const std::string& text, std::string& error, bool* written) {
  if (written) *written = false;
  if (holdsExactly(path, text)) return true;
  if (!replaceFile(path, text, error, /*hidden=*/false, /*durable=*/false)) return false;
  if (written) *written = true;
  return true;
}

}  // namespace mon
