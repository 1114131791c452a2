// support/file_lock: an exclusive flock that waits (once announced, bounded when asked).
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "support/file_lock.h"

namespace fs = std::filesystem;
using std::chrono::milliseconds;

namespace {

fs::path lockPath(const char* name) {
  fs::path d = fs::temp_directory_path() / ("monitorc-lock-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d / ".monitorc.lock";
}

}  // namespace

TEST_CASE("file_lock: a free lock is taken at once, without announcing a wait") {
  fs::path p = lockPath("free");
  mon::FileLock lock;
  std::string err;
  int waits = 0;
  REQUIRE(mon::lockFile(p.string(), milliseconds(0), [&] { ++waits; }, lock, err));
  CHECK(lock.held());
  CHECK(waits == 0);
  CHECK(fs::exists(p));
}

TEST_CASE("file_lock: a held lock is announced once and the wait gives up after the timeout") {
  fs::path p = lockPath("held");
  mon::FileLock first, second;
  std::string err;
  REQUIRE(mon::lockFile(p.string(), milliseconds(0), nullptr, first, err));
  int waits = 0;
  auto t0 = std::chrono::steady_clock::now();
  CHECK_FALSE(mon::lockFile(p.string(), milliseconds(300), [&] { ++waits; }, second, err));
  CHECK(std::chrono::steady_clock::now() - t0 >= milliseconds(300));
  CHECK(waits == 1);
  CHECK_FALSE(second.held());
  CHECK(err == "gave up waiting for '" + p.string() + "' after 300 ms: another monitorc still holds it");
}

TEST_CASE("file_lock: a waiter gets the lock when the holder releases it") {
  fs::path p = lockPath("release");
  mon::FileLock first, second;
  std::string err;
  REQUIRE(mon::lockFile(p.string(), milliseconds(0), nullptr, first, err));
  std::thread release([&] {
    std::this_thread::sleep_for(milliseconds(200));
    first = mon::FileLock();  // destroying the held lock releases it
  });
  int waits = 0;
  CHECK(mon::lockFile(p.string(), milliseconds(5000), [&] { ++waits; }, second, err));
  release.join();
  CHECK(second.held());
  CHECK(waits == 1);
}

TEST_CASE("file_lock: a symlink is never followed and a missing directory is an error") {
  fs::path p = lockPath("link");
  fs::create_symlink(p.parent_path() / "elsewhere", p);
  mon::FileLock lock;
  std::string err;
  CHECK_FALSE(mon::lockFile(p.string(), milliseconds(0), nullptr, lock, err));
  CHECK(err.rfind("cannot open the lock file '" + p.string() + "': ", 0) == 0);
  CHECK_FALSE(fs::exists(p.parent_path() / "elsewhere"));
  CHECK_FALSE(mon::lockFile((p.parent_path() / "no" / "x.lock").string(), milliseconds(0), nullptr, lock, err));
}
