/* Private anonymous memory: regions of several sizes filled with patterns,
 * a sparse region with holes that must read back as zeros, a read-only
 * region and a MAP_NORESERVE region. */
#include "scenario.h"
#include <sys/mman.h>

#define PG 4096UL

struct region { size_t len; int prot; int flags; uint64_t seed; char *p; };

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	struct region r[] = {
		{ PG, PROT_READ | PROT_WRITE, 0, 1 },
		{ 17 * PG, PROT_READ | PROT_WRITE, 0, 2 },
		{ 1024 * PG, PROT_READ | PROT_WRITE, 0, 3 },
		{ 8 * PG, PROT_READ, 0, 4 },                 /* filled, then made read-only */
		{ 64 * PG, PROT_READ | PROT_WRITE, MAP_NORESERVE, 5 },
	};
	int n = sizeof(r) / sizeof(r[0]);
	for (int i = 0; i < n; i++) {
		r[i].p = mmap(NULL, r[i].len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | r[i].flags, -1, 0);
		SC_CHECK(r[i].p != MAP_FAILED, "mmap: %s", strerror(errno));
		sc_fill(r[i].p, r[i].len, r[i].seed);
		if (r[i].prot != (PROT_READ | PROT_WRITE))
			SC_SYS(mprotect(r[i].p, r[i].len, r[i].prot));
	}
	/* sparse: 4096 pages, only every 7th touched */
	size_t sparse_len = 4096 * PG;
	char *sp = mmap(NULL, sparse_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	SC_CHECK(sp != MAP_FAILED, "mmap sparse");
	for (size_t pg = 0; pg < 4096; pg += 7)
		sc_fill(sp + pg * PG, PG, 100 + pg);

	sc_ready();
	if (sc_corrupt())
		r[2].p[12345] ^= 1;
	sc_wait();

	for (int i = 0; i < n; i++) {
		long off = sc_verify(r[i].p, r[i].len, r[i].seed);
		SC_CHECK(off < 0, "region %d differs at offset %ld", i, off);
	}
	for (size_t pg = 0; pg < 4096; pg++) {
		if (pg % 7 == 0) {
			long off = sc_verify(sp + pg * PG, PG, 100 + pg);
			SC_CHECK(off < 0, "sparse page %zu differs at %ld", pg, off);
		} else {
			for (size_t k = 0; k < PG; k++)
				SC_CHECK(sp[pg * PG + k] == 0, "sparse hole page %zu not zero at %zu", pg, k);
		}
	}
	/* the read-only region must still be read-only: check /proc/self/maps */
	char want[64];
	snprintf(want, sizeof(want), "%lx-%lx r--p", (unsigned long)r[3].p, (unsigned long)(r[3].p + r[3].len));
	char *maps = sc_read_file("/proc/self/maps");
	SC_CHECK(maps && strstr(maps, want), "read-only region not found as '%s'", want);
	sc_pass();
}
