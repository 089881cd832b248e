// A `readdir` for the test process only, in front of glibc's, working around
// swift-corelibs-foundation#5472 (fixed upstream, in no 6.3 release): on Linux every
// `Process.run()` scans /proc/self/fd and copies a fixed 256 bytes of each entry's `d_name`. An
// entry is only `d_reclen` bytes long, so when the test process holds more than ~1,350 descriptors
// readdir's buffer is full and the copy of its last entry reads past the buffer — a crash when the
// buffer ends at the edge of a heap. Here each entry is handed out from a full-size `struct dirent`
// of the calling thread (valid until that thread's next call), so the 256-byte copy stays inside
// it. The test executable exports this symbol (Package.swift), so libFoundation binds to it.
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <stddef.h>
#include <string.h>

struct dirent *readdir(DIR *directory) {
    static struct dirent *(*next)(DIR *);
    static __thread struct dirent entry;
    if (next == NULL) next = (struct dirent * (*)(DIR *)) dlsym(RTLD_NEXT, "readdir");
    struct dirent *found = next(directory);
    if (found == NULL) return NULL;
    size_t length = found->d_reclen < sizeof entry ? found->d_reclen : sizeof entry;
    memcpy(&entry, found, length);
    entry.d_name[sizeof entry.d_name - 1] = '\0';
    return &entry;
}
