/* Credentials of a root-started process that changed identity: real,
 * effective and saved uids and gids all different (setresuid/setresgid),
 * supplementary groups, kept capabilities reduced to a few. All must be
 * the same after the restore. Needs root. */
#include "caps.h"
#include <grp.h>
#include <sys/prctl.h>

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	SC_CHECK(geteuid() == 0, "needs root");
	gid_t groups[] = { 1001, 1002, 1003, 4000000 };
	SC_SYS(setgroups(4, groups));
	SC_SYS(setresgid(2001, 2002, 2003));
	SC_SYS(prctl(PR_SET_KEEPCAPS, 1));
	SC_SYS(setresuid(1001, 1002, 1003));
	/* keep DAC_OVERRIDE so the status file stays writable, and KILL */
	uint64_t keep = CAP(CAP_DAC_OVERRIDE) | CAP(CAP_KILL) | CAP(CAP_NET_BIND_SERVICE);
	caps_set(keep, keep, CAP(CAP_NET_BIND_SERVICE));
	static char before[2048];
	creds_snapshot(before, sizeof(before));
	sc_ready();
	if (sc_corrupt())
		setresgid(2001, 2002, 2001);
	sc_wait();
	static char after[2048];
	creds_snapshot(after, sizeof(after));
	SC_CHECK(!strcmp(before, after), "credentials differ:\n%s\nwas:\n%s", after, before);
	uid_t r, e, s;
	getresuid(&r, &e, &s);
	SC_CHECK(r == 1001 && e == 1002 && s == 1003, "uids %d %d %d", r, e, s);
	gid_t gr, ge, gs;
	getresgid(&gr, &ge, &gs);
	SC_CHECK(gr == 2001 && ge == 2002 && gs == 2003, "gids %d %d %d", gr, ge, gs);
	gid_t g[8];
	int n = getgroups(8, g);
	SC_CHECK(n == 4 && g[0] == 1001 && g[3] == 4000000, "groups: %d", n);
	SC_CHECK(prctl(PR_GET_KEEPCAPS) == 1, "keepcaps lost");
	sc_pass();
}
