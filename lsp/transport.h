#pragma once
// The transport layer: JSON-RPC messages framed with `Content-Length` headers (LSP base
// protocol). It knows nothing about JSON; the server parses the bodies.
//
// Framing never gets lost for good: bytes before a header (a stray byte, the body of a frame
// that had no usable length) are skipped up to the next `Content-Length:`, wherever it starts,
// so one bad frame costs one error and the frames after it are read as sent.
#include <cstddef>
#include <string>
#include <string_view>

namespace mon::lsp {

/// Reads and writes framed messages. Bad framing is reported and skipped, never fatal.
class Transport {
 public:
  enum class Read {
    Message,    // `body` holds a whole message body
    Malformed,  // a header block without a usable Content-Length (`error` says why); skipped
    TooLarge,   // a body over kMaxBody, read and dropped; `body` holds its first kKeptOfLarge bytes
    Eof,        // end of input (also in the middle of a frame)
  };
  virtual ~Transport() = default;
  /// Reads the next message body; the caller answers Malformed with a parse error and reads on.
  Read read(std::string& body, std::string& error);
  /// True when more input is already available, so work for stale state can be skipped.
  virtual bool pending() = 0;
  /// Blocks until input is available or `wakeFd` (when >= 0) becomes readable; true if input.
  virtual bool waitForInput(int wakeFd) = 0;
  /// Writes one message body with its header.
  void write(const std::string& body);

  /// Largest body accepted (the compiler's source size limit); larger ones are skipped.
  static constexpr size_t kMaxBody = size_t(64) << 20;
  /// A declared length above this is not believed (a client will not send 4 GiB): the header
  /// counts as invalid and the bytes after it are searched for the next frame instead.
  static constexpr size_t kMaxSkippable = size_t(4) << 30;
  /// How much of a too-large body is kept, so the server can find its request id.
  static constexpr size_t kKeptOfLarge = 4096;
  /// Header lines are kept up to this length (the rest is dropped, not the framing).
  static constexpr size_t kMaxHeaderLine = 1024;

 protected:
  /// Reads up to `n` bytes into `buf`; 0 at end of input.
  virtual size_t fill(char* buf, size_t n) = 0;
  /// Writes all of `data`.
  virtual void emit(std::string_view data) = 0;
  bool buffered() const { return pos_ < buf_.size(); }

 private:
  bool readLine(std::string& line, bool& resynced);
  bool readBytes(size_t n, std::string* out, size_t keep);
  bool more();
  std::string buf_;
  size_t pos_ = 0;
  bool resync_ = false;  // after a frame without a usable length: skip to the next Content-Length
};

/// Standard input and output (or any pair of file descriptors).
class FdTransport : public Transport {
 public:
  FdTransport(int in, int out);
  bool pending() override;
  bool waitForInput(int wakeFd) override;

 protected:
  size_t fill(char* buf, size_t n) override;
  void emit(std::string_view data) override;

 private:
  int in_, out_;
};

/// In-memory input and output, for tests and the fuzzer.
class StringTransport : public Transport {
 public:
  explicit StringTransport(std::string input = "") : input_(std::move(input)) {}
  void feed(const std::string& data) { input_ += data; }
  /// Appends one framed message to the input.
  void feedMessage(const std::string& body);
  std::string& output() { return output_; }
  bool pending() override { return buffered() || at_ < input_.size(); }
  bool waitForInput(int) override { return true; }  // input (or its end) is always at hand

 protected:
  size_t fill(char* buf, size_t n) override;
  void emit(std::string_view data) override { output_ += data; }

 private:
  std::string input_, output_;
  size_t at_ = 0;
};

}  // namespace mon::lsp
