/* A memfd with content, seals (no shrink, no grow), an offset, and a
 * shared mapping of it: name, content, seals and sharing survive. */
#include "scenario.h"
#include <sys/mman.h>

#define LEN (256 * 1024)

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	int fd = SC_SYS(memfd_create("jcriu-memfd", MFD_ALLOW_SEALING | MFD_CLOEXEC));
	SC_SYS(ftruncate(fd, LEN));
	char *m = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	SC_CHECK(m != MAP_FAILED, "mmap");
	sc_fill(m, LEN, 701);
	SC_SYS(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW));
	SC_SYS(lseek(fd, 1000, SEEK_SET));
	int plain = SC_SYS(memfd_create("plain", 0));
	char buf[5000];
	sc_fill(buf, sizeof(buf), 702);
	SC_CHECK(write(plain, buf, sizeof(buf)) == sizeof(buf), "write");
	sc_ready();
	if (sc_corrupt())
		m[LEN - 1] ^= 1;
	sc_wait();
	char link[256], p[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(p, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = 0;
	SC_CHECK(!strncmp(link, "/memfd:jcriu-memfd", 18), "link '%s'", link);
	SC_CHECK(fcntl(fd, F_GET_SEALS) == (F_SEAL_SHRINK | F_SEAL_GROW), "seals %#x", fcntl(fd, F_GET_SEALS));
	SC_CHECK(ftruncate(fd, LEN / 2) == -1 && errno == EPERM, "shrink seal not enforced");
	SC_CHECK(lseek(fd, 0, SEEK_CUR) == 1000, "offset");
	SC_CHECK(sc_verify(m, LEN, 701) < 0, "mapping content differs");
	static char got[LEN];
	SC_CHECK(pread(fd, got, LEN, 0) == LEN && sc_verify(got, LEN, 701) < 0, "memfd content differs");
	m[5] = 'Q';
	SC_CHECK(pread(fd, got, 1, 5) == 1 && got[0] == 'Q', "mapping no longer shares the memfd");
	SC_CHECK(pread(plain, buf, sizeof(buf), 0) == sizeof(buf) && sc_verify(buf, sizeof(buf), 702) < 0, "plain memfd differs");
	sc_pass();
}
