#pragma once
// The binary's allocator settings (cli/allocator.cpp).

namespace mon::cli {

/// Turns transparent huge pages off for this process from now on. A build touches its memory
/// once, densely, and is faster on huge pages (fewer page faults); the language server opens a
/// file on several threads at once, and there each fresh 2 MiB page the allocator's arenas
/// touch is zeroed whole, and may wait for the kernel to compact memory, before the first
/// diagnostics: didOpen of an 86,000-line file took 90-270 ms with them and 95-125 ms without
/// (docs/performance.md). Edits reuse memory the server already has, so they gain nothing.
/// A build turns them off once its monitors stream (cli/cmd_build.cpp): its memory stops growing.
void disableHugePages();

}  // namespace mon::cli
