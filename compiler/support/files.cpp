#include "support/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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

bool writeAll(int fd, std::string_view text) {
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

// A unique name per process and call: two runs at once never share a temporary file, and
// O_EXCL|O_NOFOLLOW (which its users open it with) refuses any name someone planted (a symlink
// to a file we must not touch).
fs::path temporaryBeside(const fs::path& target, bool hidden) {
  static std::atomic<unsigned> counter{0};
  std::string name = hidden ? "." : "";  // appended: GCC 12 warns (-Wrestrict) on the operator+ form
  name.append(target.filename().string()).append(".tmp.").append(std::to_string(::getpid()));
  name.append(".").append(std::to_string(counter++));
  return target.parent_path() / name;
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
  fs::path tmp = temporaryBeside(target, hidden);
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

namespace {

// Pieces are gathered up to this size before a write.
constexpr size_t kStreamBuffer = size_t(256) << 10;
// Bytes read at a time to compare, copy and hash.
constexpr size_t kChunk = size_t(64) << 10;

// Reads exactly `size` bytes at `at` (false on an error or a shorter file).
bool readAt(int fd, char* to, size_t size, uint64_t at) {
  for (size_t done = 0; done < size;) {
    ssize_t n = ::pread(fd, to + done, size - done, off_t(at + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += size_t(n);
  }
  return true;
}

// wordHash of the first `size` bytes of `fd`.
bool hashOf(int fd, uint64_t size, std::string& chunk, uint64_t& hash) {
  WordHasher hasher(size);
  chunk.resize(kChunk);
  for (uint64_t at = 0; at < size;) {
    size_t n = size_t(std::min<uint64_t>(kChunk, size - at));
    if (!readAt(fd, chunk.data(), n, at)) return false;
    hasher.update(std::string_view(chunk.data(), n));
    at += n;
  }
  hash = hasher.finish();
  return true;
}

}  // namespace

StreamedFile::StreamedFile(std::string path) : path_(std::move(path)) {
  // The file in place, when it is a regular file (not a symlink, which is replaced, nor a
  // device or pipe, which is written in place at the end): the pieces are compared with it as
  // they come, and nothing is written while they match.
  existing_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW);
  struct stat st {};
  if (existing_ >= 0 && (::fstat(existing_, &st) != 0 || !S_ISREG(st.st_mode))) closeExisting();
  if (existing_ < 0) return;
  existingSize_ = uint64_t(st.st_size);
  matchedHash_.emplace(existingSize_);  // the hash to record if every byte matches
}

StreamedFile::~StreamedFile() {
  if (!done_) abandon();
}

void StreamedFile::closeExisting() {
  if (existing_ >= 0) ::close(existing_);
  existing_ = -1;
}

void StreamedFile::append(std::string_view bytes) {
  if (failed_) return;
  if (existing_ >= 0) {
    if (continuesExisting(bytes)) {
      matchedHash_->update(bytes);
      size_ += bytes.size();
      return;
    }
    if (!leaveExisting()) return;
  }
  buffer_.append(bytes.data(), bytes.size());
  size_ += bytes.size();
  if (buffer_.size() >= kStreamBuffer) flush();
}

bool StreamedFile::continuesExisting(std::string_view bytes) {
  chunk_.resize(kChunk);
  for (size_t at = 0; at < bytes.size();) {
    size_t n = std::min(kChunk, bytes.size() - at);
    if (!readAt(existing_, chunk_.data(), n, size_ + at) || std::memcmp(chunk_.data(), bytes.data() + at, n) != 0)
      return false;
    at += n;
  }
  return true;
}

bool StreamedFile::openTemporary() {
  fs::path target(path_);
  // The missing directories, outermost first, made one by one so that an abandoned file can
  // remove exactly those it made.
  std::vector<fs::path> missing;
  std::error_code ec;
  fs::path d = target.parent_path();
  for (; !d.empty() && !fs::exists(d, ec); d = d.parent_path()) missing.push_back(d);
  if (!d.empty() && !fs::is_directory(d, ec)) {
    error_ = "cannot create directory '" + target.parent_path().string() + "': '" + d.string() + "' is not a directory";
    return false;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    bool made = fs::create_directory(*it, ec);
    if (ec) {
      error_ = "cannot create directory '" + it->string() + "': " + ec.message();
      return false;
    }
    if (made) madeDirs_.push_back(it->string());  // not one another run made meanwhile
  }
  tmp_ = temporaryBeside(target, /*hidden=*/true).string();
  fd_ = ::open(tmp_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    error_ = "cannot write '" + path_ + "': " + systemReason(errno);
    tmp_.clear();
    return false;
  }
  return true;
}

bool StreamedFile::leaveExisting() {
  // The part that matched is the file in place's start: copied into the temporary file.
  bool ok = openTemporary();
  chunk_.resize(kChunk);
  for (uint64_t at = 0; ok && at < size_;) {
    size_t n = size_t(std::min<uint64_t>(kChunk, size_ - at));
    ok = readAt(existing_, chunk_.data(), n, at) && writeAll(fd_, std::string_view(chunk_.data(), n));
    if (!ok && error_.empty()) error_ = "cannot write '" + path_ + "': " + systemReason(errno);
    at += n;
  }
  closeExisting();
  failed_ = !ok;
  return ok;
}

bool StreamedFile::flush() {
  if (failed_) return false;
  if ((fd_ < 0 && !openTemporary()) || !writeAll(fd_, buffer_)) {
    if (error_.empty()) error_ = "cannot write '" + path_ + "': " + systemReason(errno);
    failed_ = true;
    return false;
  }
  buffer_.clear();
  buffer_.shrink_to_fit();
  return true;
}

void StreamedFile::abandon() {
  done_ = true;
  closeExisting();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!tmp_.empty()) ::unlink(tmp_.c_str());
  for (auto it = madeDirs_.rbegin(); it != madeDirs_.rend(); ++it) ::rmdir(it->c_str());  // when empty
}

bool StreamedFile::commit(uint64_t& hash, std::string& error, bool* written) {
  if (written) *written = false;
  if (existing_ >= 0 && !failed_) {
    if (size_ == existingSize_) {
      // Every byte matched and nothing follows: the file in place is left as it is.
      hash = matchedHash_->finish();
      abandon();
      return true;
    }
    leaveExisting();  // the file in place is longer
  }
  if (!flush() || !hashOf(fd_, size_, chunk_, hash)) {
    error = error_.empty() ? "cannot read back '" + tmp_ + "': " + systemReason(errno) : error_;
    abandon();
    return false;
  }
  // A device or pipe at the path is written in place, as writeGeneratedFile writes it.
  struct stat there {};
  if (::stat(path_.c_str(), &there) == 0 && !S_ISREG(there.st_mode)) {
    std::string text, readError;
    bool ok = readRegularFile(tmp_, text, readError, size_t(size_)) && writeGeneratedFile(path_, text, error, written);
    if (!readError.empty()) error = "cannot read back '" + tmp_ + "': " + readError;
    abandon();
    return ok;
  }
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0 || ::rename(tmp_.c_str(), path_.c_str()) != 0) {
    error = "cannot write '" + path_ + "': " + systemReason(errno);
    abandon();
    return false;
  }
  done_ = true;
  if (written) *written = true;
  return true;
}

}  // namespace mon
