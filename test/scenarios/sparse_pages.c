/* Many separate runs of pages: 20000 touched pages, each with an untouched
 * page after it, so the pagemap has 20000 entries and the restore's page
 * fill needs more than one round of batches (a remote batch holds ~14000
 * chunks). Every touched page must come back with its pattern, every hole
 * as zeros, and the THP of the area is refused so the holes stay holes. */
#include "scenario.h"
#include <sys/mman.h>

#define PG 4096UL
#define RUNS 20000UL

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	size_t len = 2 * RUNS * PG;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	SC_CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	SC_SYS(madvise(p, len, MADV_NOHUGEPAGE));
	for (size_t i = 0; i < RUNS; i++)
		sc_fill(p + 2 * i * PG, PG, 7000 + i);
	sc_ready();
	if (sc_corrupt())
		p[2 * (RUNS - 1) * PG + 17] ^= 1;
	sc_wait();
	static const char zero[PG];
	for (size_t i = 0; i < RUNS; i++) {
		long off = sc_verify(p + 2 * i * PG, PG, 7000 + i);
		SC_CHECK(off < 0, "page %zu (run %zu of %lu) differs at %ld", 2 * i, i, RUNS, off);
		SC_CHECK(memcmp(p + (2 * i + 1) * PG, zero, PG) == 0, "hole page %zu is not zero", 2 * i + 1);
	}
	sc_pass();
}
