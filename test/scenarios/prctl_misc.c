/* Other per-task settings: not dumpable (PR_SET_DUMPABLE 0), child
 * subreaper, THP disabled for the mm, timer slack, and the parent-death
 * signal of a child. */
#include "scenario.h"
#include <sys/prctl.h>

static int child(void *a)
{
	prctl(PR_SET_PDEATHSIG, SIGUSR2);
	sc_wait();
	int sig = 0;
	prctl(PR_GET_PDEATHSIG, &sig);
	if (sig != SIGUSR2)
		sc_fail("child: pdeathsig %d", sig);
	return 0;
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	SC_SYS(prctl(PR_SET_CHILD_SUBREAPER, 1));
	SC_SYS(prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0));
	SC_SYS(prctl(PR_SET_TIMERSLACK, 123456));
	pid_t c = sc_fork(child, NULL);
	sc_msleep(20);
	SC_SYS(prctl(PR_SET_DUMPABLE, 0));
	sc_ready();
	if (sc_corrupt())
		prctl(PR_SET_TIMERSLACK, 50000);
	sc_wait();
	int dumpable = prctl(PR_GET_DUMPABLE);
	int sub = 0;
	prctl(PR_GET_CHILD_SUBREAPER, &sub);
	int thp = prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0);
	int slack = prctl(PR_GET_TIMERSLACK);
	prctl(PR_SET_DUMPABLE, 1);
	sc_stop_child(c, "child");
	SC_CHECK(dumpable == 0, "dumpable %d, was 0", dumpable);
	SC_CHECK(sub == 1, "child subreaper %d, was 1", sub);
	SC_CHECK(thp == 1, "THP disable %d, was 1", thp);
	SC_CHECK(slack == 123456, "timer slack %d, was 123456", slack);
	sc_pass();
}
