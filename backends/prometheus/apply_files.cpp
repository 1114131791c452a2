// The disk side of Prometheus apply: the real directory and the promtool checker.
#include <sys/wait.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "prometheus/apply.h"
#include "support/files.h"

namespace mon::prometheus {

namespace {

namespace fs = std::filesystem;

class DiskFileOps : public FileOps {
 public:
  bool read(const std::string& path, std::string& text) override {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
    return true;
  }
  std::vector<std::string> list(const std::string& dir) override {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.is_regular_file()) out.push_back(e.path().filename().string());
    return out;
  }
  bool writeAtomic(const std::string& path, const std::string& text, std::string& err) override {
    // A dot name outside the rule_files globs (*.yml), so Prometheus never loads a half file.
    return writeFileAtomic(path, text, err, /*hidden=*/true);
  }
  std::string unreadable(const std::string& dir, const std::string& name) override {
    std::error_code ec;
    fs::file_status st = fs::status(dir, ec);
    if (st.type() == fs::file_type::not_found) return "";
    if (ec) return "cannot read '" + dir + "': " + ec.message();
    if (!fs::is_directory(st)) return "'" + dir + "' is not a directory";
    fs::directory_iterator listing(dir, ec);
    if (ec) return "cannot list '" + dir + "': " + ec.message();
    std::string path = (fs::path(dir) / name).string();
    st = fs::status(path, ec);
    if (st.type() == fs::file_type::not_found) return "";
    if (ec) return "cannot read '" + path + "': " + ec.message();
    if (!fs::is_regular_file(st)) return "'" + path + "' is not a regular file";
    std::ifstream in(path, std::ios::binary);
    if (!in) return "cannot read '" + path + "': " + std::strerror(errno);
    return "";
  }
  bool lock(const std::string& dir, std::chrono::milliseconds timeout, const std::function<void()>& onWait,
            FileLock& held, std::string& err) override {
    std::error_code ec;
    if (!dir.empty()) fs::create_directories(dir, ec);
    if (ec) return (err = "cannot create '" + dir + "': " + ec.message(), false);
    return lockFile(lockPath(dir), timeout, onWait, held, err);
  }
  bool remove(const std::string& path, std::string& err) override {
    std::error_code ec;
    if (!fs::remove(path, ec) && ec) {
      err = "cannot remove '" + path + "': " + ec.message();
      return false;
    }
    return true;
  }
};

std::string shellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::unique_ptr<FileOps> diskFileOps() { return std::make_unique<DiskFileOps>(); }

RuleChecker promtoolChecker() {
  return [](const std::vector<std::string>& paths, std::string& output) {
    if (std::system("command -v promtool >/dev/null 2>&1") != 0) {
      output = "promtool not found; rule files not checked before reload";
      return 0;
    }
    std::string cmd = "promtool check rules";
    for (const auto& p : paths) {
      cmd += ' ';
      cmd += shellQuote(p);
    }
    FILE* pipe = popen((cmd + " 2>&1").c_str(), "r");
    if (!pipe) {
      output = "cannot run promtool";
      return 1;
    }
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
    int status = pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
  };
}

}  // namespace mon::prometheus
