/* Test victim for compel: one kind of state per mode, checks its own results.
 *   victim MODE [N]
 * Modes: compute, threads N, nanosleep, pipe, futex, epoll, signals, idle, mem MiB, ptimer
 * (compute, with a POSIX timer signalling SIGRTMIN+4 every ms whose every siginfo is checked),
 * strict (blocked in read() in SECCOMP_MODE_STRICT), filter (a seccomp filter makes getppid
 * fail with errno 77; blocked in pause()).
 * Prints "ready" once set up; on SIGTERM prints "PASS n" (or "FAIL why") and exits. Every
 * blocking call's result is checked: only success, or EINTR once SIGTERM came, is right. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t term;
static volatile sig_atomic_t failed;
static char why[128];
static volatile uint64_t progress[64];
static volatile int usr1;
static int atexit_report;

static void fail(const char *what, long v)
{
	if (!failed) {
		snprintf(why, sizeof(why), "%s %ld", what, v);
		failed = 1;
	}
}

static void on_term(int sig)
{
	(void)sig;
	term = 1;
}

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)si; (void)uc;
	usr1++;
}

/* ptimer: every SIGRTMIN+4 must come from the timer, with its value */
#define PTIMER_VALUE 0x5eed1234
static volatile long ptimer_ticks;

static void on_ptimer(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (si->si_signo != sig || si->si_code != SI_TIMER)
		fail("ptimer si_code", si->si_code);
	else if (si->si_value.sival_int != PTIMER_VALUE)
		fail("ptimer si_value", si->si_value.sival_int);
	ptimer_ticks++;
}

/* A computation whose every step is checked against an independent form of itself. */
static void report(void);

static void *compute(void *arg)
{
	long idx = (long)arg;
	uint64_t x = 0x9e3779b97f4a7c15ULL + idx, sum = 0, n = 0;
	double d = 1.0;

	while (!term) {
		for (int i = 0; i < 1000; i++) {
			uint64_t a = x * 6364136223846793005ULL + 1442695040888963407ULL;
			uint64_t b = (x << 2) * 1591034050961698851ULL + x * 6364136223846793005ULL - (x << 2) * 1591034050961698851ULL + 1442695040888963407ULL;
			if (a != b)
				fail("lcg mismatch", i);
			x = a;
			sum += x >> 60;
			d = d * 1.0000001 + 0.5;
			double e = d - 0.5;
			if (e + 0.5 != d)
				fail("fp mismatch", i);
			if (d > 1e6)
				d = 1.0;
			n++;
		}
		progress[idx] = n;
	}
	if (atexit_report) {
		progress[0] = n;
		report();
		exit(failed);
	}
	return (void *)(uintptr_t)sum;
}

static void blocked_loop(const char *mode)
{
	int p[2], ep = -1;
	static uint32_t futex_word;

	if (!strcmp(mode, "pipe") && pipe(p))
		fail("pipe", errno);
	if (!strcmp(mode, "epoll")) {
		ep = epoll_create1(0);
		if (ep < 0)
			fail("epoll_create1", errno);
	}
	printf("ready\n");
	fflush(stdout);
	while (!term) {
		long r;

		if (!strcmp(mode, "nanosleep")) {
			struct timespec ts = { 0, 300 * 1000 * 1000 };
			r = nanosleep(&ts, NULL);
		} else if (!strcmp(mode, "pipe")) {
			char c;
			r = read(p[0], &c, 1);
			if (r == 1)
				fail("read got data", c);
		} else if (!strcmp(mode, "futex")) {
			r = syscall(SYS_futex, &futex_word, FUTEX_WAIT, 0, NULL, NULL, 0);
		} else if (!strcmp(mode, "epoll")) {
			struct epoll_event ev;
			r = epoll_wait(ep, &ev, 1, -1);
			if (r > 0)
				fail("epoll_wait got event", r);
			/* epoll_wait is never restarted: any stop (ptrace included) ends it with EINTR */
			if (r < 0 && errno == EINTR)
				r = 0;
		} else {
			r = pause();
		}
		if (r < 0 && !(errno == EINTR && term))
			fail("unexpected errno", errno);
		progress[0]++;
	}
}

/* Strict mode allows read, write, exit and sigreturn only: the report is made of those. */
static void strict_loop(void)
{
	int p[2];
	char c;

	if (pipe(p))
		fail("pipe", errno);
	fflush(stdout);
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT))
		fail("PR_SET_SECCOMP", errno);
	syscall(SYS_write, 1, "ready\n", 6);
	while (!term) {
		long r = syscall(SYS_read, p[0], &c, 1);
		if (r < 0 && !(errno == EINTR && term))
			fail("unexpected errno", errno);
		progress[0]++;
	}
	const char *msg = failed ? "FAIL strict\n" : "PASS strict\n";
	syscall(SYS_write, 1, msg, strlen(msg));
	syscall(SYS_exit, failed);
}

/* getppid fails with errno 77: remote syscalls see it unless seccomp is suspended */
static void filter_install(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 77),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		fail("seccomp filter", errno);
}

/* known content, for page dumping tests: "region ADDR LEN" on stdout */
static void make_region(unsigned long len)
{
	uint64_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		fail("mmap", errno);
		return;
	}
	for (unsigned long i = 0; i < len / 8; i++)
		p[i] = i * 2654435761ULL;
	printf("region %lx %lx\n", (unsigned long)p, len);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "compute";
	struct sigaction sa;

	if (!strcmp(mode, "mem")) {
		/* victim mem MiB: a big region, then idle */
		make_region((argc > 2 ? strtoul(argv[2], NULL, 0) : 64) << 20);
		mode = "idle";
	} else {
		make_region(4 << 20);
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);

	if (!strcmp(mode, "signals")) {
		sigset_t set;

		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_usr1;
		sa.sa_flags = SA_SIGINFO | SA_RESTART;
		sigaddset(&sa.sa_mask, SIGUSR2);
		sigaction(SIGUSR1, &sa, NULL);
		signal(SIGPIPE, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		sigemptyset(&set);
		sigaddset(&set, SIGUSR2);
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGRTMIN + 3);
		sigprocmask(SIG_BLOCK, &set, NULL);
		{
			/* a POSIX timer (blocked signal, far away) and an interval timer */
			struct sigevent sev;
			struct itimerspec its = { { 100, 0 }, { 100, 0 } };
			struct itimerval itv = { { 0, 0 }, { 200, 0 } };
			timer_t tid;

			memset(&sev, 0, sizeof(sev));
			sev.sigev_notify = SIGEV_SIGNAL;
			sev.sigev_signo = SIGRTMIN + 3;
			if (timer_create(CLOCK_MONOTONIC, &sev, &tid) || timer_settime(tid, 0, &its, NULL))
				fail("timer", errno);
			if (setitimer(ITIMER_REAL, &itv, NULL))
				fail("setitimer", errno);
		}
		mode = "nanosleep";
	}
	if (!strcmp(mode, "ptimer")) {
		struct sigevent sev;
		struct itimerspec its = { { 0, 1000000 }, { 0, 1000000 } };
		timer_t tid;

		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_ptimer;
		sa.sa_flags = SA_SIGINFO | SA_RESTART;
		sigaction(SIGRTMIN + 4, &sa, NULL);
		memset(&sev, 0, sizeof(sev));
		sev.sigev_notify = SIGEV_SIGNAL;
		sev.sigev_signo = SIGRTMIN + 4;
		sev.sigev_value.sival_int = PTIMER_VALUE;
		if (timer_create(CLOCK_MONOTONIC, &sev, &tid) || timer_settime(tid, 0, &its, NULL))
			fail("timer", errno);
		while (ptimer_ticks < 3)
			usleep(1000);
		mode = "compute";
	}
	if (!strcmp(mode, "compute") || !strcmp(mode, "threads")) {
		int n = !strcmp(mode, "threads") ? (argc > 2 ? atoi(argv[2]) : 8) : 0;
		pthread_t th[64];

		for (long i = 1; i <= n; i++)
			pthread_create(&th[i], NULL, compute, (void *)i);
		/* ready once every thread is past its start-up (glibc blocks signals meanwhile) */
		for (long i = 1; i <= n; i++)
			while (!progress[i])
				usleep(1000);
		printf("ready\n");
		fflush(stdout);
		compute(0);
		for (long i = 1; i <= n; i++)
			pthread_join(th[i], NULL);
	} else if (!strcmp(mode, "zombie-leader")) {
		/* the main thread leaves; one thread computes on and reports */
		static pthread_t t;

		pthread_create(&t, NULL, compute, (void *)1);
		while (!progress[1])
			usleep(1000);
		printf("ready\n");
		fflush(stdout);
		atexit_report = 1;
		pthread_exit(NULL);
	} else if (!strcmp(mode, "strict")) {
		strict_loop();
	} else {
		if (!strcmp(mode, "filter")) {
			filter_install();
			mode = "idle";
		}
		blocked_loop(mode);
		if (!strcmp(argv[1], "filter") && (syscall(SYS_getppid) != -1 || errno != 77))
			fail("filter lost", errno);
	}
	report();
	return failed;
}

static void report(void)
{
	if (failed)
		printf("FAIL %s\n", why);
	else
		printf("PASS %lu\n", (unsigned long)progress[0]);
	fflush(stdout);
}
