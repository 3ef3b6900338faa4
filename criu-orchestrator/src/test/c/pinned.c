/* Pages for the kill-mode page path: MIB MiB of anonymous memory (page i holds
 * i + 1), of which 4 pages every 8 MiB are then made PROT_NONE (vmsplice
 * refuses them: they are copied), then "ready" and pause(): the memory does not
 * change while it is dumped twice. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv) {
	long mib = argc > 1 ? atol(argv[1]) : 80;
	size_t sz = (size_t)mib << 20;
	char *m = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) { perror("mmap"); return 1; }
	for (size_t i = 0; i < sz; i += 4096) *(unsigned long *)(m + i) = i / 4096 + 1;
	/* holes in the middle of 1 MiB pipes: each splits a pipe's content in two pieces */
	for (size_t off = (1 << 19); off + 4 * 4096 < sz; off += (size_t)8 << 20)
		if (mprotect(m + off, 4 * 4096, PROT_NONE)) { perror("mprotect"); return 1; }
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready %d\n", getpid());
	for (;;) pause();
}
