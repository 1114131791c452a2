// jemalloc's settings for this binary, read by jemalloc when it starts (its documented
// `malloc_conf` symbol; MALLOC_CONF in the environment still overrides them), and its purge
// as the front end's way to give freed pages back, and its thread.arena to choose a thread's
// heap (support/memory.h). All are unused when the binary is built without jemalloc.
//
// thp:always backs jemalloc's memory with transparent huge pages where the kernel allows it
// (Debian's default: "madvise"). A build of 10,000 monitors touched about 20,000 fresh 4 KiB
// pages, and each first touch is a page fault that costs several microseconds on a virtual
// machine: with huge pages it takes about 3,600 of them and a third less CPU, for about 10 %
// more peak RSS (docs/performance.md). The language server turns them off for itself
// (disableHugePages(), allocator.h).
#include "allocator.h"

#include <sys/prctl.h>

#include <cstddef>

#include "support/memory.h"

extern "C" {
extern const char* malloc_conf;
const char* malloc_conf = "thp:always";
#ifdef MONITORC_WITH_JEMALLOC
int mallctl(const char* name, void* oldp, size_t* oldlenp, void* newp, size_t newlen);
#endif
}

#ifdef MONITORC_WITH_JEMALLOC
namespace {

// "arena.<MALLCTL_ARENAS_ALL>.purge": every arena's unused pages, in one call. jemalloc's own
// decay (dirty_decay_ms) would purge as memory is freed, on every few frees: five times the
// CPU of the whole build when set to 0 (docs/performance.md); a purge at a few points costs
// one pass.
void purge() { mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0); }

unsigned currentArena() {
  unsigned arena = 0;
  size_t size = sizeof arena;
  return mallctl("thread.arena", &arena, &size, nullptr, 0) == 0 ? arena : 0;
}

void useArena(unsigned arena) { mallctl("thread.arena", nullptr, nullptr, &arena, sizeof arena); }

const bool installed = (mon::setMemoryReleaser(&purge), mon::setHeapSelector(&currentArena, &useArena), true);

}  // namespace
#endif

namespace mon::cli {

// The kernel's per-process switch: faults in every mapping, the allocator's madvised ones
// included, take small pages from then on. Failing (a kernel without it) changes nothing.
void disableHugePages() { prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0); }

}  // namespace mon::cli
