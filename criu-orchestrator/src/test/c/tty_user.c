/* Holds a pty slave whose master is outside its tree, as a job holds its
 * shell's terminal: fds 5 and 6 share one open of argv[1]. Answers every
 * line read on fd 5 with "got LINE" on fd 6.
 * usage: tty_user /dev/pts/N */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2) return 2;
	int s = open(argv[1], O_RDWR | O_NOCTTY);
	if (s < 0) { printf("open %s: %s\n", argv[1], strerror(errno)); return 1; }
	dup2(s, 5);
	dup2(s, 6);
	close(s);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		char buf[64], out[96];
		ssize_t r = read(5, buf, sizeof(buf) - 1);
		if (r < 0 && errno == EINTR) continue;
		if (r <= 0) { printf("read: %zd %s\n", r, r ? strerror(errno) : "EOF"); return 1; }
		buf[r] = 0;
		int k = snprintf(out, sizeof(out), "got %s", buf);
		if (write(6, out, k) != k) { printf("write: %s\n", strerror(errno)); return 1; }
	}
}
