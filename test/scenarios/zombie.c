/* Zombie children: one exited with status 42, one killed by SIGUSR1, both
 * not reaped. After the restore they are still zombies (same pids) and
 * waitpid returns their exit statuses. */
#include "scenario.h"

static int exit42(void *a) { return 42; }
static int die_usr1(void *a) { signal(SIGUSR1, SIG_DFL); raise(SIGUSR1); return 1; }

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
	pid_t z1 = sc_fork(exit42, NULL);
	pid_t z2 = sc_fork(die_usr1, NULL);
	for (int i = 0; i < 1000 && (state(z1) != 'Z' || state(z2) != 'Z'); i++)
		sc_msleep(2);
	SC_CHECK(state(z1) == 'Z' && state(z2) == 'Z', "children are not zombies");
	sc_ready();
	if (sc_corrupt())
		waitpid(z1, NULL, 0);
	sc_wait();
	SC_CHECK(state(z1) == 'Z', "zombie %d state '%c'", z1, state(z1));
	SC_CHECK(state(z2) == 'Z', "zombie %d state '%c'", z2, state(z2));
	int st;
	SC_CHECK(waitpid(z1, &st, WNOHANG) == z1, "waitpid %d: %s", z1, strerror(errno));
	SC_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42, "zombie 1 status 0x%x, expected exit 42", st);
	SC_CHECK(waitpid(z2, &st, WNOHANG) == z2, "waitpid %d: %s", z2, strerror(errno));
	SC_CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1, "zombie 2 status 0x%x, expected SIGUSR1", st);
	SC_CHECK(waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD, "more children than expected");
	sc_pass();
}
