/* Pipes with buffered data: a small amount, a completely full default pipe
 * (64 KiB), and a pipe resized to 256 KiB holding 200 KiB. */
#include "scenario.h"

struct p { int fd[2]; size_t size, len; uint64_t seed; };

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	struct p ps[] = { { .len = 1000, .seed = 11 }, { .len = 65536, .seed = 12 }, { .size = 262144, .len = 200000, .seed = 13 } };
	int n = 3;
	static char buf[300000];
	for (int i = 0; i < n; i++) {
		SC_SYS(pipe2(ps[i].fd, O_NONBLOCK));
		if (ps[i].size)
			SC_SYS(fcntl(ps[i].fd[1], F_SETPIPE_SZ, (int)ps[i].size));
		ps[i].size = SC_SYS(fcntl(ps[i].fd[1], F_GETPIPE_SZ));
		sc_fill(buf, ps[i].len, ps[i].seed);
		SC_CHECK(!sc_write_all(ps[i].fd[1], buf, ps[i].len), "fill pipe %d: %s", i, strerror(errno));
	}
	sc_ready();
	if (sc_corrupt()) {
		char c;
		(void)!read(ps[0].fd[0], &c, 1);
	}
	sc_wait();
	for (int i = 0; i < n; i++) {
		int sz = SC_SYS(fcntl(ps[i].fd[1], F_GETPIPE_SZ));
		SC_CHECK((size_t)sz == ps[i].size, "pipe %d size %d, was %zu", i, sz, ps[i].size);
		memset(buf, 0, sizeof(buf));
		ssize_t got = 0, r;
		while ((r = read(ps[i].fd[0], buf + got, sizeof(buf) - got)) > 0)
			got += r;
		SC_CHECK(r < 0 && errno == EAGAIN, "pipe %d: read end: %s", i, strerror(errno));
		SC_CHECK((size_t)got == ps[i].len, "pipe %d holds %zd bytes, expected %zu", i, got, ps[i].len);
		long off = sc_verify(buf, got, ps[i].seed);
		SC_CHECK(off < 0, "pipe %d data differs at %ld", i, off);
		/* both ends still work */
		SC_CHECK(write(ps[i].fd[1], "x", 1) == 1, "pipe %d write after restore", i);
		SC_CHECK(read(ps[i].fd[0], buf, 10) == 1 && buf[0] == 'x', "pipe %d read after restore", i);
	}
	sc_pass();
}
