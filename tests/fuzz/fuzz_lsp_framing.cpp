// libFuzzer target for the language server's input side: the bytes are what a client writes
// to the server's stdin. The transport frames them and the server handles every message until
// end of input, then the compiles it started finish (as they would at a quiet moment). Files
// that are not open read as missing: nothing touches the disk. What the server wrote must be
// well-formed frames of JSON.
#include <cstddef>
#include <cstdint>
#include <string>

#include "server.h"

namespace {

class NoFiles : public mon::FileReader {
 public:
  bool read(const std::string&, std::string&, std::string& error) override {
    error = "no such file";
    return false;
  }
};

// Every byte of `out` belongs to a "Content-Length: N\r\n\r\n" frame whose body is JSON.
bool wellFramed(const std::string& out) {
  size_t at = 0;
  while (at < out.size()) {
    if (out.compare(at, 16, "Content-Length: ") != 0) return false;
    size_t end = out.find("\r\n\r\n", at);
    if (end == std::string::npos) return false;
    size_t len = std::stoul(out.substr(at + 16, end - at - 16));
    if (end + 4 + len > out.size()) return false;
    if (!nlohmann::json::accept(out.substr(end + 4, len))) return false;
    at = end + 4 + len;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mon::lsp::StringTransport transport(std::string(reinterpret_cast<const char*>(data), size));
  NoFiles disk;
  mon::lsp::Server server(transport, disk);
  server.run();
  server.flush();
  if (!wellFramed(transport.output())) __builtin_trap();
  return 0;
}
