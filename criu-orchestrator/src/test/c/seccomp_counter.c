/* A counter confined by two stacked seccomp filters (no_new_privs set first):
 * getppid fails with errno 77, getpgid with errno 78. Prints "ready", then every
 * 10 ms checks that both filters act and counts; prints the count every 10 ticks,
 * or "lost N" as soon as a filter no longer acts.
 * With the argument "tree" it forks a child first, which inherits the two filters
 * and stacks two more: getsid fails with errno 79, and getppid with errno 80 (two
 * filters giving the same action: the newest one's errno wins, so the order of the
 * chain shows); "ready PID CHILD"; the child checks all four and reports
 * "child lost N".
 * With "threads" a second thread is started first and both filters go in with
 * SECCOMP_FILTER_FLAG_TSYNC; the thread checks them too ("thread lost N"). */
#include <errno.h>
#include <pthread.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static unsigned int install_flags;

static void install(int nr, int err)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | err),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog p = {sizeof(f) / sizeof(f[0]), f};
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, install_flags, &p)) {
		perror("seccomp");
		_exit(1);
	}
}

static int acts(int ppid_errno)
{
	errno = 0;
	long a = syscall(SYS_getppid);
	int ea = errno;
	errno = 0;
	long b = syscall(SYS_getpgid, 0);
	return a == -1 && ea == ppid_errno && b == -1 && errno == 78;
}

static int child_acts(void)
{
	errno = 0;
	long c = syscall(SYS_getsid, 0);
	int ec = errno;
	return acts(80) && c == -1 && ec == 79;
}

static volatile int installed;

static void *thread_main(void *arg)
{
	struct timespec ts = {0, 10 * 1000 * 1000};
	(void)arg;
	while (!installed)
		nanosleep(&ts, NULL);
	for (unsigned long n = 1;; n++) {
		if (!acts(77))
			printf("thread lost %lu\n", n);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (argc > 1 && !strcmp(argv[1], "threads")) {
		pthread_t t;
		pthread_create(&t, NULL, thread_main, NULL);
		install_flags = SECCOMP_FILTER_FLAG_TSYNC;
	}
	install(SYS_getppid, 77);
	install(SYS_getpgid, 78);
	install_flags = 0;
	installed = 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct timespec ts = {0, 10 * 1000 * 1000};
	if (argc > 1 && !strcmp(argv[1], "tree")) {
		int ready[2];
		char c;
		if (pipe(ready))
			return 1;
		pid_t kid = fork();
		if (kid == 0) {
			install(SYS_getsid, 79);
			install(SYS_getppid, 80);
			write(ready[1], "", 1);
			for (unsigned long n = 1;; n++) {
				if (!child_acts())
					printf("child lost %lu\n", n);
				nanosleep(&ts, NULL);
			}
		}
		if (read(ready[0], &c, 1) != 1)
			return 1;
		printf("ready %d %d\n", getpid(), kid);
	} else {
		printf("ready %d\n", getpid());
	}
	for (unsigned long n = 1;; n++) {
		if (!acts(77))
			printf("lost %lu\n", n);
		else if (n % 10 == 0)
			printf("%lu\n", n);
		nanosleep(&ts, NULL);
	}
}
