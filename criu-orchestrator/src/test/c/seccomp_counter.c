/* A counter confined by two stacked seccomp filters (no_new_privs set first):
 * getppid fails with errno 77, getpgid with errno 78. Prints "ready", then every
 * 10 ms checks that both filters act and counts; prints the count every 10 ticks,
 * or "lost N" as soon as a filter no longer acts. */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void install(int nr, int err)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | err),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog p = {sizeof(f) / sizeof(f[0]), f};
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &p)) {
		perror("seccomp");
		_exit(1);
	}
}

static int acts(void)
{
	errno = 0;
	long a = syscall(SYS_getppid);
	int ea = errno;
	errno = 0;
	long b = syscall(SYS_getpgid, 0);
	return a == -1 && ea == 77 && b == -1 && errno == 78;
}

int main(void)
{
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	install(SYS_getppid, 77);
	install(SYS_getpgid, 78);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready %d\n", getpid());
	struct timespec ts = {0, 10 * 1000 * 1000};
	for (unsigned long n = 1;; n++) {
		if (!acts())
			printf("lost %lu\n", n);
		else if (n % 10 == 0)
			printf("%lu\n", n);
		nanosleep(&ts, NULL);
	}
}
