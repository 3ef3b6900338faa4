/* POSIX record locks (fcntl F_SETLK): a write lock on bytes 100-199 and a
 * read lock on 1000-end of one file, held across the restore: a child
 * forked afterwards sees them with F_GETLK (owner = our pid) and cannot
 * take a conflicting lock. CRIU_OPTS: --file-locks */
#include "scenario.h"

static int fd;

static int probe(void *x)
{
	struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 150, .l_len = 10 };
	if (fcntl(fd, F_GETLK, &l) || l.l_type != F_WRLCK || l.l_pid != getppid())
		return 2;
	struct flock r = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 120, .l_len = 1 };
	if (fcntl(fd, F_SETLK, &r) != -1)
		return 3;
	struct flock w = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5000, .l_len = 1 };
	if (fcntl(fd, F_SETLK, &w) != -1)
		return 4;
	struct flock ok = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 5000, .l_len = 1 };
	if (fcntl(fd, F_SETLK, &ok) != 0)
		return 5;
	struct flock free_ = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 300, .l_len = 100 };
	if (fcntl(fd, F_SETLK, &free_) != 0)
		return 6;
	return 0;
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	fd = SC_SYS(open(sc_path("posix"), O_CREAT | O_RDWR, 0644));
	struct flock w = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 100, .l_len = 100 };
	SC_SYS(fcntl(fd, F_SETLK, &w));
	struct flock r = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 1000, .l_len = 0 };
	SC_SYS(fcntl(fd, F_SETLK, &r));
	sc_ready();
	if (sc_corrupt()) {
		struct flock u = { .l_type = F_UNLCK, .l_whence = SEEK_SET, .l_start = 100, .l_len = 100 };
		fcntl(fd, F_SETLK, &u);
	}
	sc_wait();
	pid_t c = sc_fork(probe, NULL);
	int st = sc_waitpid(c, 10000);
	SC_CHECK(st == 0, "locks not held as before (probe status %d)", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	sc_pass();
}
