/* Pseudo-terminal pairs held by the task: a raw pty with its own termios
 * (speed, flags, a control character; output processing on), winsize, a
 * non-blocking master and output its master has not read yet;
 * a second pty in packet mode, exclusive, and locked again after its slave
 * was opened. After the restore the settings are the same, each slave is
 * still the peer of its master (the index may differ) and data goes through
 * both ways. */
#include "scenario.h"
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <termios.h>

static void expect_read(int fd, const char *want, size_t n, const char *what)
{
	char buf[64] = {0};
	size_t got = 0;
	while (got < n) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		SC_CHECK(poll(&p, 1, 5000) == 1, "%s: nothing to read within 5 s", what);
		ssize_t r = read(fd, buf + got, n - got);
		SC_CHECK(r > 0, "%s: read: %s", what, r < 0 ? strerror(errno) : "EOF");
		got += r;
	}
	SC_CHECK(!memcmp(buf, want, n), "%s: read \"%.*s\", expected \"%.*s\"", what, (int)n, buf, (int)n, want);
}

static int ptn(int m)
{
	int n = -1;
	SC_SYS(ioctl(m, TIOCGPTN, &n));
	return n;
}

static void same_pty(int m, int s, const char *what)
{
	struct stat st;
	SC_SYS(fstat(s, &st));
	SC_CHECK((int)minor(st.st_rdev) + 256 * ((int)major(st.st_rdev) - 136) == ptn(m),
		 "%s: the slave is /dev/pts/%d but its master's pty is %d", what,
		 (int)minor(st.st_rdev) + 256 * ((int)major(st.st_rdev) - 136), ptn(m));
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	int m = SC_SYS(posix_openpt(O_RDWR | O_NOCTTY));
	SC_SYS(grantpt(m));
	SC_SYS(unlockpt(m));
	int s = SC_SYS(open(ptsname(m), O_RDWR | O_NOCTTY));
	/* an owner of its own, as a terminal handed to another user has */
	SC_SYS(fchown(s, 4321, 1234));
	struct termios t;
	SC_SYS(tcgetattr(s, &t));
	cfmakeraw(&t);
	t.c_oflag |= OPOST | ONLCR; /* output processing on: the queued output below must not be processed twice */
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	t.c_cc[VINTR] = 0x07;
	cfsetispeed(&t, B9600);
	cfsetospeed(&t, B9600);
	SC_SYS(tcsetattr(s, TCSANOW, &t));
	struct winsize ws = { .ws_row = 33, .ws_col = 101, .ws_xpixel = 707, .ws_ypixel = 909 };
	SC_SYS(ioctl(s, TIOCSWINSZ, &ws));
	SC_SYS(fcntl(m, F_SETFL, O_NONBLOCK));

	int m2 = SC_SYS(posix_openpt(O_RDWR | O_NOCTTY));
	SC_SYS(grantpt(m2));
	SC_SYS(unlockpt(m2));
	int s2 = SC_SYS(open(ptsname(m2), O_RDWR | O_NOCTTY));
	int one = 1;
	SC_SYS(ioctl(m2, TIOCPKT, &one));
	SC_SYS(ioctl(s2, TIOCEXCL));
	SC_SYS(ioctl(m2, TIOCSPTLCK, &one));
	struct termios t2;
	SC_SYS(tcgetattr(s2, &t2));

	/* output the master has not read yet: "out\r\n" after ONLCR */
	SC_CHECK(write(s, "out\n", 4) == 4, "pty 1: write to the slave: %s", strerror(errno));
	int q = 0;
	for (int i = 0; i < 100 && q < 5; i++) {
		SC_SYS(ioctl(m, FIONREAD, &q));
		sc_msleep(10);
	}
	SC_CHECK(q == 5, "pty 1: the master holds %d bytes, expected 5", q);

	sc_ready();
	if (sc_corrupt()) {
		ws.ws_col = 80;
		SC_SYS(ioctl(s, TIOCSWINSZ, &ws));
		ws.ws_col = 101;
	}
	sc_wait();

	same_pty(m, s, "pty 1");
	struct stat st;
	SC_SYS(fstat(s, &st));
	SC_CHECK(st.st_uid == 4321 && st.st_gid == 1234, "pty 1: /dev/pts node owned by %d:%d, was 4321:1234",
		 (int)st.st_uid, (int)st.st_gid);
	same_pty(m2, s2, "pty 2");
	struct termios now;
	SC_SYS(tcgetattr(s, &now));
	SC_CHECK(now.c_iflag == t.c_iflag && now.c_oflag == t.c_oflag && now.c_cflag == t.c_cflag
		 && now.c_lflag == t.c_lflag, "pty 1: termios flags %x %x %x %x, were %x %x %x %x",
		 now.c_iflag, now.c_oflag, now.c_cflag, now.c_lflag, t.c_iflag, t.c_oflag, t.c_cflag, t.c_lflag);
	SC_CHECK(!memcmp(now.c_cc, t.c_cc, NCCS), "pty 1: control characters differ");
	SC_CHECK(cfgetospeed(&now) == B9600 && cfgetispeed(&now) == B9600, "pty 1: speed is not 9600");
	SC_SYS(tcgetattr(s2, &now));
	SC_CHECK(now.c_lflag == t2.c_lflag && now.c_iflag == t2.c_iflag, "pty 2: termios flags differ");
	struct winsize w2;
	SC_SYS(ioctl(m, TIOCGWINSZ, &w2));
	SC_CHECK(w2.ws_row == ws.ws_row && w2.ws_col == ws.ws_col && w2.ws_xpixel == ws.ws_xpixel
		 && w2.ws_ypixel == ws.ws_ypixel, "pty 1: winsize %dx%d (%dx%d px), was %dx%d (%dx%d px)",
		 w2.ws_row, w2.ws_col, w2.ws_xpixel, w2.ws_ypixel, ws.ws_row, ws.ws_col, ws.ws_xpixel, ws.ws_ypixel);
	SC_CHECK(fcntl(m, F_GETFL) & O_NONBLOCK, "pty 1: the master lost O_NONBLOCK");
	SC_CHECK(!(fcntl(s, F_GETFL) & O_NONBLOCK), "pty 1: the slave became non-blocking");
	int v = -1;
	SC_SYS(ioctl(m2, TIOCGPKT, &v));
	SC_CHECK(v == 1, "pty 2: packet mode lost");
	v = -1;
	SC_SYS(ioctl(s2, TIOCGEXCL, &v));
	SC_CHECK(v == 1, "pty 2: exclusive mode lost");
	v = -1;
	SC_SYS(ioctl(m2, TIOCGPTLCK, &v));
	SC_CHECK(v == 1, "pty 2: no longer locked");

	expect_read(m, "out\r\n", 5, "pty 1 master (output queued before the checkpoint)");
	SC_CHECK(write(m, "ping", 4) == 4, "pty 1: write to the master: %s", strerror(errno));
	expect_read(s, "ping", 4, "pty 1 slave");
	SC_CHECK(write(s, "pong", 4) == 4, "pty 1: write to the slave: %s", strerror(errno));
	expect_read(m, "pong", 4, "pty 1 master");
	SC_CHECK(write(s2, "x\n", 2) == 2, "pty 2: write to the slave: %s", strerror(errno));
	/* packet mode: a TIOCPKT_DATA (0) byte, then the data (onlcr makes \n \r\n) */
	expect_read(m2, "\0x\r\n", 4, "pty 2 master (packet mode)");
	sc_pass();
}
