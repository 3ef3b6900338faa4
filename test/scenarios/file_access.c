/* Access modes: a file open read-only cannot be written through its fd, a
 * write-only one cannot be read, a read-write one does both. */
#include "scenario.h"

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	int fd = SC_SYS(open(sc_path("f"), O_CREAT | O_TRUNC | O_RDWR, 0644));
	SC_CHECK(write(fd, "0123456789", 10) == 10, "write");
	close(fd);
	int ro = SC_SYS(open(sc_path("f"), O_RDONLY));
	int wo = SC_SYS(open(sc_path("f"), O_WRONLY));
	int rw = SC_SYS(open(sc_path("f"), O_RDWR));
	sc_ready();
	if (sc_corrupt()) {
		close(ro);
		ro = SC_SYS(open(sc_path("f"), O_RDWR));
	}
	sc_wait();
	char c;
	SC_CHECK((fcntl(ro, F_GETFL) & O_ACCMODE) == O_RDONLY, "ro: access mode");
	SC_CHECK((fcntl(wo, F_GETFL) & O_ACCMODE) == O_WRONLY, "wo: access mode");
	SC_CHECK((fcntl(rw, F_GETFL) & O_ACCMODE) == O_RDWR, "rw: access mode");
	SC_CHECK(write(ro, "x", 1) == -1 && errno == EBADF, "write to a read-only fd worked");
	SC_CHECK(read(wo, &c, 1) == -1 && errno == EBADF, "read from a write-only fd worked");
	SC_CHECK(read(ro, &c, 1) == 1 && c == '0', "read from ro");
	SC_CHECK(write(wo, "A", 1) == 1, "write to wo");
	SC_CHECK(read(rw, &c, 1) == 1 && c == 'A', "rw reads what wo wrote");
	sc_pass();
}
