#pragma once
// The project's two non-cryptographic 64-bit hashes. Both are stable across runs, builds and
// platforms, so their values may be stored (plan files, build manifests, ids sent to a system).
#include <cstdint>
#include <string>
#include <string_view>

namespace mon {

/// FNV-1a, one multiply per byte, as this project has always computed it: its offset basis is
/// 1469598103934665603, the published 14695981039346656037 a digit short. Grafana dashboard and
/// contact point uids, alert rule uids, plan fingerprints and build manifests already hold these
/// values, so the basis stays as it is (a uid that changed would make apply replace objects).
uint64_t fnv1a(std::string_view s);
/// Eight bytes a step (a 64 x 64 -> 128-bit multiply whose halves are folded): about ten times
/// FNV-1a's speed, for hashing large texts. Tells accidental changes apart, not crafted ones.
uint64_t wordHash(std::string_view s);
/// wordHash of a text given in pieces (a file read back in chunks), whose whole size is known
/// up front: wordHash starts from the size. finish() equals wordHash of the pieces joined.
class WordHasher {
 public:
  explicit WordHasher(uint64_t totalSize);
  void update(std::string_view piece);
  uint64_t finish();

 private:
  uint64_t h_;
  unsigned char pending_[8] = {};
  size_t pendingSize_ = 0;
};
/// 16 lowercase hex digits.
std::string hex16(uint64_t h);

}  // namespace mon
