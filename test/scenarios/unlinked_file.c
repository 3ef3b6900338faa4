/* An unlinked file still open (and a second one also mapped): after the
 * restore it is still unlinked (st_nlink 0, "(deleted)" in the link, the
 * name free), with the same content and offset. */
#include "scenario.h"
#include <sys/mman.h>

#define LEN 50000

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	static char buf[LEN];
	sc_fill(buf, LEN, 401);
	int fd = SC_SYS(open(sc_path("gone"), O_CREAT | O_TRUNC | O_RDWR, 0600));
	SC_CHECK(!sc_write_all(fd, buf, LEN), "write");
	SC_SYS(lseek(fd, 4321, SEEK_SET));
	SC_SYS(unlink(sc_path("gone")));
	int fd2 = SC_SYS(open(sc_path("gone-mapped"), O_CREAT | O_TRUNC | O_RDWR, 0600));
	SC_SYS(ftruncate(fd2, 8192));
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);
	SC_CHECK(m != MAP_FAILED, "mmap");
	sc_fill(m, 8192, 402);
	SC_SYS(unlink(sc_path("gone-mapped")));
	sc_ready();
	if (sc_corrupt())
		pwrite(fd, "!", 1, 10);
	sc_wait();
	struct stat st;
	SC_SYS(fstat(fd, &st));
	SC_CHECK(st.st_nlink == 0, "st_nlink %lu: file is linked again", (unsigned long)st.st_nlink);
	SC_CHECK(st.st_size == LEN, "size %ld", (long)st.st_size);
	SC_CHECK(access(sc_path("gone"), F_OK) == -1, "the unlinked name exists again");
	char link[4200], path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = 0;
	SC_CHECK(strstr(link, "(deleted)"), "link is '%s'", link);
	SC_CHECK(lseek(fd, 0, SEEK_CUR) == 4321, "offset %ld", (long)lseek(fd, 0, SEEK_CUR));
	static char got[LEN];
	SC_CHECK(pread(fd, got, LEN, 0) == LEN && !memcmp(got, buf, LEN), "content differs");
	SC_SYS(fstat(fd2, &st));
	SC_CHECK(st.st_nlink == 0, "mapped file linked again");
	SC_CHECK(sc_verify(m, 8192, 402) < 0, "mapping of the unlinked file differs");
	m[0] ^= 1;
	char c;
	SC_CHECK(pread(fd2, &c, 1, 0) == 1 && c == m[0], "mapping and fd no longer share the file");
	sc_pass();
}
