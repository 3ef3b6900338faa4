/* A parent and a child: after the restore the child's pid and ppid are the
 * same, both have their memory, and the parent reaps the child's exit
 * status (5) normally. */
#include "scenario.h"

static pid_t parent;
static char *mem;

static int child(void *a)
{
	pid_t me = getpid();
	sc_fill(mem, 8192, 1101);
	sc_wait();
	if (getpid() != me || getppid() != parent)
		sc_fail("child: pid %d ppid %d, expected %d %d", getpid(), getppid(), me, parent);
	if (sc_verify(mem, 8192, 1101) >= 0)
		sc_fail("child: memory differs");
	return 5;
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	parent = getpid();
	mem = malloc(8192);
	sc_fill(mem, 8192, 1100);
	struct sc_sync s;
	sc_sync_init(&s);
	pid_t c = fork();
	if (c == 0) {
		sc_sync_post(&s);
		_exit(child(NULL));
	}
	sc_sync_wait(&s, 1);
	sc_ready();
	if (sc_corrupt())
		kill(c, SIGKILL);
	sc_wait();
	SC_CHECK(kill(c, SIGTERM) == 0, "child %d gone", c);
	int st = sc_waitpid(c, 10000);
	SC_CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 5, "child status 0x%x, expected exit 5", st);
	SC_CHECK(sc_verify(mem, 8192, 1100) < 0, "parent memory differs");
	sc_pass();
}
