/* Both ends of a loopback TCP connection inside one tree: the parent listens on
 * 127.0.0.1 (ephemeral port), forks a child that connects and echoes; the parent
 * sends 1000-byte rounds, checks each echo, and prints "round N ok" every 50
 * rounds ("FAIL ..." on a mismatch or error).
 * usage: inet_pair; prints "child PID" and "ready". */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int full(int fd, char *b, int n, int wr) {
	for (int off = 0; off < n;) {
		ssize_t k = wr ? write(fd, b + off, n - off) : read(fd, b + off, n - off);
		if (k <= 0) return -1;
		off += k;
	}
	return 0;
}

int main(void) {
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	socklen_t al = sizeof(a);
	if (bind(l, (void *)&a, sizeof(a)) || listen(l, 1) || getsockname(l, (void *)&a, &al)) { perror("listen"); return 1; }
	pid_t c = fork();
	if (c == 0) {
		int s = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(s, (void *)&a, sizeof(a))) _exit(1);
		char b[4096];
		for (;;) {
			ssize_t k = read(s, b, sizeof(b));
			if (k <= 0) _exit(2);
			if (full(s, b, k, 1)) _exit(3);
		}
	}
	int s = accept(l, NULL, NULL);
	printf("child %d\nready\n", c);
	fflush(stdout);
	char out[1000], in[1000];
	struct timespec ts = {0, 5 * 1000 * 1000};
	for (long r = 1;; r++) {
		for (int i = 0; i < 1000; i++) out[i] = (char)(r * 7 + i);
		if (full(s, out, 1000, 1) || full(s, in, 1000, 0)) { printf("FAIL io at round %ld\n", r); fflush(stdout); return 1; }
		if (memcmp(in, out, 1000)) { printf("FAIL data at round %ld\n", r); fflush(stdout); return 1; }
		if (r % 50 == 0) { printf("round %ld ok\n", r); fflush(stdout); }
		nanosleep(&ts, NULL);
	}
}
