/* Character devices: /dev/null (rw), /dev/zero (ro, also mapped private),
 * /dev/urandom, /dev/full. Each fd is the same device after the restore
 * and behaves like it. */
#include "scenario.h"
#include <sys/mman.h>
#include <sys/sysmacros.h>

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	const char *paths[] = { "/dev/null", "/dev/zero", "/dev/urandom", "/dev/full" };
	int modes[] = { O_RDWR, O_RDONLY, O_RDONLY, O_WRONLY };
	int fd[4];
	dev_t rdev[4];
	for (int i = 0; i < 4; i++) {
		fd[i] = SC_SYS(open(paths[i], modes[i]));
		struct stat st;
		fstat(fd[i], &st);
		rdev[i] = st.st_rdev;
	}
	char *z = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd[1], 0);
	SC_CHECK(z != MAP_FAILED, "mmap /dev/zero");
	sc_fill(z, 4096, 601);
	sc_ready();
	if (sc_corrupt()) {
		close(fd[3]);
		SC_SYS(open("/dev/null", O_WRONLY));
	}
	sc_wait();
	for (int i = 0; i < 4; i++) {
		struct stat st;
		SC_SYS(fstat(fd[i], &st));
		SC_CHECK(S_ISCHR(st.st_mode) && st.st_rdev == rdev[i], "fd %d is not %s (%u:%u)", fd[i], paths[i],
			 major(st.st_rdev), minor(st.st_rdev));
		SC_CHECK((fcntl(fd[i], F_GETFL) & O_ACCMODE) == modes[i], "%s: access mode", paths[i]);
	}
	char buf[256];
	SC_CHECK(write(fd[0], "x", 1) == 1 && read(fd[0], buf, 1) == 0, "/dev/null");
	memset(buf, 1, sizeof(buf));
	SC_CHECK(read(fd[1], buf, 256) == 256, "/dev/zero read");
	for (int i = 0; i < 256; i++)
		SC_CHECK(buf[i] == 0, "/dev/zero gave non-zero");
	SC_CHECK(read(fd[2], buf, 256) == 256, "/dev/urandom read");
	SC_CHECK(write(fd[3], "x", 1) == -1 && errno == ENOSPC, "/dev/full");
	SC_CHECK(sc_verify(z, 4096, 601) < 0, "/dev/zero mapping (written page) differs");
	for (int i = 4096; i < 65536; i++)
		SC_CHECK(z[i] == 0, "/dev/zero mapping not zero at %d", i);
	sc_pass();
}
