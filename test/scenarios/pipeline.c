/* A shell-like pipeline in its own session: the root ("shell") starts
 * gen | filter | sink as one process group (a job), connected by pipes.
 * gen emits 0,1,2,... every millisecond, filter maps x to 2x+1, sink
 * checks the sequence. After the restore the stream goes on with no gap,
 * duplicate or corruption; SIGTERM to the root stops gen, the end marker
 * flows through, and every stage exits 0. */
#include "scenario.h"

#define END 0xffffffffu
static int p1[2], p2[2];

static int gen(void *x)
{
	close(p1[0]); close(p2[0]); close(p2[1]);
	uint32_t v = 0;
	while (!sc_check_term()) {
		if (write(p1[1], &v, 4) != 4)
			return 2;
		v++;
		if (v % 4 == 0)
			sc_msleep(1);
	}
	uint32_t e = END;
	return write(p1[1], &e, 4) == 4 ? 0 : 3;
}

static int filter(void *x)
{
	close(p1[1]); close(p2[0]);
	uint32_t v;
	for (;;) {
		if (sc_read_all(p1[0], &v, 4))
			return 4;
		uint32_t o = v == END ? END : 2 * v + 1;
		if (sc_write_all(p2[1], &o, 4))
			return 5;
		if (v == END)
			return 0;
	}
}

static int sink(void *x)
{
	close(p1[0]); close(p1[1]); close(p2[1]);
	uint32_t v, expect = 0;
	for (;;) {
		if (sc_read_all(p2[0], &v, 4))
			sc_fail("sink: read failed at %u", expect);
		if (v == END)
			break;
		if (v != 2 * expect + 1)
			sc_fail("sink: got %u, expected %u", v, 2 * expect + 1);
		expect++;
	}
	if (expect < 100)
		sc_fail("sink: only %u items", expect);
	return 0;
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	SC_SYS(pipe(p1));
	SC_SYS(pipe(p2));
	pid_t g = sc_fork(gen, NULL);
	setpgid(g, g);
	pid_t f = sc_fork(filter, NULL);
	setpgid(f, g);
	pid_t k = sc_fork(sink, NULL);
	setpgid(k, g);
	close(p1[0]); close(p1[1]); close(p2[0]); close(p2[1]);
	sc_msleep(100);
	SC_CHECK(getpgid(f) == g && getpgid(k) == g, "job group not set up");
	sc_ready();
	if (sc_corrupt())
		kill(f, SIGKILL);
	sc_wait();
	SC_CHECK(getpgid(f) == g && getpgid(k) == g && getpgid(g) == g, "job group changed");
	sc_msleep(100);       /* let the stream run after the restore */
	SC_SYS(kill(g, SIGTERM));
	pid_t who[3] = { g, f, k };
	const char *names[3] = { "gen", "filter", "sink" };
	for (int i = 0; i < 3; i++) {
		int st = sc_waitpid(who[i], 10000);
		SC_CHECK(st == 0, "%s exited with status 0x%x", names[i], st);
	}
	sc_pass();
}
