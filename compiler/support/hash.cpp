#include "support/hash.h"

#include <cstdio>
#include <cstring>

namespace mon {

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

namespace {

uint64_t foldedProduct(uint64_t a, uint64_t b) {
  unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(p) ^ static_cast<uint64_t>(p >> 64);
}

}  // namespace

uint64_t wordHash(std::string_view s) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ULL, kFinal = 0xD6E8FEB86659FD93ULL;
  uint64_t h = s.size() ^ 0x243F6A8885A308D3ULL;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = foldedProduct(h ^ w, kMul) + w;  // "+ w": a word equal to the state does not wipe it
  }
  uint64_t tail = 0;
  if (i < s.size()) std::memcpy(&tail, s.data() + i, s.size() - i);
  h = foldedProduct(h ^ tail, kMul) + tail;
  return foldedProduct(h, kFinal);
}

std::string hex16(uint64_t h) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace mon
