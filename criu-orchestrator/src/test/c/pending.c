/* Blocks SIGUSR1 and SIGUSR2, then queues SIGUSR2 to its thread (raise) and
 * SIGUSR1 to the process (kill): both stay pending. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGUSR2);
	sigprocmask(SIG_BLOCK, &s, NULL);
	raise(SIGUSR2);
	kill(getpid(), SIGUSR1);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready\n");
	for (;;) pause();
}
