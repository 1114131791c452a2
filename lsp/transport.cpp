#include "transport.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

namespace mon::lsp {

namespace {

constexpr char kLengthHeader[] = "content-length:";  // lower case; 'c' occurs only first
constexpr size_t kLengthHeaderSize = sizeof kLengthHeader - 1;

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool startsWithLengthHeader(const std::string& line) {
  if (line.size() < kLengthHeaderSize) return false;
  for (size_t i = 0; i < kLengthHeaderSize; ++i)
    if (lower(line[i]) != kLengthHeader[i]) return false;
  return true;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

bool iequals(const std::string& a, const char* b) { return strcasecmp(a.c_str(), b) == 0; }

// A decimal Content-Length: digits only, at most kMaxSkippable; false on anything else.
bool parseLength(const std::string& value, size_t& out) {
  std::string s = trim(value);
  if (s.empty() || s.size() > 12) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<size_t>(c - '0');
  }
  return out <= Transport::kMaxSkippable;
}

}  // namespace

bool Transport::more() {
  if (pos_ < buf_.size()) return true;
  buf_.resize(65536);
  size_t n = fill(buf_.data(), buf_.size());
  buf_.resize(n);
  pos_ = 0;
  return n > 0;
}

// Reads one line without its "\r\n" (kept up to kMaxHeaderLine bytes); false at end of input.
// A "Content-Length:" after other bytes on the line starts the line afresh (`resynced`): it is
// where the next frame begins, whatever came before it (a stray byte, an unframed body).
bool Transport::readLine(std::string& line, bool& resynced) {
  line.clear();
  size_t length = 0, matched = 0;
  while (more()) {
    while (pos_ < buf_.size()) {
      char c = buf_[pos_++];
      if (c == '\n') {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return true;
      }
      ++length;
      if (line.size() < kMaxHeaderLine) line += c;
      char l = lower(c);
      matched = l == kLengthHeader[matched] ? matched + 1 : l == kLengthHeader[0] ? 1 : 0;
      if (matched == kLengthHeaderSize) {
        if (length > kLengthHeaderSize) {
          line = "Content-Length:";
          length = kLengthHeaderSize;
          resynced = true;
        }
        matched = 0;
      }
    }
  }
  return false;
}

// Consumes `n` bytes, appending the first `keep` of them to `out`; false at end of input.
bool Transport::readBytes(size_t n, std::string* out, size_t keep) {
  while (n > 0) {
    if (!more()) return false;
    size_t take = std::min(n, buf_.size() - pos_);
    if (out && keep > out->size()) out->append(buf_, pos_, std::min(take, keep - out->size()));
    pos_ += take;
    n -= take;
  }
  return true;
}

Transport::Read Transport::read(std::string& body, std::string& error) {
  body.clear();
  error.clear();
  std::string line;
  bool inBlock = false, haveLength = false, badLength = false;
  size_t length = 0;
  for (;;) {
    bool resynced = false;
    if (!readLine(line, resynced)) return Read::Eof;
    if (resynced) inBlock = haveLength = badLength = false;  // what came before was not this frame
    if (resync_) {
      if (!startsWithLengthHeader(line)) continue;  // the rest of an unframed body
      resync_ = false;
    }
    if (line.empty()) {
      if (inBlock) break;
      continue;  // stray blank lines between messages
    }
    inBlock = true;
    size_t colon = line.find(':');
    if (colon == std::string::npos || !iequals(trim(line.substr(0, colon)), "Content-Length")) continue;
    size_t n = 0;
    if (!parseLength(line.substr(colon + 1), n) || (haveLength && n != length)) {
      badLength = true;
    } else {
      haveLength = true;
      length = n;
    }
  }
  if (badLength || !haveLength) {
    error = badLength ? "invalid Content-Length header" : "missing Content-Length header";
    resync_ = true;  // the body's length is unknown: look for the next frame's header
    return Read::Malformed;
  }
  if (length > kMaxBody) {
    error = "message of " + std::to_string(length) + " bytes is larger than the " +
            std::to_string(kMaxBody >> 20) + " MiB limit";
    return readBytes(length, &body, kKeptOfLarge) ? Read::TooLarge : Read::Eof;
  }
  body.reserve(std::min<size_t>(length, 1u << 20));  // grows further only as bytes arrive
  if (!readBytes(length, &body, length)) return Read::Eof;
  return Read::Message;
}

void Transport::write(const std::string& body) {
  std::string header = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  // A large body is written after its header rather than copied behind it (a publication can be
  // megabytes); a small one goes with it in one write.
  if (body.size() >= 64 * 1024) {
    emit(header);
    emit(body);
  } else {
    emit(header + body);
  }
}

FdTransport::FdTransport(int in, int out) : in_(in), out_(out) {
  // A publication of a large file's findings is megabytes. Through a pipe of the default 64 KiB
  // the write stops for the editor to read every 64 KiB; a pipe of 1 MiB (the size Linux lets
  // any process ask for) takes it in a few pieces. Not a pipe, or refused: stays as it is.
  struct stat st {};
  if (::fstat(out_, &st) == 0 && S_ISFIFO(st.st_mode)) {
#ifdef F_SETPIPE_SZ
    (void)::fcntl(out_, F_SETPIPE_SZ, 1 << 20);
#endif
  }
}

bool FdTransport::pending() {
  if (buffered()) return true;
  pollfd p{in_, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP));
}

bool FdTransport::waitForInput(int wakeFd) {
  if (buffered()) return true;
  pollfd p[2] = {{in_, POLLIN, 0}, {wakeFd, POLLIN, 0}};
  for (;;) {
    int r = ::poll(p, wakeFd >= 0 ? 2 : 1, -1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return true;  // let read() see the error as end of input
    return p[0].revents != 0;
  }
}

size_t FdTransport::fill(char* buf, size_t n) {
  for (;;) {
    ssize_t r = ::read(in_, buf, n);
    if (r >= 0) return static_cast<size_t>(r);
    if (errno != EINTR) return 0;
  }
}

void FdTransport::emit(std::string_view data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t w = ::write(out_, data.data() + done, data.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;  // the client went away; reading will see end of input
    done += static_cast<size_t>(w);
  }
}

void StringTransport::feedMessage(const std::string& body) {
  input_ += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

size_t StringTransport::fill(char* buf, size_t n) {
  size_t take = std::min(n, input_.size() - at_);
  std::memcpy(buf, input_.data() + at_, take);
  at_ += take;
  return take;
}

}  // namespace mon::lsp
