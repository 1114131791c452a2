#include "support/memory.h"

#include <atomic>

namespace mon {

namespace {
std::atomic<void (*)()> releaser{nullptr};
}

void releaseFreedMemory() {
  if (auto release = releaser.load(std::memory_order_relaxed)) release();
}

void setMemoryReleaser(void (*release)()) { releaser.store(release, std::memory_order_relaxed); }

}  // namespace mon
