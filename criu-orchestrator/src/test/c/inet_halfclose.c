/* A connection left half-closed by its peer (CLOSE_WAIT): connects to 127.0.0.1:PORT,
 * echoes until the peer shuts its side down, then writes "eof-seen\n" and waits;
 * on SIGUSR1 it writes "after-restore\n" and closes its side.
 * usage: inet_halfclose PORT; prints "ready" once connected. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t go;
static void on_usr1(int s) { (void)s; go = 1; }

int main(int argc, char **argv) {
	if (argc < 2) return 2;
	signal(SIGUSR1, on_usr1);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (connect(s, (void *)&a, sizeof(a))) { perror("connect"); return 1; }
	printf("ready\n");
	fflush(stdout);
	char buf[4096];
	for (;;) {
		ssize_t k = read(s, buf, sizeof(buf));
		if (k == 0) break;
		if (k < 0) { printf("read error\n"); fflush(stdout); return 1; }
		write(s, buf, k);
	}
	write(s, "eof-seen\n", 9);
	printf("eof\n");
	fflush(stdout);
	while (!go) pause();
	if (write(s, "after-restore\n", 14) != 14) { printf("write error\n"); fflush(stdout); return 1; }
	close(s);
	printf("closed\n");
	fflush(stdout);
	for (;;) pause();
}
