/* Capabilities of a root process: permitted/effective reduced, an
 * inheritable and ambient capability, the bounding set reduced, and
 * securebits (NOROOT, KEEP_CAPS) set. All must be the same after the
 * restore. Needs root. */
#include "caps.h"
#include <sys/prctl.h>
#include <linux/securebits.h>

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	SC_CHECK(geteuid() == 0, "needs root");
	int bits = SECBIT_NOROOT | SECBIT_KEEP_CAPS;
	SC_SYS(prctl(PR_SET_SECUREBITS, bits));
	int drop[] = { CAP_SYS_MODULE, CAP_MKNOD, CAP_SYS_BOOT, CAP_SYS_TIME, CAP_AUDIT_WRITE, CAP_SYSLOG };
	for (unsigned i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		SC_SYS(prctl(PR_CAPBSET_DROP, drop[i], 0, 0, 0));
	uint64_t prm = CAP(CAP_DAC_OVERRIDE) | CAP(CAP_KILL) | CAP(CAP_NET_BIND_SERVICE) | CAP(CAP_CHOWN) | CAP(CAP_SYS_NICE);
	uint64_t eff = CAP(CAP_DAC_OVERRIDE) | CAP(CAP_KILL);
	caps_set(eff, prm, CAP(CAP_NET_BIND_SERVICE) | CAP(CAP_SYS_NICE));
	SC_SYS(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE, 0, 0));
	static char before[2048];
	creds_snapshot(before, sizeof(before));
	sc_ready();
	if (sc_corrupt())
		prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	sc_wait();
	static char after[2048];
	creds_snapshot(after, sizeof(after));
	SC_CHECK(!strcmp(before, after), "capabilities differ:\n%s\nwas:\n%s", after, before);
	SC_CHECK(prctl(PR_GET_SECUREBITS) == bits, "securebits %#x, was %#x", prctl(PR_GET_SECUREBITS), bits);
	SC_CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_BIND_SERVICE, 0, 0) == 1, "ambient capability lost");
	SC_CHECK(prctl(PR_CAPBSET_READ, CAP_MKNOD, 0, 0, 0) == 0, "CAP_MKNOD back in the bounding set");
	sc_pass();
}
