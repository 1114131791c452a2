// The stored hashes: fnv1a must keep the values earlier plan files, manifests and uids hold;
// wordHash must tell texts apart that differ anywhere, across its eight-byte steps and its tail.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "support/hash.h"

TEST_CASE("fnv1a keeps the values uids and fingerprints already hold") {
  // The project's basis (support/hash.h), not the published one: these are the values every
  // earlier build computed, and Grafana uids made from them are on servers.
  CHECK(mon::hex16(mon::fnv1a("")) == "14650fb0739d0383");
  CHECK(mon::hex16(mon::fnv1a("a")) == "44bd8ad473cd9906");
  CHECK(mon::hex16(mon::fnv1a("foobar")) == "88fad7c0a8ff07f2");
  CHECK(mon::hex16(mon::fnv1a("boards/web")) == "a7c02c1a9ff253fb");
}

TEST_CASE("wordHash changes with every byte, every length and every position") {
  std::string base = "groups:\n  - name: \"bench\"\n    rules:\n      - alert: \"x\"\n";  // 63 bytes
  std::set<uint64_t> seen;
  for (size_t len = 0; len <= base.size(); ++len) CHECK(seen.insert(mon::wordHash(base.substr(0, len))).second);
  for (size_t i = 0; i < base.size(); ++i) {
    std::string edited = base;
    edited[i] ^= 0x01;
    CHECK(seen.insert(mon::wordHash(edited)).second);
    edited[i] = static_cast<char>(base[i] ^ 0x80);  // the top bit alone, as a UTF-8 edit makes
    CHECK(seen.insert(mon::wordHash(edited)).second);
  }
  // Two equal edits eight bytes apart do not cancel (a plain xor-multiply over words lets the
  // top bit's difference ride along and meet its twin).
  std::string twice = base;
  twice[3] = static_cast<char>(twice[3] ^ 0x80);
  twice[11] = static_cast<char>(twice[11] ^ 0x80);
  CHECK(mon::wordHash(twice) != mon::wordHash(base));
  // Trailing zero bytes are part of the text.
  CHECK(mon::wordHash(std::string("ab")) != mon::wordHash(std::string("ab\0", 3)));
  CHECK(mon::hex16(mon::wordHash(base)).size() == 16);
}

TEST_CASE("WordHasher over pieces equals wordHash of the whole, however it is cut") {
  std::string text;
  for (int i = 0; i < 300; ++i) text += static_cast<char>('a' + (i * 7) % 26);
  for (size_t len : {size_t(0), size_t(1), size_t(7), size_t(8), size_t(9), size_t(64), size_t(299), size_t(300)}) {
    std::string whole = text.substr(0, len);
    for (size_t cut : {size_t(1), size_t(3), size_t(8), size_t(13), size_t(64), size_t(1000)}) {
      mon::WordHasher h(whole.size());
      for (size_t at = 0; at < whole.size(); at += cut) h.update(std::string_view(whole).substr(at, cut));
      CHECK(h.finish() == mon::wordHash(whole));
    }
  }
  mon::WordHasher h(3);  // empty pieces change nothing
  h.update("");
  h.update("ab");
  h.update("");
  h.update("c");
  CHECK(h.finish() == mon::wordHash("abc"));
}
