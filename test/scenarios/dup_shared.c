/* Shared open file descriptions: dup()ed fds share one offset, and an fd
 * inherited by a child shares it across processes too; an fd opened twice
 * separately does not. After the restore moving one offset must move the
 * others (and only them). */
#include "scenario.h"

static int a, b, c, other;
static int rq[2], rp[2];

static int child(void *x)
{
	close(rq[1]);
	close(rp[0]);
	char cmd;
	while (read(rq[0], &cmd, 1) == 1) {
		off_t o = lseek(a, 0, SEEK_CUR);
		if (cmd == 'm')
			lseek(a, 5000, SEEK_SET);
		if (write(rp[1], &o, sizeof(o)) != sizeof(o))
			return 2;
		if (cmd == 'q')
			return 0;
	}
	return 3;
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	a = SC_SYS(open(sc_path("shared"), O_CREAT | O_TRUNC | O_RDWR, 0644));
	static char buf[10000];
	sc_fill(buf, sizeof(buf), 801);
	SC_CHECK(!sc_write_all(a, buf, sizeof(buf)), "write");
	b = SC_SYS(dup(a));
	c = SC_SYS(fcntl(a, F_DUPFD_CLOEXEC, 50));
	other = SC_SYS(open(sc_path("shared"), O_RDONLY));
	SC_SYS(lseek(a, 1234, SEEK_SET));
	SC_SYS(lseek(other, 99, SEEK_SET));
	SC_SYS(pipe(rq));
	SC_SYS(pipe(rp));
	pid_t ch = sc_fork(child, NULL);
	close(rq[0]);
	close(rp[1]);
	sc_ready();
	if (sc_corrupt()) {
		close(b);
		b = open(sc_path("shared"), O_RDWR);
		lseek(b, 1234, SEEK_SET);
	}
	sc_wait();
	SC_CHECK(lseek(b, 0, SEEK_CUR) == 1234 && lseek(c, 0, SEEK_CUR) == 1234, "offsets not kept");
	SC_SYS(lseek(b, 2222, SEEK_SET));
	SC_CHECK(lseek(a, 0, SEEK_CUR) == 2222 && lseek(c, 0, SEEK_CUR) == 2222, "dup'ed fds no longer share the offset");
	SC_CHECK(lseek(other, 0, SEEK_CUR) == 99, "separately opened fd moved with the others");
	off_t o;
	SC_CHECK(write(rq[1], "m", 1) == 1 && sc_read_all(rp[0], &o, sizeof(o)) == 0, "child did not answer");
	SC_CHECK(o == 2222, "child sees offset %ld, expected 2222: not shared with the child", (long)o);
	SC_CHECK(lseek(a, 0, SEEK_CUR) == 5000, "child's lseek not seen by the parent");
	SC_CHECK(write(rq[1], "q", 1) == 1 && sc_read_all(rp[0], &o, sizeof(o)) == 0, "child quit");
	int st = sc_waitpid(ch, 10000);
	SC_CHECK(st == 0, "child status 0x%x", st);
	sc_pass();
}
