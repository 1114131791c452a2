// jemalloc's settings for this binary, read by jemalloc when it starts (its documented
// `malloc_conf` symbol; MALLOC_CONF in the environment still overrides them). Ignored when the
// binary is built without jemalloc.
//
// thp:always backs jemalloc's memory with transparent huge pages where the kernel allows it
// (Debian's default: "madvise"). A build of 10,000 monitors touched about 20,000 fresh 4 KiB
// pages, and each first touch is a page fault that costs several microseconds on a virtual
// machine: with huge pages it takes about 3,600 of them and a third less CPU, for about 10 %
// more peak RSS (docs/performance.md).
extern "C" {
extern const char* malloc_conf;
const char* malloc_conf = "thp:always";
}
