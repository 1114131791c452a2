#include "support/memory.h"

#include <atomic>

namespace mon {

namespace {
std::atomic<void (*)()> releaser{nullptr};
std::atomic<unsigned (*)()> heapOfThread{nullptr};
std::atomic<void (*)(unsigned)> heapForThread{nullptr};
}  // namespace

void releaseFreedMemory() {
  if (auto release = releaser.load(std::memory_order_relaxed)) release();
}

void setMemoryReleaser(void (*release)()) { releaser.store(release, std::memory_order_relaxed); }

unsigned currentHeap() {
  auto current = heapOfThread.load(std::memory_order_relaxed);
  return current ? current() : 0;
}

void useHeap(unsigned heap) {
  if (auto use = heapForThread.load(std::memory_order_relaxed)) use(heap);
}

void setHeapSelector(unsigned (*current)(), void (*use)(unsigned)) {
  heapOfThread.store(current, std::memory_order_relaxed);
  heapForThread.store(use, std::memory_order_relaxed);
}

}  // namespace mon
