/* Named unix stream sockets: a listening socket bound to a path in the
 * scratch directory (backlog 5), an accepted connection and its client
 * with data queued both ways, and a connection still waiting in the
 * backlog with data sent. After the restore: same bound name, still
 * listening (new clients connect), the pending connection can be accepted
 * with its data, and the established pair carries data. */
#include "scenario.h"
#include <sys/socket.h>
#include <sys/un.h>

static struct sockaddr_un addr;

static int connect_new(void)
{
	int c = SC_SYS(socket(AF_UNIX, SOCK_STREAM, 0));
	SC_SYS(connect(c, (struct sockaddr *)&addr, sizeof(addr)));
	return c;
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	addr.sun_family = AF_UNIX;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", sc_path("listen.sock"));
	SC_CHECK(strlen(sc_path("listen.sock")) < sizeof(addr.sun_path), "socket path too long");
	unlink(addr.sun_path);
	int l = SC_SYS(socket(AF_UNIX, SOCK_STREAM, 0));
	SC_SYS(bind(l, (struct sockaddr *)&addr, sizeof(addr)));
	SC_SYS(listen(l, 5));
	int c1 = connect_new();
	int a1 = SC_SYS(accept(l, NULL, NULL));
	SC_CHECK(write(c1, "client->server", 14) == 14 && write(a1, "server->client!", 15) == 15, "write");
	int c2 = connect_new();       /* stays in the backlog */
	SC_CHECK(write(c2, "pending", 7) == 7, "write pending");
	sc_ready();
	if (sc_corrupt()) {
		char x[4];
		(void)!read(a1, x, 1);
	}
	sc_wait();
	struct sockaddr_un got;
	socklen_t gl = sizeof(got);
	SC_SYS(getsockname(l, (struct sockaddr *)&got, &gl));
	SC_CHECK(!strcmp(got.sun_path, addr.sun_path), "listener bound to '%s'", got.sun_path);
	int acc;
	socklen_t al = sizeof(acc);
	getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &acc, &al);
	SC_CHECK(acc == 1, "listener not listening");
	gl = sizeof(got);
	SC_SYS(getpeername(c1, (struct sockaddr *)&got, &gl));
	SC_CHECK(!strcmp(got.sun_path, addr.sun_path), "client's peer is '%s'", got.sun_path);
	char buf[64] = "";
	SC_CHECK(read(a1, buf, 14) == 14 && !memcmp(buf, "client->server", 14), "server side queue differs");
	SC_CHECK(read(c1, buf, 15) == 15 && !memcmp(buf, "server->client!", 15), "client side queue differs");
	int a2 = accept(l, NULL, NULL);
	SC_CHECK(a2 >= 0, "pending connection lost: %s", strerror(errno));
	SC_CHECK(read(a2, buf, 7) == 7 && !memcmp(buf, "pending", 7), "pending connection's data differs");
	int c3 = connect_new();
	int a3 = SC_SYS(accept(l, NULL, NULL));
	SC_CHECK(write(c3, "new", 3) == 3 && read(a3, buf, 3) == 3, "new connection after restore");
	SC_CHECK(write(a1, "again", 5) == 5 && read(c1, buf, 5) == 5 && !memcmp(buf, "again", 5), "established pair broken");
	(void)c2;
	sc_pass();
}
