/* Three generations: root -> child -> grandchild, each with its own
 * memory. After the restore every process has its pid and ppid, SIGTERM
 * travels down, and each parent reaps its child's exit status. */
#include "scenario.h"

static int grandchild(void *a)
{
	pid_t pp = getppid();
	char *m = malloc(4096);
	sc_fill(m, 4096, 1203);
	sc_sync_post(a);
	sc_wait();
	if (getppid() != pp)
		sc_fail("grandchild: ppid %d, was %d", getppid(), pp);
	if (sc_verify(m, 4096, 1203) >= 0)
		sc_fail("grandchild: memory differs");
	return 7;
}

static int child(void *a)
{
	pid_t pp = getppid();
	char *m = malloc(4096);
	sc_fill(m, 4096, 1202);
	pid_t g = sc_fork(grandchild, a);
	sc_sync_post(a);
	sc_wait();
	if (getppid() != pp)
		sc_fail("child: ppid %d, was %d", getppid(), pp);
	if (kill(g, SIGTERM))
		sc_fail("child: grandchild %d gone", g);
	int st = sc_waitpid(g, 10000);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 7)
		sc_fail("child: grandchild status 0x%x", st);
	if (sc_verify(m, 4096, 1202) >= 0)
		sc_fail("child: memory differs");
	return 6;
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	struct sc_sync s;
	sc_sync_init(&s);
	pid_t c = sc_fork(child, &s);
	sc_sync_wait(&s, 2);
	sc_ready();
	sc_wait();
	SC_CHECK(kill(c, SIGTERM) == 0, "child gone");
	int st = sc_waitpid(c, 10000);
	SC_CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 6, "child status 0x%x, expected exit 6", st);
	sc_pass();
}
