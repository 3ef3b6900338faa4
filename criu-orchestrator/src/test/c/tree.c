/* A small tree in its own session: the root, a child in a new process group
 * with a grandchild, a zombie child (exited, never reaped), and a stopped child.
 * Prints "ready" once all are set up. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void loop(void) { for (;;) pause(); }

int main(void) {
	setvbuf(stdout, NULL, _IOLBF, 0);
	pid_t a = fork();
	if (a == 0) {
		setpgid(0, 0);
		if (fork() == 0) loop();
		loop();
	}
	pid_t z = fork();
	if (z == 0) _exit(7);
	pid_t s = fork();
	if (s == 0) loop();
	kill(s, SIGSTOP);
	siginfo_t si;
	waitid(P_PID, z, &si, WEXITED | WNOWAIT);
	waitid(P_PID, s, &si, WSTOPPED | WNOWAIT);
	usleep(100000);
	printf("ready %d %d %d\n", a, z, s);
	loop();
}
