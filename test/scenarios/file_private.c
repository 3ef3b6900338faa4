/* A private file mapping: some pages modified (copy-on-write, must come back
 * modified), others untouched (must still show the file), and the file on
 * disk must not have changed. */
#include "scenario.h"
#include <sys/mman.h>

#define PG 4096UL
#define PAGES 32

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	static unsigned char buf[PAGES * PG];
	sc_fill(buf, sizeof(buf), 31);
	int fd = SC_SYS(open(sc_path("private.dat"), O_RDWR | O_CREAT | O_TRUNC, 0644));
	SC_CHECK(!sc_write_all(fd, buf, sizeof(buf)), "write");
	unsigned char *m = mmap(NULL, sizeof(buf), PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	SC_CHECK(m != MAP_FAILED, "mmap");
	close(fd);
	for (int i = 0; i < PAGES; i += 3)
		sc_fill(m + i * PG, PG, 3100 + i);
	/* a read-only private mapping of the same file, at an offset */
	fd = SC_SYS(open(sc_path("private.dat"), O_RDONLY));
	unsigned char *ro = mmap(NULL, 4 * PG, PROT_READ, MAP_PRIVATE, fd, 8 * PG);
	SC_CHECK(ro != MAP_FAILED, "mmap ro");
	close(fd);
	sc_ready();
	if (sc_corrupt())
		m[PG + 5] ^= 1;
	sc_wait();
	for (int i = 0; i < PAGES; i++) {
		if (i % 3 == 0) {
			long off = sc_verify(m + i * PG, PG, 3100 + i);
			SC_CHECK(off < 0, "modified page %d differs at %ld", i, off);
		} else {
			SC_CHECK(!memcmp(m + i * PG, buf + i * PG, PG), "file page %d differs", i);
		}
	}
	SC_CHECK(!memcmp(ro, buf + 8 * PG, 4 * PG), "read-only mapping differs");
	fd = SC_SYS(open(sc_path("private.dat"), O_RDONLY));
	static unsigned char disk[PAGES * PG];
	SC_CHECK(!sc_read_all(fd, disk, sizeof(disk)), "read file");
	close(fd);
	SC_CHECK(!memcmp(disk, buf, sizeof(buf)), "file on disk changed");
	/* the mapping is still backed by the file */
	char want[128];
	snprintf(want, sizeof(want), "%lx-%lx rw-p 00000000", (unsigned long)m, (unsigned long)(m + sizeof(buf)));
	char *maps = sc_read_file("/proc/self/maps");
	SC_CHECK(maps && strstr(maps, want), "mapping '%s' not in maps", want);
	sc_pass();
}
