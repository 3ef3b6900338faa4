/* eventfds: a counter at 42 (non-blocking), a semaphore-mode one at 5, and
 * one at 0. Counters, flags and semaphore behaviour after the restore. */
#include "scenario.h"
#include <sys/eventfd.h>

static char *fdinfo(int fd, const char *key)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fdinfo/%d", fd);
	return sc_line_value(sc_read_file(p), key);
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	int a = SC_SYS(eventfd(40, EFD_NONBLOCK | EFD_CLOEXEC));
	uint64_t two = 2;
	SC_CHECK(write(a, &two, 8) == 8, "write");
	int s = SC_SYS(eventfd(5, EFD_SEMAPHORE | EFD_NONBLOCK));
	int z = SC_SYS(eventfd(0, EFD_NONBLOCK));
	sc_ready();
	if (sc_corrupt())
		SC_CHECK(write(s, &two, 8) == 8, "write");
	sc_wait();
	char *v = fdinfo(a, "eventfd-count:");
	SC_CHECK(v && strtoull(v, NULL, 16) == 42, "eventfd-count:%s", v ? v : "(none)");
	SC_CHECK(fcntl(a, F_GETFD) == FD_CLOEXEC, "FD_CLOEXEC lost");
	uint64_t x;
	SC_CHECK(read(a, &x, 8) == 8 && x == 42, "counter %lu, expected 42", (unsigned long)x);
	SC_CHECK(read(a, &x, 8) == -1 && errno == EAGAIN, "counter not reset by read / not non-blocking");
	for (int i = 0; i < 5; i++)
		SC_CHECK(read(s, &x, 8) == 8 && x == 1, "semaphore read %d gave %lu", i, (unsigned long)x);
	SC_CHECK(read(s, &x, 8) == -1 && errno == EAGAIN, "semaphore held more than 5");
	SC_CHECK(read(z, &x, 8) == -1 && errno == EAGAIN, "zero counter is not zero");
	sc_pass();
}
