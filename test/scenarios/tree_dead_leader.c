/* A process group whose leader has exited: child A makes its own group,
 * forks A1 into it and exits; the root (a child subreaper) reaps A and
 * inherits A1. A1 is left in group A with no leader. After the restore A1
 * must still be in that group and the root its parent. */
#include "scenario.h"
#include <sys/prctl.h>

static struct sc_sync s;

static int a1_main(void *x)
{
	pid_t grp = getpgid(0);
	sc_sync_post(&s);
	sc_wait();
	if (getpgid(0) != grp)
		sc_fail("A1: group %d, was %d", getpgid(0), grp);
	return 0;
}

static int a_main(void *x)
{
	setpgid(0, 0);
	sc_fork(a1_main, NULL);
	sc_sync_close(&s);
	return 0;
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	SC_SYS(prctl(PR_SET_CHILD_SUBREAPER, 1));
	sc_sync_init(&s);
	pid_t a = sc_fork(a_main, NULL);
	sc_sync_wait(&s, 1);
	int st = sc_waitpid(a, 10000);
	SC_CHECK(st == 0, "A status 0x%x", st);
	/* find A1: our child in group a */
	pid_t a1 = 0;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", getpid(), getpid());
	for (int i = 0; i < 200 && !a1; i++) {
		char *ch = sc_read_file(path);
		if (ch && *ch)
			a1 = atoi(ch);
		else
			sc_msleep(5);
	}
	SC_CHECK(a1 > 0, "A1 not re-parented to the subreaper");
	SC_CHECK(getpgid(a1) == a, "A1 group %d, expected %d", getpgid(a1), a);
	sc_ready();
	sc_wait();
	SC_CHECK(getpgid(a1) == a, "A1 group %d, expected %d (leader gone)", getpgid(a1), a);
	snprintf(path, sizeof(path), "/proc/%d/stat", a1);
	char *stt = sc_read_file(path);
	SC_CHECK(stt && atoi(strchr(strrchr(stt, ')') + 3, ' ') + 1) == getpid(), "A1's parent is not the root");
	sc_stop_child(a1, "A1");
	sc_pass();
}
