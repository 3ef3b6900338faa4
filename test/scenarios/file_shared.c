/* A shared file mapping: writes through the mapping reach the file, before
 * and after the restore, and file writes show in the mapping. */
#include "scenario.h"
#include <sys/mman.h>

#define LEN (16 * 4096UL)

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	int fd = SC_SYS(open(sc_path("shared.dat"), O_RDWR | O_CREAT | O_TRUNC, 0644));
	SC_SYS(ftruncate(fd, LEN));
	unsigned char *m = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	SC_CHECK(m != MAP_FAILED, "mmap");
	sc_fill(m, LEN / 2, 41);     /* first half written through the mapping, not synced */
	close(fd);
	sc_ready();
	if (sc_corrupt())
		m[7] ^= 1;
	sc_wait();
	SC_CHECK(sc_verify(m, LEN / 2, 41) < 0, "mapping content differs");
	sc_fill(m + LEN / 2, LEN / 2, 42);
	SC_SYS(msync(m, LEN, MS_SYNC));
	fd = SC_SYS(open(sc_path("shared.dat"), O_RDWR));
	static unsigned char buf[LEN];
	SC_CHECK(!sc_read_all(fd, buf, LEN), "read");
	SC_CHECK(sc_verify(buf, LEN / 2, 41) < 0, "file first half differs");
	SC_CHECK(sc_verify(buf + LEN / 2, LEN / 2, 42) < 0, "write through the mapping after restore did not reach the file");
	SC_CHECK(pwrite(fd, "hello", 5, 100) == 5, "pwrite");
	SC_CHECK(!memcmp(m + 100, "hello", 5), "file write not visible in the mapping");
	close(fd);
	sc_pass();
}
