/* Shared body of unix_stream / unix_dgram / unix_seqpacket (not a scenario).
 * A socketpair of the given type with messages queued in both directions,
 * one end non-blocking, SO_SNDBUF/SO_RCVBUF changed, and a partly read
 * queue. After the restore: same type, queued data (with message
 * boundaries for dgram/seqpacket), peers connected, options kept. */
#include "scenario.h"
#include <sys/socket.h>

static int pair_main(int argc, char **argv, int type)
{
	sc_init(argc, argv);
	int s[2];
	SC_SYS(socketpair(AF_UNIX, type, 0, s));
	int sz = 65536;
	SC_SYS(setsockopt(s[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz)));
	SC_SYS(setsockopt(s[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz)));
	SC_SYS(fcntl(s[1], F_SETFL, O_NONBLOCK));
	char msg[2000];
	/* s[0] -> s[1]: 10 messages of growing size; s[1] -> s[0]: 3 */
	for (int i = 0; i < 10; i++) {
		sc_fill(msg, 100 + i * 150, 900 + i);
		SC_CHECK(send(s[0], msg, 100 + i * 150, 0) == 100 + i * 150, "send %d: %s", i, strerror(errno));
	}
	for (int i = 0; i < 3; i++) {
		sc_fill(msg, 50 + i, 950 + i);
		SC_CHECK(send(s[1], msg, 50 + i, 0) == 50 + i, "send back %d", i);
	}
	/* read the first message (for a stream: its bytes) */
	SC_CHECK(recv(s[1], msg, 100, 0) == 100 && sc_verify(msg, 100, 900) < 0, "first recv");
	int snd0, rcv1, snd0b, rcv1b;
	socklen_t l = sizeof(int);
	getsockopt(s[0], SOL_SOCKET, SO_SNDBUF, &snd0, &l);
	getsockopt(s[1], SOL_SOCKET, SO_RCVBUF, &rcv1, &l);
	sc_ready();
	if (sc_corrupt())
		SC_CHECK(send(s[1], "x", 1, 0) == 1, "send");
	sc_wait();
	int t;
	l = sizeof(t);
	getsockopt(s[0], SOL_SOCKET, SO_TYPE, &t, &l);
	SC_CHECK(t == type, "socket type %d, was %d", t, type);
	getsockopt(s[0], SOL_SOCKET, SO_SNDBUF, &snd0b, &l);
	getsockopt(s[1], SOL_SOCKET, SO_RCVBUF, &rcv1b, &l);
	SC_CHECK(snd0 == snd0b && rcv1 == rcv1b, "buffer sizes %d/%d, were %d/%d", snd0b, rcv1b, snd0, rcv1);
	SC_CHECK(fcntl(s[1], F_GETFL) & O_NONBLOCK, "O_NONBLOCK lost");
	for (int i = 1; i < 10; i++) {
		int len = 100 + i * 150;
		ssize_t n;
		if (type == SOCK_STREAM) {
			n = sc_read_all(s[1], msg, len) ? -1 : len;
		} else {
			n = recv(s[1], msg, sizeof(msg), 0);
		}
		SC_CHECK(n == len, "message %d: %zd bytes, expected %d", i, n, len);
		SC_CHECK(sc_verify(msg, len, 900 + i) < 0, "message %d differs", i);
	}
	SC_CHECK(recv(s[1], msg, sizeof(msg), 0) == -1 && errno == EAGAIN, "more data than sent");
	int total = type == SOCK_STREAM ? 50 + 51 + 52 : 0;
	if (type == SOCK_STREAM) {
		SC_CHECK(!sc_read_all(s[0], msg, total), "read back stream");
		char exp[200];
		sc_fill(exp, 50, 950);
		sc_fill(exp + 50, 51, 951);
		sc_fill(exp + 101, 52, 952);
		SC_CHECK(!memcmp(msg, exp, total), "back stream differs");
	} else {
		for (int i = 0; i < 3; i++) {
			ssize_t n = recv(s[0], msg, sizeof(msg), 0);
			SC_CHECK(n == 50 + i && sc_verify(msg, n, 950 + i) < 0, "back message %d (%zd bytes)", i, n);
		}
	}
	SC_CHECK(recv(s[0], msg, sizeof(msg), MSG_DONTWAIT) == -1 && errno == EAGAIN, "more data back than sent");
	SC_CHECK(send(s[0], "ping", 4, 0) == 4 && recv(s[1], msg, 4, 0) == 4 && !memcmp(msg, "ping", 4), "pair not connected");
	sc_pass();
}
