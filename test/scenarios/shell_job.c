/* A shell job: started without setsid, so neither the session leader nor
 * (here) the process group leader is in the dumped tree, as for a job run
 * from a shell; it must be dumped and restored with --shell-job (criu
 * then puts it in its own session). Its pid, memory and a child survive.
 * LAUNCH_OPTS: --no-setsid
 * CRIU_OPTS: --shell-job */
#include "scenario.h"

static char *mem;

static int child(void *a)
{
	sc_wait();
	return sc_verify(mem, 1 << 20, 1301) < 0 ? 0 : 3;
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	pid_t me = getpid();
	SC_CHECK(getsid(0) != me, "started as a session leader: launch it with --no-setsid");
	mem = malloc(1 << 20);
	sc_fill(mem, 1 << 20, 1301);
	pid_t c = sc_fork(child, NULL);
	sc_ready();
	if (sc_corrupt())
		mem[4096] ^= 1;
	sc_wait();
	SC_CHECK(getpid() == me, "pid changed");
	SC_CHECK(sc_verify(mem, 1 << 20, 1301) < 0, "memory differs");
	SC_CHECK(getsid(c) == getsid(0) && getpgid(c) == getpgid(0), "child not in our session and group");
	sc_stop_child(c, "child");
	sc_pass();
}
