/* Sessions and process groups: the root leads session S and group S;
 * child A leads its own group in S; child E joins A's group; child B
 * leads a new session; B's child C leads a group inside B's session and
 * B's child D stays in B's group. Every pid, ppid, pgid and sid must be
 * the same after the restore. */
#include "scenario.h"

struct ids { pid_t pid, ppid, pgid, sid; };

static struct ids mine(void)
{
	struct ids i = { getpid(), getppid(), getpgid(0), getsid(0) };
	return i;
}

static int check_self(struct ids *was, const char *who)
{
	struct ids now = mine();
	if (memcmp(&now, was, sizeof(now)))
		sc_fail("%s: pid/ppid/pgid/sid %d/%d/%d/%d, were %d/%d/%d/%d", who, now.pid, now.ppid, now.pgid, now.sid,
			was->pid, was->ppid, was->pgid, was->sid);
	return 0;
}

static struct sc_sync s;
static pid_t a_pid;

static int leaf(void *who)
{
	sc_msleep(30);              /* let setpgid/setsid settle */
	struct ids was = mine();
	sc_sync_post(&s);
	sc_wait();
	return check_self(&was, who);
}

static int c_main(void *x)
{
	setpgid(0, 0);
	return leaf("C");
}

static int b_main(void *x)
{
	if (setsid() < 0)
		sc_fail("B: setsid: %s", strerror(errno));
	pid_t c = sc_fork(c_main, NULL);
	pid_t d = sc_fork(leaf, "D");
	sc_msleep(30);
	struct ids was = mine();
	sc_sync_post(&s);
	sc_wait();
	check_self(&was, "B");
	sc_stop_child(c, "C");
	sc_stop_child(d, "D");
	return 0;
}

static int a_main(void *x)
{
	setpgid(0, 0);
	return leaf("A");
}

static int e_main(void *x)
{
	setpgid(0, a_pid);
	return leaf("E");
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	sc_sync_init(&s);
	a_pid = sc_fork(a_main, NULL);
	setpgid(a_pid, a_pid);      /* no race with E joining */
	pid_t e = sc_fork(e_main, NULL);
	pid_t b = sc_fork(b_main, NULL);
	sc_sync_wait(&s, 5);
	struct ids was = mine();
	SC_CHECK(was.pgid == was.pid && was.sid == was.pid, "root is not a session leader");
	SC_CHECK(getpgid(e) == a_pid && getpgid(a_pid) == a_pid, "groups not set up");
	SC_CHECK(getsid(b) == b && getsid(a_pid) == was.sid, "sessions not set up");
	sc_ready();
	if (sc_corrupt())
		setpgid(e, e);
	sc_wait();
	/* the root's parent is outside the tree (the launcher's reaper, then
	 * whoever restored it): not part of the state */
	was.ppid = getppid();
	check_self(&was, "root");
	SC_CHECK(getpgid(e) == a_pid, "E's group %d, was %d", getpgid(e), a_pid);
	sc_stop_child(a_pid, "A");
	sc_stop_child(e, "E");
	sc_stop_child(b, "B");
	sc_pass();
}
