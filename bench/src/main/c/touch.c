/* Benchmark victim: maps BYTES of private anonymous memory, writes into every
 * page (so that all of it is present and must be dumped), optionally opens a
 * few fds of common kinds, then keeps a heartbeat: "PID COUNTER" rewritten in
 * place in HEARTBEAT every millisecond. The benchmark reads the pid from it,
 * and sees from the counter when a restored copy runs again.
 *
 * usage: touch BYTES HEARTBEAT [--fds] [--hugepage]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static void beat(int fd, unsigned long long n)
{
    char line[64];
    int len = snprintf(line, sizeof(line), "%d %20llu\n", getpid(), n);
    if (pwrite(fd, line, len, 0) != len)
        _exit(3);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: touch BYTES HEARTBEAT [--fds] [--hugepage]\n");
        return 2;
    }
    size_t bytes = strtoull(argv[1], NULL, 0);
    int fds = 0, huge = 0;
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--fds"))
            fds = 1;
        else if (!strcmp(argv[i], "--hugepage"))
            huge = 1;
    }
    if (bytes) {
        char *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mem == MAP_FAILED)
            return 1;
        madvise(mem, bytes, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
        for (size_t off = 0; off < bytes; off += 4096)
            mem[off] = (char)(off >> 12) | 1;
    }
    if (fds) {
        int p[2];
        if (pipe(p) || write(p[1], "bench", 5) != 5)
            return 1;
        if (eventfd(7, 0) < 0)
            return 1;
        if (open("/dev/null", O_RDONLY) < 0)
            return 1;
    }
    int hb = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (hb < 0)
        return 1;
    struct timespec ms = { 0, 1000 * 1000 };
    for (unsigned long long n = 1;; n++) {
        beat(hb, n);
        nanosleep(&ms, NULL);
    }
}
