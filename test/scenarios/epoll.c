/* An epoll set watching a pipe (EPOLLIN, level), an eventfd (EPOLLIN |
 * EPOLLET), a socket (EPOLLOUT | EPOLLONESHOT) with their data words, and
 * a nested epoll fd. The watch list (fdinfo tfd lines) is the same after
 * the restore, and epoll_wait reports the right events. */
#include "scenario.h"
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

static void tfds(int ep, char *out, size_t n)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fdinfo/%d", ep);
	char *s = sc_read_file(p);
	out[0] = 0;
	for (char *l = strstr(s, "tfd:"); l; l = strstr(l + 1, "tfd:")) {
		char *e = strchr(l, '\n');
		/* keep "tfd: N events: X data: Y", drop the pos/ino/sdev part */
		char *pos = strstr(l, " pos:");
		size_t len = (pos && pos < e) ? (size_t)(pos - l) : (size_t)(e - l);
		snprintf(out + strlen(out), n - strlen(out), "%.*s\n", (int)len, l);
	}
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	int p[2], sp[2];
	SC_SYS(pipe(p));
	int ev = SC_SYS(eventfd(0, EFD_NONBLOCK));
	SC_SYS(socketpair(AF_UNIX, SOCK_STREAM, 0, sp));
	int ep = SC_SYS(epoll_create1(EPOLL_CLOEXEC));
	int inner = SC_SYS(epoll_create1(0));
	struct epoll_event e;
	e.events = EPOLLIN;
	e.data.u64 = 0x1111000000000001ULL;
	SC_SYS(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e));
	e.events = EPOLLIN | EPOLLET;
	e.data.u64 = 0x2222000000000002ULL;
	SC_SYS(epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e));
	e.events = EPOLLOUT | EPOLLONESHOT;
	e.data.u64 = 0x3333000000000003ULL;
	SC_SYS(epoll_ctl(ep, EPOLL_CTL_ADD, sp[0], &e));
	e.events = EPOLLIN;
	e.data.u64 = 0x4444000000000004ULL;
	SC_SYS(epoll_ctl(ep, EPOLL_CTL_ADD, inner, &e));
	e.events = EPOLLIN;
	e.data.u64 = 0x5555000000000005ULL;
	SC_SYS(epoll_ctl(inner, EPOLL_CTL_ADD, sp[1], &e));
	SC_CHECK(write(p[1], "x", 1) == 1, "write");
	static char before[4096], before_in[1024];
	tfds(ep, before, sizeof(before));
	tfds(inner, before_in, sizeof(before_in));
	sc_sort_lines(before);
	sc_sort_lines(before_in);
	sc_ready();
	if (sc_corrupt())
		epoll_ctl(ep, EPOLL_CTL_DEL, ev, NULL);
	sc_wait();
	static char after[4096], after_in[1024];
	tfds(ep, after, sizeof(after));
	tfds(inner, after_in, sizeof(after_in));
	sc_sort_lines(after);
	sc_sort_lines(after_in);
	SC_CHECK(!strcmp(before, after), "watch list differs:\n%s\nwas:\n%s", after, before);
	SC_CHECK(!strcmp(before_in, after_in), "inner watch list differs:\n%s\nwas:\n%s", after_in, before_in);
	struct epoll_event got[8];
	int n = epoll_wait(ep, got, 8, 1000);
	/* ready: pipe (data in it) and the socket (writable, one-shot) */
	int seen_pipe = 0, seen_sock = 0;
	for (int i = 0; i < n; i++) {
		if (got[i].data.u64 == 0x1111000000000001ULL && (got[i].events & EPOLLIN))
			seen_pipe = 1;
		else if (got[i].data.u64 == 0x3333000000000003ULL && (got[i].events & EPOLLOUT))
			seen_sock = 1;
		else
			sc_fail("unexpected event %#x data %#lx", got[i].events, (unsigned long)got[i].data.u64);
	}
	SC_CHECK(seen_pipe && seen_sock, "events: pipe %d socket %d (n=%d)", seen_pipe, seen_sock, n);
	uint64_t one = 1;
	SC_CHECK(write(ev, &one, 8) == 8, "eventfd write");
	SC_CHECK(write(sp[0], "y", 1) == 1, "socket write");
	n = epoll_wait(ep, got, 8, 1000);
	int seen_ev = 0, seen_inner = 0;
	for (int i = 0; i < n; i++) {
		if (got[i].data.u64 == 0x2222000000000002ULL)
			seen_ev = 1;
		if (got[i].data.u64 == 0x4444000000000004ULL)
			seen_inner = 1;
		SC_CHECK(got[i].data.u64 != 0x3333000000000003ULL, "one-shot socket reported twice");
	}
	SC_CHECK(seen_ev && seen_inner, "after writes: eventfd %d nested epoll %d", seen_ev, seen_inner);
	sc_pass();
}
