/* A pipe shared by a parent (reader) and its child (writer), with data in
 * flight at the checkpoint: the child writes a numbered stream, and the
 * parent must read it complete and in order across the restore. Both keep
 * both ends open, so the pipe's ends are shared by two processes. */
#include "scenario.h"
#include <poll.h>

static int p[2];

static int child(void *a)
{
	uint32_t v = 0;
	/* pre-fill 1000 numbers, then one every 2 ms until SIGTERM, then 100 more */
	for (; v < 1000; v++)
		if (write(p[1], &v, 4) != 4)
			return 2;
	while (!sc_check_term()) {
		if (write(p[1], &v, 4) != 4)
			return 3;
		v++;
		sc_msleep(2);
	}
	for (int i = 0; i < 100; i++, v++)
		if (write(p[1], &v, 4) != 4)
			return 4;
	uint32_t end = 0xffffffff;
	if (write(p[1], &end, 4) != 4)
		return 5;
	return 0;
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	SC_SYS(pipe(p));
	pid_t c = sc_fork(child, NULL);
	uint32_t expect = 0, v;
	/* read half of the prefill, leave the rest buffered */
	for (; expect < 500; expect++) {
		SC_CHECK(!sc_read_all(p[0], &v, 4), "read");
		SC_CHECK(v == expect, "got %u, expected %u", v, expect);
	}
	sc_ready();
	if (sc_corrupt()) {
		sc_msleep(50);
		SC_CHECK(!sc_read_all(p[0], &v, 4), "read");
	}
	sc_wait();
	kill(c, SIGTERM);
	for (;;) {
		struct pollfd pf = { p[0], POLLIN, 0 };
		SC_CHECK(poll(&pf, 1, 10000) == 1, "stream stalled at %u", expect);
		SC_CHECK(!sc_read_all(p[0], &v, 4), "read");
		if (v == 0xffffffff)
			break;
		SC_CHECK(v == expect, "got %u, expected %u", v, expect);
		expect++;
	}
	SC_CHECK(expect > 1100, "stream too short: %u", expect);
	int st = sc_waitpid(c, 10000);
	SC_CHECK(st == 0, "child status 0x%x", st);
	sc_pass();
}
