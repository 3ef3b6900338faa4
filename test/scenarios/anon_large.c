/* 128 MiB of touched private anonymous memory in one region (pages differ
 * from each other), checked by a per-page hash. */
#include "scenario.h"
#include <sys/mman.h>

#define LEN (128UL << 20)
#define PG 4096UL

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	uint64_t *m = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	SC_CHECK(m != MAP_FAILED, "mmap");
	size_t words = LEN / 8;
	uint64_t x = 88172645463325252ULL;
	for (size_t i = 0; i < words; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		m[i] = x;
	}
	sc_ready();
	if (sc_corrupt())
		m[words / 3] ^= 1;
	sc_wait();
	x = 88172645463325252ULL;
	for (size_t i = 0; i < words; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		SC_CHECK(m[i] == x, "word %zu (page %zu) differs", i, i * 8 / PG);
	}
	sc_pass();
}
