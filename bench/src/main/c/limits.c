/* The machine's memory limits that bound dump and restore, measured in the
 * same run as the benchmark: memcpy between prefaulted buffers, memcpy into
 * freshly mapped 4 KiB pages (page faults and zeroing), and into fresh
 * transparent huge pages. Prints "name GB/s" lines.
 *
 * usage: limits [BYTES]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static char *map(size_t bytes, int advice)
{
    /* 2 MiB alignment so that huge pages are possible when asked for */
    size_t align = 2u << 20;
    char *raw = mmap(NULL, bytes + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    char *p = (char *)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1));
    madvise(p, bytes, advice);
    return p;
}

static double copy_rate(char *dst, const char *src, size_t bytes)
{
    double t0 = now();
    memcpy(dst, src, bytes);
    double t = now() - t0;
    /* keep the copy observable */
    if (dst[bytes - 1] != src[bytes - 1])
        abort();
    return bytes / t / 1e9;
}

int main(int argc, char **argv)
{
    size_t bytes = argc > 1 ? strtoull(argv[1], NULL, 0) : (1u << 30);
    char *src = map(bytes, MADV_NOHUGEPAGE);
    memset(src, 0x5a, bytes);
    char *warm = map(bytes, MADV_NOHUGEPAGE);
    memset(warm, 0, bytes);
    printf("memcpy-prefaulted %.2f\n", copy_rate(warm, src, bytes));
    munmap(warm, bytes);
    printf("memcpy-fresh-4k %.2f\n", copy_rate(map(bytes, MADV_NOHUGEPAGE), src, bytes));
    printf("memcpy-fresh-thp %.2f\n", copy_rate(map(bytes, MADV_HUGEPAGE), src, bytes));
    return 0;
}
