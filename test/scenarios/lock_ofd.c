/* Open file description locks (F_OFD_SETLK): a write lock on 0-4095 and a
 * read lock on 8192-12287, held across the restore: another open file
 * description of the same file (same process) conflicts with them.
 * CRIU_OPTS: --file-locks */
#include "scenario.h"

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	int fd = SC_SYS(open(sc_path("ofd"), O_CREAT | O_RDWR, 0644));
	struct flock w = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 4096 };
	SC_SYS(fcntl(fd, F_OFD_SETLK, &w));
	struct flock r = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 8192, .l_len = 4096 };
	SC_SYS(fcntl(fd, F_OFD_SETLK, &r));
	sc_ready();
	if (sc_corrupt()) {
		struct flock u = { .l_type = F_UNLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 4096 };
		fcntl(fd, F_OFD_SETLK, &u);
	}
	sc_wait();
	int t = SC_SYS(open(sc_path("ofd"), O_RDWR));
	struct flock q = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 10, .l_len = 1 };
	SC_CHECK(fcntl(t, F_OFD_SETLK, &q) == -1 && (errno == EAGAIN || errno == EACCES), "OFD write lock not held");
	struct flock q2 = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 9000, .l_len = 1 };
	SC_CHECK(fcntl(t, F_OFD_SETLK, &q2) == -1, "OFD read lock not held");
	struct flock q3 = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 9000, .l_len = 1 };
	SC_CHECK(fcntl(t, F_OFD_SETLK, &q3) == 0, "shared OFD read lock refused");
	struct flock g = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 100, .l_len = 1 };
	SC_SYS(fcntl(t, F_OFD_GETLK, &g));
	SC_CHECK(g.l_type == F_WRLCK && g.l_pid == -1, "F_OFD_GETLK: type %d pid %d", g.l_type, g.l_pid);
	char key[32];
	snprintf(key, sizeof(key), "OFDLCK ADVISORY  WRITE");
	SC_CHECK(strstr(sc_read_file("/proc/locks"), key), "no OFD lock in /proc/locks");
	sc_pass();
}
