/* A controlling terminal: the root holds a pty master; its child leads a
 * session of its own with the slave as controlling terminal, and makes the
 * process group of a grandchild the terminal's foreground group. After the
 * restore the session and foreground group of the terminal are the same,
 * /proc/PID/stat names it as the controlling terminal of both, /dev/tty
 * opens in both, and a line written to the master is read by the
 * foreground grandchild through /dev/tty. */
#include "scenario.h"
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <termios.h>

static char slave_name[64];
static struct sc_sync sync_gc, sync_child;

static int stat_tty_nr(void)
{
	char *s = sc_read_file("/proc/self/stat");
	SC_CHECK(s, "read /proc/self/stat");
	char *p = strrchr(s, ')');
	int pid, pgrp, sid, tty = 0;
	char st;
	SC_CHECK(p && sscanf(p + 2, "%c %d %d %d %d", &st, &pid, &pgrp, &sid, &tty) == 5, "parse /proc/self/stat");
	return tty;
}

/* /dev/tty opens, is the same terminal as fd s, and /proc says so too */
static int check_ctty(int s, const char *who)
{
	struct stat a;
	SC_SYS(fstat(s, &a));
	int t = open("/dev/tty", O_RDWR);
	SC_CHECK(t >= 0, "%s: open(/dev/tty): %s", who, strerror(errno));
	/* /dev/tty is a device of its own (5:0): the pty's odd winsize and its session tell it is ours */
	struct winsize w;
	SC_SYS(ioctl(t, TIOCGWINSZ, &w));
	SC_CHECK(w.ws_row == 47 && w.ws_col == 113, "%s: /dev/tty is %dx%d, not the pty (47x113)", who, w.ws_row, w.ws_col);
	SC_CHECK(tcgetsid(t) == getsid(0), "%s: /dev/tty belongs to session %d", who, tcgetsid(t));
	int nr = stat_tty_nr();
	SC_CHECK((unsigned)nr == (unsigned)((minor(a.st_rdev) & 0xff) | (major(a.st_rdev) << 8) | ((minor(a.st_rdev) & ~0xff) << 12)),
		 "%s: /proc/self/stat tty_nr %x is not the pty slave", who, nr);
	return t;
}

static int grandchild(void *a)
{
	int s = *(int *)a;
	sc_sync_post(&sync_gc);
	sc_wait();
	SC_CHECK(getsid(0) == getppid(), "grandchild: session %d, expected %d", getsid(0), getppid());
	int t = check_ctty(s, "grandchild");
	SC_CHECK(tcgetpgrp(t) == getpgrp(), "grandchild: not in the foreground (%d, our group %d)", tcgetpgrp(t), getpgrp());
	/* the root wrote "hello\n" to the master: the foreground group reads it */
	struct pollfd p = { .fd = t, .events = POLLIN };
	SC_CHECK(poll(&p, 1, 5000) == 1, "grandchild: no input on /dev/tty within 5 s");
	char buf[16] = {0};
	ssize_t r = read(t, buf, sizeof(buf) - 1);
	SC_CHECK(r == 6 && !strcmp(buf, "hello\n"), "grandchild: read \"%s\" from /dev/tty", r > 0 ? buf : "");
	return 0;
}

static int child(void *a)
{
	SC_SYS(setsid());
	int s = SC_SYS(open(slave_name, O_RDWR)); /* no O_NOCTTY: a session leader takes it as its terminal */
	SC_CHECK(tcgetsid(s) == getpid(), "the slave did not become our controlling terminal");
	struct sc_sync *sy = a;
	sc_sync_init(&sync_gc);
	pid_t gc = sc_fork(grandchild, &s);
	setpgid(gc, gc);
	sc_sync_wait(&sync_gc, 1);
	SC_SYS(tcsetpgrp(s, gc));
	if (sc_corrupt()) {
		/* as a restore that forgot the foreground group would leave it */
		sigset_t ttou;
		sigemptyset(&ttou);
		sigaddset(&ttou, SIGTTOU);
		sigprocmask(SIG_BLOCK, &ttou, NULL);
		SC_SYS(tcsetpgrp(s, getpgrp()));
	}
	sc_sync_post(sy);
	sc_wait();
	SC_CHECK(getsid(0) == getpid(), "child: no longer a session leader");
	SC_CHECK(tcgetsid(s) == getpid(), "child: the terminal's session is %d", tcgetsid(s));
	SC_CHECK(tcgetpgrp(s) == gc, "child: the terminal's foreground group is %d, expected %d", tcgetpgrp(s), gc);
	close(check_ctty(s, "child"));
	sc_stop_child(gc, "grandchild");
	return 0;
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	int m = SC_SYS(posix_openpt(O_RDWR | O_NOCTTY));
	SC_SYS(grantpt(m));
	SC_SYS(unlockpt(m));
	struct winsize ws = { .ws_row = 47, .ws_col = 113 };
	SC_SYS(ioctl(m, TIOCSWINSZ, &ws));
	snprintf(slave_name, sizeof(slave_name), "%s", ptsname(m));
	sc_sync_init(&sync_child);
	pid_t c = sc_fork(child, &sync_child);
	sc_sync_wait(&sync_child, 1);
	sc_ready();
	sc_wait();
	SC_CHECK(write(m, "hello\n", 6) == 6, "write to the master: %s", strerror(errno));
	sc_stop_child(c, "child");
	sc_pass();
}
