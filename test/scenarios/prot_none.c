/* PROT_NONE regions: a guard area between two RW regions, and a region
 * that was filled and then made PROT_NONE (its content must survive). */
#include "scenario.h"
#include <sys/mman.h>

#define PG 4096UL

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	unsigned char *a = mmap(NULL, 12 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	SC_CHECK(a != MAP_FAILED, "mmap");
	sc_fill(a, 4 * PG, 51);
	sc_fill(a + 8 * PG, 4 * PG, 52);
	SC_SYS(mprotect(a + 4 * PG, 4 * PG, PROT_NONE));          /* guard: never touched */
	unsigned char *hidden = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	SC_CHECK(hidden != MAP_FAILED, "mmap");
	sc_fill(hidden, 8 * PG, 53);
	SC_SYS(mprotect(hidden, 8 * PG, PROT_NONE));
	/* a reserved PROT_NONE area (like a thread stack reservation) */
	void *res = mmap(NULL, 256 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	SC_CHECK(res != MAP_FAILED, "mmap reserve");
	sc_ready();
	if (sc_corrupt())
		SC_SYS(mprotect(a + 4 * PG, PG, PROT_READ));
	sc_wait();
	char *maps = sc_read_file("/proc/self/maps");
	char want[3][80];
	snprintf(want[0], 80, "%lx-%lx ---p", (unsigned long)(a + 4 * PG), (unsigned long)(a + 8 * PG));
	snprintf(want[1], 80, "%lx-%lx ---p", (unsigned long)hidden, (unsigned long)(hidden + 8 * PG));
	snprintf(want[2], 80, "%lx-%lx ---p", (unsigned long)res, (unsigned long)res + 256 * PG);
	for (int i = 0; i < 3; i++)
		SC_CHECK(maps && strstr(maps, want[i]), "PROT_NONE region %d not found as '%s'", i, want[i]);
	SC_CHECK(sc_verify(a, 4 * PG, 51) < 0 && sc_verify(a + 8 * PG, 4 * PG, 52) < 0, "RW regions differ");
	SC_SYS(mprotect(hidden, 8 * PG, PROT_READ));
	long off = sc_verify(hidden, 8 * PG, 53);
	SC_CHECK(off < 0, "content under PROT_NONE differs at %ld", off);
	SC_SYS(mprotect(a + 4 * PG, 4 * PG, PROT_READ));
	for (size_t i = 0; i < 4 * PG; i++)
		SC_CHECK(a[4 * PG + i] == 0, "guard area not zero at %zu", i);
	sc_pass();
}
