/* A single-threaded counter: prints "ready", then counts every 10 ms and
 * prints the count every 10 ticks. Optional argument: MiB of anonymous memory
 * to touch first (page i holds i). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long counter;

int main(int argc, char **argv) {
	long mib = argc > 1 ? atol(argv[1]) : 0;
	if (mib > 0) {
		size_t sz = (size_t)mib << 20;
		char *m = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED) { perror("mmap"); return 1; }
		for (size_t i = 0; i < sz; i += 4096) *(unsigned long *)(m + i) = i / 4096 + 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready %d\n", getpid());
	struct timespec ts = {0, 10 * 1000 * 1000};
	for (;;) {
		counter++;
		if (counter % 10 == 0) printf("%lu\n", counter);
		nanosleep(&ts, NULL);
	}
}
