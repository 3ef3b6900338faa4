/* A stopped child (SIGSTOP, state T) next to a running one: after the
 * restore the stopped one is still stopped, continues on SIGCONT (the
 * parent sees WIFCONTINUED) and finishes normally; the running one too. */
#include "scenario.h"

static int worker(void *a)
{
	char *m = malloc(65536);
	sc_fill(m, 65536, 1400 + (long)a);
	sc_wait();
	return sc_verify(m, 65536, 1400 + (long)a) < 0 ? 0 : 3;
}

static char state(pid_t p)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", p);
	char *s = sc_read_file(path);
	return s ? strrchr(s, ')')[2] : 0;
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	pid_t s = sc_fork(worker, (void *)1L);
	pid_t r = sc_fork(worker, (void *)2L);
	SC_SYS(kill(s, SIGSTOP));
	int st;
	SC_CHECK(waitpid(s, &st, WUNTRACED) == s && WIFSTOPPED(st), "child did not stop");
	sc_ready();
	if (sc_corrupt())
		kill(s, SIGCONT);
	sc_wait();
	SC_CHECK(state(s) == 'T', "stopped child is in state '%c'", state(s));
	SC_CHECK(state(r) == 'S', "running child is in state '%c'", state(r));
	SC_SYS(kill(s, SIGCONT));
	SC_CHECK(waitpid(s, &st, WCONTINUED) == s && WIFCONTINUED(st), "no WIFCONTINUED for the stopped child");
	sc_stop_child(s, "stopped child");
	sc_stop_child(r, "running child");
	sc_pass();
}
