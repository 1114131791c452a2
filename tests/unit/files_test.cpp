// support/files: bounded reads of regular files only, atomic writes that follow no planted link.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "support/files.h"
#include "support/hash.h"

namespace fs = std::filesystem;

namespace {

fs::path freshDir(const char* name) {
  fs::path d = fs::temp_directory_path() / ("monitorc-files-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("files: readRegularFile reads a regular file and refuses everything else") {
  fs::path d = freshDir("read");
  std::string text, err;
  { std::ofstream(d / "a.mon") << "monitor"; }
  CHECK(mon::readRegularFile((d / "a.mon").string(), text, err));
  CHECK(text == "monitor");

  CHECK_FALSE(mon::readRegularFile((d / "missing.mon").string(), text, err));
  CHECK(err == "no such file");
  CHECK_FALSE(mon::readRegularFile(d.string(), text, err));
  CHECK(err == "is a directory");
  // Devices and FIFOs would hang or never end: refused at once, without reading.
  CHECK_FALSE(mon::readRegularFile("/dev/zero", text, err));
  CHECK(err == "not a regular file");
  REQUIRE(::mkfifo((d / "fifo").c_str(), 0600) == 0);
  CHECK_FALSE(mon::readRegularFile((d / "fifo").string(), text, err));
  CHECK(err == "not a regular file");
  fs::remove_all(d);
}

TEST_CASE("files: readRegularFile enforces its size limit") {
  fs::path d = freshDir("limit");
  { std::ofstream(d / "big") << std::string(2048, 'x'); }
  std::string text, err;
  CHECK_FALSE(mon::readRegularFile((d / "big").string(), text, err, 1024));
  CHECK(err == "file is larger than 1 KiB");
  CHECK(mon::readRegularFile((d / "big").string(), text, err, 2048));
  CHECK(text.size() == 2048);
  fs::remove_all(d);
}

TEST_CASE("files: writeFileAtomic replaces the file, creates directories and leaves no temporary") {
  fs::path d = freshDir("write");
  std::string err;
  fs::path target = d / "sub" / "monitors.json";
  REQUIRE(mon::writeFileAtomic(target.string(), "one", err));
  CHECK(slurp(target) == "one");
  REQUIRE(mon::writeFileAtomic(target.string(), "two", err, /*hidden=*/true));
  CHECK(slurp(target) == "two");
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(d / "sub")) ++entries;
  CHECK(entries == 1);
  fs::remove_all(d);
}

TEST_CASE("files: writeFileAtomic never writes through a planted symlink") {
  fs::path d = freshDir("symlink");
  { std::ofstream(d / "victim") << "precious"; }
  // The old fixed temporary name, planted as a link to a file monitorc must not touch.
  fs::create_symlink(d / "victim", d / "monitors.json.tmp");
  std::string err;
  REQUIRE(mon::writeFileAtomic((d / "monitors.json").string(), "new", err));
  CHECK(slurp(d / "victim") == "precious");
  CHECK(slurp(d / "monitors.json") == "new");
  fs::remove_all(d);
}

TEST_CASE("files: writeFileAtomic writes into a pipe or device in place instead of replacing it") {
  // `-o /dev/null` must not turn /dev/null into a regular file; a FIFO stands in for the device.
  fs::path d = freshDir("fifo");
  fs::path pipe = d / "out";
  REQUIRE(::mkfifo(pipe.c_str(), 0600) == 0);
  int reader = ::open(pipe.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(reader >= 0);
  std::string err;
  REQUIRE(mon::writeFileAtomic(pipe.string(), "through", err));
  char buf[16] = {};
  CHECK(::read(reader, buf, sizeof buf) == 7);
  CHECK(std::string(buf) == "through");
  ::close(reader);
  CHECK(fs::is_fifo(fs::symlink_status(pipe)));
  CHECK_FALSE(mon::writeFileAtomic(d.string(), "x", err));
  CHECK(err.find("it is a directory") != std::string::npos);
  fs::remove_all(d);
}

TEST_CASE("files: writeFileAtomic reports the system's reason and leaves nothing behind") {
  fs::path d = freshDir("fail");
  { std::ofstream(d / "file") << "x"; }
  std::string err;
  // A parent that is a regular file cannot hold the output.
  CHECK_FALSE(mon::writeFileAtomic((d / "file" / "out.json").string(), "y", err));
  CHECK(err.find("cannot create directory") == 0);
  if (::geteuid() != 0) {
    fs::create_directories(d / "ro");
    fs::permissions(d / "ro", fs::perms::owner_read | fs::perms::owner_exec);
    CHECK_FALSE(mon::writeFileAtomic((d / "ro" / "out.json").string(), "y", err));
    CHECK(err.find("permission denied") != std::string::npos);
    fs::permissions(d / "ro", fs::perms::owner_all);
  }
  fs::remove_all(d);
}

TEST_CASE("files: writeGeneratedFile leaves an identical file untouched and replaces anything else") {
  fs::path d = freshDir("generated");
  std::string err;
  fs::path target = d / "sub" / "dash.json";
  bool written = false;
  REQUIRE(mon::writeGeneratedFile(target.string(), "{}", err, &written));
  CHECK(written);
  CHECK(slurp(target) == "{}");
  struct stat first {};
  REQUIRE(::stat(target.c_str(), &first) == 0);
  // The same content again: the very same inode, not a new file renamed over it.
  REQUIRE(mon::writeGeneratedFile(target.string(), "{}", err, &written));
  CHECK_FALSE(written);
  struct stat again {};
  REQUIRE(::stat(target.c_str(), &again) == 0);
  CHECK(again.st_ino == first.st_ino);
  // Same size, other bytes; then a longer, a shorter and an empty text.
  for (const char* text : {"[]", "{\"a\": 1}", "1", ""}) {
    REQUIRE(mon::writeGeneratedFile(target.string(), text, err, &written));
    CHECK(written);
    CHECK(slurp(target) == text);
  }
  REQUIRE(mon::writeGeneratedFile(target.string(), "", err, &written));
  CHECK_FALSE(written);
  // A symlink to a file that holds the text is replaced by a file of its own, as
  // writeFileAtomic does, and the file it pointed to is not touched.
  { std::ofstream(d / "elsewhere") << "same"; }
  fs::create_symlink(d / "elsewhere", d / "linked.json");
  REQUIRE(mon::writeGeneratedFile((d / "linked.json").string(), "same", err, &written));
  CHECK(written);
  CHECK(fs::is_regular_file(fs::symlink_status(d / "linked.json")));
  CHECK(slurp(d / "elsewhere") == "same");
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(d / "sub")) ++entries;
  CHECK(entries == 1);  // no temporary left
  fs::remove_all(d);
}

namespace {

size_t entriesIn(const fs::path& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

// A text of `size` bytes that differs from one built with another `seed` in its last byte.
std::string bigText(size_t size, char seed) {
  std::string t;
  for (size_t i = 0; t.size() < size; ++i) t += "line " + std::to_string(i) + "\n";
  t.resize(size);
  if (size) t.back() = seed;
  return t;
}

// Writes `text` through a StreamedFile in pieces of `piece` bytes and commits it.
bool streamed(const fs::path& path, const std::string& text, size_t piece, uint64_t& hash, bool& written,
              std::string& err) {
  mon::StreamedFile f(path.string());
  for (size_t at = 0; at < text.size(); at += piece) f.append(std::string_view(text).substr(at, piece));
  return f.commit(hash, err, &written);
}

}  // namespace

TEST_CASE("files: StreamedFile writes what writeGeneratedFile would, hashed as wordHash, an identical file untouched") {
  fs::path d = freshDir("streamed");
  fs::path target = d / "out" / "mackerel" / "monitors.json";
  std::string err;
  uint64_t hash = 0;
  bool written = false;
  // Larger than the write buffer (256 KiB), in pieces that do not divide it.
  std::string text = bigText(700000, 'a');
  REQUIRE(streamed(target, text, 4099, hash, written, err));
  CHECK(written);
  CHECK(slurp(target) == text);
  CHECK(hash == mon::wordHash(text));
  CHECK(entriesIn(target.parent_path()) == 1);  // no temporary left
  struct stat first {};
  REQUIRE(::stat(target.c_str(), &first) == 0);
  REQUIRE(streamed(target, text, 65536, hash, written, err));
  CHECK_FALSE(written);
  struct stat again {};
  REQUIRE(::stat(target.c_str(), &again) == 0);
  CHECK(again.st_ino == first.st_ino);
  CHECK(entriesIn(target.parent_path()) == 1);
  // The last byte differs, the size is the same; then shorter, longer and empty.
  for (const std::string& next : {bigText(700000, 'b'), bigText(1000, 'c'), bigText(800000, 'd'), std::string()}) {
    REQUIRE(streamed(target, next, 1 << 20, hash, written, err));
    CHECK(written);
    CHECK(slurp(target) == next);
    CHECK(hash == mon::wordHash(next));
    CHECK(entriesIn(target.parent_path()) == 1);
  }
  // The start of the file in place, and nothing more: replaced by the shorter text.
  std::string longer = bigText(600000, 'e');
  REQUIRE(streamed(target, longer, 1 << 16, hash, written, err));
  REQUIRE(streamed(target, longer.substr(0, 300000), 4096, hash, written, err));
  CHECK(written);
  CHECK(slurp(target) == longer.substr(0, 300000));
  CHECK(hash == mon::wordHash(longer.substr(0, 300000)));
  // A symlink at the path is replaced, not written through.
  { std::ofstream(d / "victim") << "precious"; }
  fs::remove(target);
  fs::create_symlink(d / "victim", target);
  REQUIRE(streamed(target, "new", 2, hash, written, err));
  CHECK(slurp(d / "victim") == "precious");
  CHECK_FALSE(fs::is_symlink(fs::symlink_status(target)));
  CHECK(slurp(target) == "new");
  fs::remove_all(d);
}

TEST_CASE("files: StreamedFile only reads while the pieces match the file in place") {
  fs::path d = freshDir("streamread");
  fs::path target = d / "monitors.json";
  std::string text = bigText(900000, 'a'), err;
  uint64_t hash = 0;
  bool written = false;
  REQUIRE(streamed(target, text, 1 << 20, hash, written, err));
  struct stat dirBefore {};
  REQUIRE(::stat(d.c_str(), &dirBefore) == 0);
  {
    mon::StreamedFile same(target.string());
    for (size_t at = 0; at < text.size(); at += 70000) same.append(std::string_view(text).substr(at, 70000));
    CHECK(entriesIn(d) == 1);  // past several buffers' worth, and no temporary file
    REQUIRE(same.commit(hash, err, &written));
    CHECK_FALSE(written);
    CHECK(hash == mon::wordHash(text));
  }
  struct stat dirAfter {};
  REQUIRE(::stat(d.c_str(), &dirAfter) == 0);
  CHECK(dirAfter.st_mtim.tv_sec == dirBefore.st_mtim.tv_sec);  // nothing made or removed in it
  CHECK(dirAfter.st_mtim.tv_nsec == dirBefore.st_mtim.tv_nsec);
  {
    // A difference past the first buffer: the temporary file starts with the part that matched.
    mon::StreamedFile other(target.string());
    std::string changed = text;
    changed[500000] = '#';
    other.append(std::string_view(changed).substr(0, 400000));
    CHECK(entriesIn(d) == 1);
    other.append(std::string_view(changed).substr(400000));
    CHECK(entriesIn(d) == 2);  // the temporary file, once the difference came
    REQUIRE(other.commit(hash, err, &written));
    CHECK(written);
    CHECK(slurp(target) == changed);
    CHECK(hash == mon::wordHash(changed));
  }
  CHECK(entriesIn(d) == 1);
  fs::remove_all(d);
}

TEST_CASE("files: StreamedFile dropped without a commit leaves nothing, not even the directories it made") {
  fs::path d = freshDir("abandoned");
  {
    mon::StreamedFile f((d / "out" / "mackerel" / "monitors.json").string());
    f.append(bigText(600000, 'a'));  // flushed to the temporary file: the directories exist now
    CHECK(fs::exists(d / "out" / "mackerel"));
  }
  CHECK(entriesIn(d) == 0);
  // Directories that were there stay; a file already in place is left as it was.
  fs::create_directories(d / "keep");
  { std::ofstream(d / "keep" / "monitors.json") << "old"; }
  {
    mon::StreamedFile f((d / "keep" / "monitors.json").string());
    f.append(bigText(600000, 'a'));
  }
  CHECK(entriesIn(d / "keep") == 1);
  CHECK(slurp(d / "keep" / "monitors.json") == "old");
  fs::remove_all(d);
}

TEST_CASE("files: StreamedFile reports why it cannot write and leaves nothing behind") {
  fs::path d = freshDir("streamfail");
  { std::ofstream(d / "file") << "x"; }
  std::string err;
  uint64_t hash = 0;
  bool written = true;
  CHECK_FALSE(streamed(d / "file" / "out.json", "y", 1, hash, written, err));
  CHECK_FALSE(written);
  CHECK(err.find("cannot create directory") == 0);
  fs::create_directories(d / "dir.json");
  CHECK_FALSE(streamed(d / "dir.json", "y", 1, hash, written, err));
  CHECK(err.find("cannot write") == 0);
  CHECK(entriesIn(d) == 2);
  fs::remove_all(d);
}
