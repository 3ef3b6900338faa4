/* One mapping split by mprotect into r--, rw-, r-x, --x and rw- parts, and
 * a write-only page: /proc/self/maps must list the same ranges and
 * permissions after the restore, content included. */
#include "scenario.h"
#include <sys/mman.h>

#define PG 4096UL

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	unsigned char *m = mmap(NULL, 10 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	SC_CHECK(m != MAP_FAILED, "mmap");
	sc_fill(m, 10 * PG, 61);
	int prots[] = { PROT_READ, PROT_READ | PROT_WRITE, PROT_READ | PROT_EXEC, PROT_EXEC, PROT_READ | PROT_WRITE | PROT_EXEC, PROT_WRITE };
	for (int i = 0; i < 6; i++)
		SC_SYS(mprotect(m + i * PG, PG, prots[i]));
	/* snapshot of our lines of /proc/self/maps */
	static char before[4096], after[4096];
	char *maps = sc_read_file("/proc/self/maps");
	before[0] = 0;
	char lo[32];
	snprintf(lo, sizeof(lo), "%lx-", (unsigned long)m);
	char *p = strstr(maps, lo);
	SC_CHECK(p, "mapping not in maps");
	for (int i = 0; i < 7 && p; i++) {
		char *e = strchr(p, '\n');
		strncat(before, p, e - p + 1);
		p = e + 1;
	}
	sc_ready();
	if (sc_corrupt())
		SC_SYS(mprotect(m, PG, PROT_READ | PROT_WRITE));
	sc_wait();
	maps = sc_read_file("/proc/self/maps");
	p = strstr(maps, lo);
	SC_CHECK(p, "mapping not in maps after restore");
	after[0] = 0;
	for (int i = 0; i < 7 && p; i++) {
		char *e = strchr(p, '\n');
		strncat(after, p, e - p + 1);
		p = e + 1;
	}
	SC_CHECK(!strcmp(before, after), "maps differ:\nbefore:\n%s\nafter:\n%s", before, after);
	for (int i = 0; i < 10; i++)
		SC_SYS(mprotect(m + i * PG, PG, PROT_READ));
	SC_CHECK(sc_verify(m, 10 * PG, 61) < 0, "content differs");
	sc_pass();
}
