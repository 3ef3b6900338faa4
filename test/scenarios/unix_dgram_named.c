/* Named unix datagram sockets: a server bound to a path with datagrams
 * queued from two clients (one bound to a name, one connected and
 * anonymous), and an abstract-namespace socket. After the restore the
 * datagrams arrive in order with their sender addresses, and the names
 * are bound again. */
#include "scenario.h"
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	struct sockaddr_un srv = { AF_UNIX }, cli = { AF_UNIX }, abs_ = { AF_UNIX };
	snprintf(srv.sun_path, sizeof(srv.sun_path), "%s", sc_path("dgram.sock"));
	snprintf(cli.sun_path, sizeof(cli.sun_path), "%s", sc_path("client.sock"));
	unlink(srv.sun_path);
	unlink(cli.sun_path);
	char absname[64];
	int alen = snprintf(absname, sizeof(absname), "jcriu-abstract-%d", getpid());
	memcpy(abs_.sun_path + 1, absname, alen);
	socklen_t abslen = offsetof(struct sockaddr_un, sun_path) + 1 + alen;
	int s = SC_SYS(socket(AF_UNIX, SOCK_DGRAM, 0));
	SC_SYS(bind(s, (struct sockaddr *)&srv, sizeof(srv)));
	int c = SC_SYS(socket(AF_UNIX, SOCK_DGRAM, 0));
	SC_SYS(bind(c, (struct sockaddr *)&cli, sizeof(cli)));
	int anon = SC_SYS(socket(AF_UNIX, SOCK_DGRAM, 0));
	SC_SYS(connect(anon, (struct sockaddr *)&srv, sizeof(srv)));
	int ab = SC_SYS(socket(AF_UNIX, SOCK_DGRAM, 0));
	SC_SYS(bind(ab, (struct sockaddr *)&abs_, abslen));
	SC_CHECK(sendto(c, "one", 3, 0, (struct sockaddr *)&srv, sizeof(srv)) == 3, "send 1");
	SC_CHECK(send(anon, "two!", 4, 0) == 4, "send 2");
	SC_CHECK(sendto(c, "three", 5, 0, (struct sockaddr *)&srv, sizeof(srv)) == 5, "send 3");
	SC_CHECK(sendto(c, "to-abstract", 11, 0, (struct sockaddr *)&abs_, abslen) == 11, "send abstract");
	sc_ready();
	if (sc_corrupt()) {
		char x[8];
		recv(s, x, 8, 0);
	}
	sc_wait();
	const char *want[] = { "one", "two!", "three" };
	for (int i = 0; i < 3; i++) {
		char buf[32] = "";
		struct sockaddr_un from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(s, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		SC_CHECK(n == (ssize_t)strlen(want[i]) && !memcmp(buf, want[i], n), "datagram %d: '%.*s'", i, (int)(n > 0 ? n : 0), buf);
		if (i != 1)
			SC_CHECK(fl > offsetof(struct sockaddr_un, sun_path) && !strcmp(from.sun_path, cli.sun_path),
				 "datagram %d: sender '%s'", i, fl > 2 ? from.sun_path : "(unnamed)");
	}
	char buf[32];
	SC_CHECK(recv(ab, buf, sizeof(buf), MSG_DONTWAIT) == 11 && !memcmp(buf, "to-abstract", 11), "abstract socket queue");
	struct sockaddr_un got;
	socklen_t gl = sizeof(got);
	SC_SYS(getsockname(ab, (struct sockaddr *)&got, &gl));
	SC_CHECK(gl == abslen && !memcmp(got.sun_path + 1, absname, alen), "abstract name lost");
	SC_CHECK(send(anon, "after", 5, 0) == 5 && recv(s, buf, sizeof(buf), MSG_DONTWAIT) == 5, "connected dgram broken");
	SC_CHECK(sendto(c, "x", 1, 0, (struct sockaddr *)&srv, sizeof(srv)) == 1, "sendto by path after restore");
	sc_pass();
}
