/* spawn OUTFILE PROG [ARGS...]: start PROG detached from the caller (double fork, setsid),
 * stdin from /dev/null, stdout and stderr to OUTFILE; print its pid and exit. The caller (a JVM)
 * never becomes the parent of PROG, so its process reaper cannot steal PROG's ptrace stops. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int p[2];
	pid_t mid, pid = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: spawn OUTFILE PROG [ARGS...]\n");
		return 2;
	}
	if (pipe(p))
		return 1;
	mid = fork();
	if (mid < 0)
		return 1;
	if (mid == 0) {
		pid_t c;

		setsid();
		c = fork();
		if (c < 0)
			_exit(1);
		if (c == 0) {
			int in = open("/dev/null", O_RDONLY);
			int out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);

			close(p[0]);
			close(p[1]);
			if (in < 0 || out < 0)
				_exit(127);
			dup2(in, 0);
			dup2(out, 1);
			dup2(out, 2);
			if (in > 2)
				close(in);
			if (out > 2)
				close(out);
			execv(argv[2], argv + 2);
			_exit(127);
		}
		write(p[1], &c, sizeof(c));
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &pid, sizeof(pid)) != sizeof(pid))
		return 1;
	waitpid(mid, NULL, 0);
	printf("%d\n", pid);
	return 0;
}
