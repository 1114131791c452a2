#include "support/hash.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace mon {

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

namespace {

constexpr uint64_t kMul = 0x9E3779B97F4A7C15ULL, kFinal = 0xD6E8FEB86659FD93ULL, kSeed = 0x243F6A8885A308D3ULL;

uint64_t foldedProduct(uint64_t a, uint64_t b) {
  unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(p) ^ static_cast<uint64_t>(p >> 64);
}

// One eight-byte word into the state; "+ w": a word equal to the state does not wipe it.
uint64_t step(uint64_t h, uint64_t w) { return foldedProduct(h ^ w, kMul) + w; }

// The whole words of `s` into the state; returns how many bytes they took.
size_t words(uint64_t& h, std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = step(h, w);
  }
  return i;
}

// The last, partial word (zero-padded; a whole word of zeros when there is none), then the mix.
uint64_t finishWith(uint64_t h, const void* tail, size_t size) {
  uint64_t w = 0;
  std::memcpy(&w, tail, size);
  return foldedProduct(step(h, w), kFinal);
}

}  // namespace

uint64_t wordHash(std::string_view s) {
  uint64_t h = s.size() ^ kSeed;
  size_t i = words(h, s);
  return finishWith(h, s.data() + i, s.size() - i);
}

WordHasher::WordHasher(uint64_t totalSize) : h_(totalSize ^ kSeed) {}

void WordHasher::update(std::string_view piece) {
  if (pendingSize_ > 0) {
    size_t take = std::min(piece.size(), 8 - pendingSize_);
    std::memcpy(pending_ + pendingSize_, piece.data(), take);
    pendingSize_ += take;
    piece.remove_prefix(take);
    if (pendingSize_ < 8) return;
    words(h_, std::string_view(reinterpret_cast<const char*>(pending_), 8));
    pendingSize_ = 0;
  }
  size_t used = words(h_, piece);
  pendingSize_ = piece.size() - used;
  std::memcpy(pending_, piece.data() + used, pendingSize_);
}

uint64_t WordHasher::finish() { return finishWith(h_, pending_, pendingSize_); }

std::string hex16(uint64_t h) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace mon
