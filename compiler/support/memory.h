#pragma once
// Handing freed memory back to the system between stages. The binary installs its allocator's
// way of doing it (cli/allocator.cpp: jemalloc's purge); libraries and tests run without one.

namespace mon {

/// Gives the pages the allocator keeps for reuse, but no object uses, back to the system. The
/// front end calls it while the syntax trees are being freed: what comes after (the IR, the
/// output files) is made of other block sizes than the trees, does not fit in the small holes
/// they leave, and would otherwise be laid on fresh pages on top of them. Does nothing until
/// setMemoryReleaser() is called.
void releaseFreedMemory();
void setMemoryReleaser(void (*release)());

/// The allocator's heap (arena) the calling thread allocates from, and a way to make another
/// thread allocate from it too. A worker whose blocks another thread frees (the front end's
/// parse-ahead threads: the main thread frees their trees) leaves those pages in its own heap,
/// where the main thread's later blocks cannot reuse them. The binary installs both
/// (cli/allocator.cpp: jemalloc's thread.arena); without them there is one heap to speak of.
unsigned currentHeap();
void useHeap(unsigned heap);
void setHeapSelector(unsigned (*current)(), void (*use)(unsigned));

}  // namespace mon
