/* Regions moved and resized with mremap: one moved to a fixed address, one
 * grown in place, one shrunk. Addresses and content must be kept. */
#include "scenario.h"
#include <sys/mman.h>

#define PG 4096UL

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	unsigned char *hole = mmap(NULL, 64 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	SC_CHECK(hole != MAP_FAILED, "mmap");
	SC_SYS(munmap(hole, 64 * PG));
	unsigned char *a = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sc_fill(a, 16 * PG, 131);
	unsigned char *moved = mremap(a, 16 * PG, 16 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, hole + 8 * PG);
	SC_CHECK(moved == hole + 8 * PG, "mremap fixed: %s", strerror(errno));
	unsigned char *b = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sc_fill(b, 8 * PG, 132);
	unsigned char *grown = mremap(b, 8 * PG, 32 * PG, MREMAP_MAYMOVE);
	SC_CHECK(grown != MAP_FAILED, "mremap grow");
	sc_fill(grown + 8 * PG, 24 * PG, 133);
	unsigned char *shrunk = mremap(moved, 16 * PG, 4 * PG, 0);
	SC_CHECK(shrunk == moved, "mremap shrink");
	sc_ready();
	if (sc_corrupt())
		grown[9 * PG] ^= 1;
	sc_wait();
	SC_CHECK(sc_verify(shrunk, 4 * PG, 131) < 0, "moved region differs");
	SC_CHECK(sc_verify(grown, 8 * PG, 132) < 0, "grown region (old part) differs");
	SC_CHECK(sc_verify(grown + 8 * PG, 24 * PG, 133) < 0, "grown region (new part) differs");
	char want[64];
	snprintf(want, sizeof(want), "%lx-%lx rw-p", (unsigned long)shrunk, (unsigned long)(shrunk + 4 * PG));
	SC_CHECK(strstr(sc_read_file("/proc/self/maps"), want), "moved region not at %s", want);
	sc_pass();
}
