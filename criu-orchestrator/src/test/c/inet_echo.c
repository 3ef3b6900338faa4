/* Holds N TCP connections to 127.0.0.1:PORT (or [::1]:PORT with -6 as the third argument)
 * and echoes every byte it receives on each back on the same connection.
 * With -l as the third argument it is the server instead: it listens on 127.0.0.1:PORT
 * (SO_REUSEADDR), prints "ready", accepts N clients and echoes them, and keeps
 * accepting and echoing new clients on the same listener.
 * usage: inet_echo PORT N [-6|-l]; prints "ready" once all are connected (or listening). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
	if (argc < 3) return 2;
	int port = atoi(argv[1]), n = atoi(argv[2]), v6 = argc > 3 && !strcmp(argv[3], "-6");
	int server = argc > 3 && !strcmp(argv[3], "-l"), cap = n + 64, lfd = -1;
	struct pollfd *p = calloc(cap + 1, sizeof(*p));
	if (server) {
		int one = 1;
		lfd = socket(AF_INET, SOCK_STREAM, 0);
		setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
		inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
		if (bind(lfd, (void *)&a, sizeof(a)) || listen(lfd, 128)) { perror("listen"); return 1; }
		printf("ready\n");
		fflush(stdout);
		for (int i = 0; i < n; i++) {
			p[i].fd = accept(lfd, NULL, NULL);
			p[i].events = POLLIN;
		}
		for (int i = n; i < cap; i++) p[i].fd = -1;
		p[cap].fd = lfd;
		p[cap].events = POLLIN;
		printf("accepted\n");
		fflush(stdout);
		n = cap + 1;
	}
	for (int i = 0; i < n && !server; i++) {
		int s = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
		int r;
		if (v6) {
			struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = IN6ADDR_LOOPBACK_INIT};
			r = connect(s, (void *)&a, sizeof(a));
		} else {
			struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
			inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
			r = connect(s, (void *)&a, sizeof(a));
		}
		if (r) { perror("connect"); return 1; }
		p[i].fd = s;
		p[i].events = POLLIN;
	}
	if (!server) {
		printf("ready\n");
		fflush(stdout);
	}
	static char buf[65536];
	for (;;) {
		if (poll(p, n, -1) < 0) continue;
		for (int i = 0; i < n; i++) {
			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
			if (p[i].fd == lfd) {
				int c = accept(lfd, NULL, NULL);
				for (int j = 0; j < cap && c >= 0; j++) {
					if (p[j].fd < 0) { p[j].fd = c; p[j].events = POLLIN; c = -1; }
				}
				if (c >= 0) close(c);
				continue;
			}
			ssize_t k = read(p[i].fd, buf, sizeof(buf));
			if (k <= 0) {
				printf("connection %d: %s\n", i, k == 0 ? "eof" : "error");
				fflush(stdout);
				close(p[i].fd);
				p[i].fd = -1;
				continue;
			}
			for (ssize_t off = 0; off < k;) {
				ssize_t w = write(p[i].fd, buf + off, k - off);
				if (w <= 0) { printf("connection %d: write error\n", i); fflush(stdout); break; }
				off += w;
			}
		}
	}
}
