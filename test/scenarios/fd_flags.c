/* Descriptor flags: FD_CLOEXEC on some fds and not others, O_NONBLOCK on a
 * pipe end and a socket, O_ASYNC-free defaults; fds at high and sparse
 * numbers (3, 17, 100, 1000). All the same after the restore. */
#include "scenario.h"
#include <sys/socket.h>

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	int p[2], s[2];
	SC_SYS(pipe(p));
	SC_SYS(socketpair(AF_UNIX, SOCK_STREAM, 0, s));
	int want[] = { 17, 100, 1000, 1001, 1002 };
	int src[] = { p[0], p[1], s[0], s[1], open("/dev/null", O_RDONLY) };
	for (int i = 0; i < 5; i++) {
		SC_SYS(dup2(src[i], want[i]));
		close(src[i]);
	}
	SC_SYS(fcntl(17, F_SETFD, FD_CLOEXEC));
	SC_SYS(fcntl(100, F_SETFL, O_NONBLOCK));
	SC_SYS(fcntl(1000, F_SETFL, O_NONBLOCK));
	SC_SYS(fcntl(1002, F_SETFD, FD_CLOEXEC));
	int fdf[5], flf[5];
	for (int i = 0; i < 5; i++) {
		fdf[i] = fcntl(want[i], F_GETFD);
		flf[i] = fcntl(want[i], F_GETFL);
	}
	sc_ready();
	if (sc_corrupt())
		fcntl(100, F_SETFD, FD_CLOEXEC);
	sc_wait();
	for (int i = 0; i < 5; i++) {
		SC_CHECK(fcntl(want[i], F_GETFD) == fdf[i], "fd %d: FD flags %d, was %d", want[i], fcntl(want[i], F_GETFD), fdf[i]);
		SC_CHECK(fcntl(want[i], F_GETFL) == flf[i], "fd %d: FL flags %#x, was %#x", want[i], fcntl(want[i], F_GETFL), flf[i]);
	}
	/* nothing else appeared between 3 and 1002 except these */
	for (int fd = 3; fd < 1003; fd++) {
		int ours = 0;
		for (int i = 0; i < 5; i++)
			ours |= fd == want[i];
		if (!ours && fcntl(fd, F_GETFD) != -1) {
			char l[256] = "", p2[64];
			snprintf(p2, sizeof(p2), "/proc/self/fd/%d", fd);
			(void)!readlink(p2, l, sizeof(l) - 1);
			sc_fail("unexpected fd %d open (%s)", fd, l);
		}
	}
	char c;
	SC_CHECK(write(100, "z", 1) == 1 && read(17, &c, 1) == 1 && c == 'z', "pipe ends not connected");
	sc_pass();
}
