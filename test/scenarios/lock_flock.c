/* flock() locks: an exclusive lock on one file and a shared one on
 * another, held across the restore (another open file description cannot
 * take a conflicting lock), and listed in /proc/locks as FLOCK.
 * CRIU_OPTS: --file-locks */
#include "scenario.h"
#include <sys/file.h>

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	int ex = SC_SYS(open(sc_path("flock-ex"), O_CREAT | O_RDWR, 0644));
	int sh = SC_SYS(open(sc_path("flock-sh"), O_CREAT | O_RDWR, 0644));
	SC_SYS(flock(ex, LOCK_EX));
	SC_SYS(flock(sh, LOCK_SH));
	sc_ready();
	if (sc_corrupt())
		flock(ex, LOCK_UN);
	sc_wait();
	int t = SC_SYS(open(sc_path("flock-ex"), O_RDWR));
	SC_CHECK(flock(t, LOCK_SH | LOCK_NB) == -1 && errno == EWOULDBLOCK, "exclusive flock not held");
	close(t);
	t = SC_SYS(open(sc_path("flock-sh"), O_RDWR));
	SC_CHECK(flock(t, LOCK_EX | LOCK_NB) == -1 && errno == EWOULDBLOCK, "shared flock not held");
	SC_CHECK(flock(t, LOCK_SH | LOCK_NB) == 0, "second shared flock refused");
	close(t);
	struct stat st;
	fstat(ex, &st);
	char key[64];
	snprintf(key, sizeof(key), "FLOCK  ADVISORY  WRITE %d ", getpid());
	SC_CHECK(strstr(sc_read_file("/proc/locks"), key), "no '%s' in /proc/locks", key);
	sc_pass();
}
