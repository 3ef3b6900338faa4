/* Inet servers for the org.jcriu.criu.net tests: a TCP listener on 127.0.0.1:TCPPORT
 * (SO_REUSEADDR, SO_KEEPALIVE, backlog 7) that answers each client with
 * "tcp-pong N\n" and closes; a UDP socket bound on 127.0.0.1:UDPPORT that answers
 * each datagram with "udp-pong:" + datagram; a UDP socket connected to
 * 127.0.0.1:UDPPORT+1 and an IPv6 listener on [::1]:TCPPORT (v6only).
 * usage: inet_servers TCPPORT UDPPORT; prints "ready" once listening. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *m) { perror(m); exit(1); }

int main(int argc, char **argv) {
	if (argc < 3) return 2;
	int tport = atoi(argv[1]), uport = atoi(argv[2]), one = 1;
	int l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(l, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(tport)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (bind(l, (void *)&a, sizeof(a)) || listen(l, 7)) die("tcp");
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	a.sin_port = htons(uport);
	if (bind(u, (void *)&a, sizeof(a))) die("udp bind");
	int uc = socket(AF_INET, SOCK_DGRAM, 0);
	a.sin_port = htons(uport + 1);
	if (connect(uc, (void *)&a, sizeof(a))) die("udp connect");
	int l6 = socket(AF_INET6, SOCK_STREAM, 0);
	setsockopt(l6, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	setsockopt(l6, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons(tport), .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	if (bind(l6, (void *)&a6, sizeof(a6)) || listen(l6, 5)) die("tcp6");
	printf("ready\n");
	fflush(stdout);
	long n = 0;
	for (;;) {
		struct pollfd p[3] = {{l, POLLIN, 0}, {u, POLLIN, 0}, {l6, POLLIN, 0}};
		if (poll(p, 3, -1) < 0) continue;
		for (int i = 0; i < 3; i += 2) {
			if (!(p[i].revents & POLLIN)) continue;
			int c = accept(p[i].fd, NULL, NULL);
			if (c < 0) continue;
			char buf[64];
			int k = snprintf(buf, sizeof(buf), "tcp-pong %ld\n", ++n);
			write(c, buf, k);
			close(c);
		}
		if (p[1].revents & POLLIN) {
			char in[512], out[600];
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t k = recvfrom(u, in, sizeof(in) - 1, 0, (void *)&from, &fl);
			if (k < 0) continue;
			in[k] = 0;
			int m = snprintf(out, sizeof(out), "udp-pong:%s", in);
			sendto(u, out, m, 0, (void *)&from, fl);
		}
	}
}
