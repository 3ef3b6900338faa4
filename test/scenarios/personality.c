/* The personality: UNAME26 (uname reports a 2.6 kernel) plus
 * ADDR_NO_RANDOMIZE and ADDR_COMPAT_LAYOUT flags: same after the restore,
 * and uname still obeys it. */
#include "scenario.h"
#include <sys/personality.h>
#include <sys/utsname.h>

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	unsigned long want = PER_LINUX | UNAME26 | ADDR_NO_RANDOMIZE | ADDR_COMPAT_LAYOUT;
	SC_CHECK(personality(want) != -1, "personality: %s", strerror(errno));
	SC_CHECK((unsigned long)personality(0xffffffff) == want, "personality not set");
	sc_ready();
	if (sc_corrupt())
		personality(PER_LINUX);
	sc_wait();
	unsigned long now = personality(0xffffffff);
	SC_CHECK(now == want, "personality %#lx, was %#lx", now, want);
	struct utsname u;
	uname(&u);
	SC_CHECK(!strncmp(u.release, "2.6.", 4), "UNAME26 not in effect: release %s", u.release);
	sc_pass();
}
