#pragma once
// The transport layer: JSON-RPC messages framed with `Content-Length` headers (LSP base
// protocol). It knows nothing about JSON; the server parses the bodies.
#include <cstddef>
#include <string>

namespace mon::lsp {

/// Reads and writes framed messages. Bad framing is reported and skipped, never fatal.
class Transport {
 public:
  enum class Read { Message, Malformed, Eof };
  virtual ~Transport() = default;
  /// Reads the next message body. `Malformed`: the header was unusable (`error` says why) and
  /// the bytes were skipped; the caller answers with a parse error and reads on.
  Read read(std::string& body, std::string& error);
  /// True when more input is already available, so work for stale state can be skipped.
  virtual bool pending() = 0;
  /// Writes one message body with its header.
  void write(const std::string& body);

  /// Largest body accepted; larger ones are skipped as malformed.
  static constexpr size_t kMaxBody = 128u << 20;

 protected:
  /// Reads up to `n` bytes into `buf`; 0 at end of input.
  virtual size_t fill(char* buf, size_t n) = 0;
  /// Writes all of `data`.
  virtual void emit(const std::string& data) = 0;
  bool buffered() const { return pos_ < buf_.size(); }

 private:
  bool readLine(std::string& line);
  bool readBytes(size_t n, std::string* out);
  bool more();
  std::string buf_;
  size_t pos_ = 0;
};

/// Standard input and output (or any pair of file descriptors).
class FdTransport : public Transport {
 public:
  FdTransport(int in, int out) : in_(in), out_(out) {}
  bool pending() override;

 protected:
  size_t fill(char* buf, size_t n) override;
  void emit(const std::string& data) override;

 private:
  int in_, out_;
};

/// In-memory input and output, for tests.
class StringTransport : public Transport {
 public:
  explicit StringTransport(std::string input = "") : input_(std::move(input)) {}
  void feed(const std::string& data) { input_ += data; }
  /// Appends one framed message to the input.
  void feedMessage(const std::string& body);
  std::string& output() { return output_; }
  bool pending() override { return buffered() || at_ < input_.size(); }

 protected:
  size_t fill(char* buf, size_t n) override;
  void emit(const std::string& data) override { output_ += data; }

 private:
  std::string input_, output_;
  size_t at_ = 0;
};

}  // namespace mon::lsp
