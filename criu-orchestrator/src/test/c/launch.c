/* Starts a victim outside the JVM's process tree: double fork, setsid (the victim leads its own session and group), stdio to
 * files, prints the victim's pid on stdout and exits. The victim is reparented
 * to init (or the nearest subreaper), so the JDK's reaper never waits on it.
 * usage: launch OUTFILE PROG [ARGS...] */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
	if (argc < 3) { fprintf(stderr, "usage: launch OUTFILE PROG [ARGS...]\n"); return 2; }
	int p[2];
	if (pipe(p)) return 1;
	pid_t c = fork();
	if (c < 0) return 1;
	if (c == 0) {
		pid_t g = fork();
		if (g < 0) _exit(1);
		if (g > 0) { dprintf(p[1], "%d\n", g); _exit(0); }
		close(p[0]); close(p[1]);
		setsid();
		/* run in the directory of OUTFILE: files a victim creates stay out of the source tree */
		char dir[4096];
		snprintf(dir, sizeof(dir), "%s", argv[1]);
		char *slash = strrchr(dir, '/');
		if (slash && slash != dir) { *slash = 0; if (chdir(dir)) _exit(126); }
		int in = open("/dev/null", O_RDONLY);
		int out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(in, 0); dup2(out, 1); dup2(out, 2);
		if (in > 2) close(in);
		if (out > 2) close(out);
		for (int fd = 3; fd < 1024; fd++) close(fd);
		execv(argv[2], argv + 2);
		_exit(127);
	}
	close(p[1]);
	char buf[32] = {0};
	ssize_t n = read(p[0], buf, sizeof(buf) - 1);
	waitpid(c, NULL, 0);
	if (n <= 0) return 1;
	fputs(buf, stdout);
	return 0;
}
