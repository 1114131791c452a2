#include "transport.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mon::lsp {

namespace {

constexpr size_t kMaxHeaderLine = 8192;

bool iequals(const std::string& a, const char* b) { return strcasecmp(a.c_str(), b) == 0; }

// Parses a decimal Content-Length; false on anything but digits or on overflow.
bool parseLength(const std::string& s, size_t& out) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  if (b == std::string::npos) return false;
  out = 0;
  for (size_t i = b; i <= e; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    if (out > (SIZE_MAX - 9) / 10) return false;
    out = out * 10 + static_cast<size_t>(s[i] - '0');
  }
  return true;
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

// Reads one line without its "\r\n"; overlong lines are truncated (the rest is skipped).
bool Transport::readLine(std::string& line) {
  line.clear();
  while (more()) {
    size_t nl = buf_.find('\n', pos_);
    size_t end = nl == std::string::npos ? buf_.size() : nl;
    if (line.size() < kMaxHeaderLine) line.append(buf_, pos_, std::min(end - pos_, kMaxHeaderLine - line.size()));
    pos_ = nl == std::string::npos ? buf_.size() : nl + 1;
    if (nl != std::string::npos) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return true;
    }
  }
  return !line.empty();
}

bool Transport::readBytes(size_t n, std::string* out) {
  while (n > 0) {
    if (!more()) return false;
    size_t take = std::min(n, buf_.size() - pos_);
    if (out) out->append(buf_, pos_, take);
    pos_ += take;
    n -= take;
  }
  return true;
}

Transport::Read Transport::read(std::string& body, std::string& error) {
  body.clear();
  error.clear();
  std::string line;
  bool sawHeader = false, haveLength = false, badLength = false;
  size_t length = 0;
  for (;;) {
    if (!readLine(line)) return Read::Eof;
    if (line.empty()) {
      if (sawHeader) break;
      continue;  // stray blank lines between messages
    }
    sawHeader = true;
    size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0) {
      if (error.empty()) error = "invalid header line '" + line.substr(0, 80) + "'";
      continue;
    }
    std::string name = line.substr(0, colon);
    if (iequals(name, "Content-Length")) {
      haveLength = parseLength(line.substr(colon + 1), length);
      badLength = !haveLength;
    }
  }
  if (!haveLength) {
    error = badLength ? "invalid Content-Length header" : "missing Content-Length header";
    return Read::Malformed;
  }
  if (length > kMaxBody) {
    error = "message of " + std::to_string(length) + " bytes is too large";
    return readBytes(length, nullptr) ? Read::Malformed : Read::Eof;
  }
  body.reserve(length);
  if (!readBytes(length, &body)) return Read::Eof;
  error.clear();  // a stray header line is tolerated when the frame itself is sound
  return Read::Message;
}

void Transport::write(const std::string& body) {
  emit("Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
}

bool FdTransport::pending() {
  if (buffered()) return true;
  pollfd p{in_, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

size_t FdTransport::fill(char* buf, size_t n) {
  for (;;) {
    ssize_t r = ::read(in_, buf, n);
    if (r >= 0) return static_cast<size_t>(r);
    if (errno != EINTR) return 0;
  }
}

void FdTransport::emit(const std::string& data) {
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
