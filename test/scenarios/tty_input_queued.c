/* Bytes in flight on two ptys at the checkpoint: the root holds the masters,
 * its child the slaves, and the child reads nothing before the restore.
 * Pty 1, canonical mode with echo (the defaults): the root typed "hello\n",
 * "eof" ended by ^D, and the partial line "par" ^V DEL "tiaX" (an erase
 * character escaped by ^V: data), and took the echo. After the restore the
 * master has nothing to read (no echo again), the root types DEL "l\n",
 * which must erase the X of that same partial line (echo "\b \b" "l"
 * "\r\n"), and the child reads "hello\n", "eof" and "par\177tial\n".
 * Pty 2, raw (non-canonical), master in packet mode: the root wrote
 * "raw\003\r\021\n\177bytes" (bytes that would mean something in other
 * modes) and the child wrote "out\n", which the master has not read. After
 * the restore the child reads the same 13 bytes and the master reads a
 * TIOCPKT_DATA byte then "out\r\n". */
#include "scenario.h"
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>

static const char IN1[] = "hello\neof\004par\026\177tiaX";
static const char IN2[] = "raw\003\r\021\n\177bytes";
static struct sc_sync ready;
static int m1, m2, s1, s2;

static void expect_read(int fd, const char *want, size_t n, const char *what)
{
	char buf[64] = {0};
	struct pollfd p = { .fd = fd, .events = POLLIN };
	SC_CHECK(poll(&p, 1, 5000) == 1, "%s: nothing to read within 5 s", what);
	ssize_t r = read(fd, buf, sizeof(buf));
	SC_CHECK(r >= 0, "%s: read: %s", what, strerror(errno));
	SC_CHECK((size_t)r == n && !memcmp(buf, want, n), "%s: read %zd byte(s) \"%.*s\", expected %zu \"%.*s\"",
		 what, r, (int)(r > 0 ? r : 0), buf, n, (int)n, want);
}

static void nothing_to_read(int fd, int ms, const char *what)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r = poll(&p, 1, ms);
	if (r == 1) {
		char buf[64] = {0};
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		sc_fail("%s: %zd unexpected byte(s) \"%s\"", what, n, n > 0 ? buf : "");
	}
}

/* reads and drops whatever arrives until the master stays quiet for 300 ms (the echo) */
static void drain(int fd)
{
	char buf[256];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	while (poll(&p, 1, 300) == 1)
		SC_SYS(read(fd, buf, sizeof(buf)));
}

static int child(void *arg)
{
	close(m1);
	close(m2);
	SC_CHECK(write(s2, "out\n", 4) == 4, "pty 2: write to the slave: %s", strerror(errno));
	sc_sync_post(&ready);
	sc_wait();
	/* canonical: one line per read */
	expect_read(s1, "hello\n", 6, "pty 1 slave, line 1 (queued before the checkpoint)");
	expect_read(s1, "eof", 3, "pty 1 slave, line 2 (ended by EOF)");
	expect_read(s1, "par\177tial\n", 9, "pty 1 slave, the partial line completed after the restore");
	expect_read(s2, IN2, sizeof(IN2) - 1, "pty 2 slave (raw, queued before the checkpoint)");
	return 0;
}

static int open_pty(int *slave)
{
	int m = SC_SYS(posix_openpt(O_RDWR | O_NOCTTY));
	SC_SYS(grantpt(m));
	SC_SYS(unlockpt(m));
	*slave = SC_SYS(open(ptsname(m), O_RDWR | O_NOCTTY));
	return m;
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	m1 = open_pty(&s1);
	m2 = open_pty(&s2);
	struct termios t1, t2;
	SC_SYS(tcgetattr(s1, &t1));
	SC_CHECK((t1.c_lflag & (ICANON | ECHO | ECHOE)) == (ICANON | ECHO | ECHOE) && t1.c_cc[VERASE] == 0177
		 && t1.c_cc[VLNEXT] == 026 && t1.c_cc[VEOF] == 004, "pty 1: not the default canonical termios");
	SC_SYS(tcgetattr(s2, &t2));
	cfmakeraw(&t2);
	t2.c_oflag |= OPOST | ONLCR;
	t2.c_cc[VMIN] = 1;
	t2.c_cc[VTIME] = 0;
	SC_SYS(tcsetattr(s2, TCSANOW, &t2));
	/* after the termios: turning IXON off in packet mode would queue a status for the master */
	int one = 1;
	SC_SYS(ioctl(m2, TIOCPKT, &one));

	sc_sync_init(&ready);
	pid_t c = sc_fork(child, NULL);
	close(s1);
	close(s2);
	sc_sync_wait(&ready, 1);

	SC_CHECK(write(m1, IN1, sizeof(IN1) - 1) == (ssize_t)sizeof(IN1) - 1, "pty 1: write to the master: %s",
		 strerror(errno));
	SC_CHECK(write(m2, IN2, sizeof(IN2) - 1) == (ssize_t)sizeof(IN2) - 1, "pty 2: write to the master: %s",
		 strerror(errno));
	drain(m1);
	int q = 0;
	for (int i = 0; i < 100 && q < 5; i++) {
		SC_SYS(ioctl(m2, FIONREAD, &q));
		sc_msleep(10);
	}
	SC_CHECK(q == 5, "pty 2: the master holds %d bytes, expected 5 (\"out\\r\\n\")", q);

	sc_ready();
	if (sc_corrupt())
		SC_CHECK(write(m1, "Z", 1) == 1, "corrupt: %s", strerror(errno));
	sc_wait();

	nothing_to_read(m1, 300, "pty 1 master after the restore (echo again?)");
	char pkt[] = { TIOCPKT_DATA, 'o', 'u', 't', '\r', '\n' };
	expect_read(m2, pkt, sizeof(pkt), "pty 2 master (packet mode, output queued before the checkpoint)");
	SC_CHECK(write(m1, "\177l\n", 3) == 3, "pty 1: write to the master: %s", strerror(errno));
	expect_read(m1, "\b \bl\r\n", 6, "pty 1 master: echo of DEL l newline (DEL erases the X of the partial line)");
	sc_stop_child(c, "child (reads the slaves)");
	sc_pass();
}
