/* Syscalls interrupted by signals after the restore: a thread blocked in
 * read() with an SA_RESTART handler must stay in read (and get the data
 * written later); a thread blocked in read() with a handler without
 * SA_RESTART must get EINTR. Both were blocked when checkpointed. */
#include "scenario.h"
#include <pthread.h>

static int p1[2], p2[2];
static volatile pid_t tid1, tid2;
static volatile int h1, h2;
static volatile long r1 = -2, r2 = -2;
static volatile int e2;
static char buf1[16];

static void on_usr1(int s) { h1++; }
static void on_usr2(int s) { h2++; }

static void *t1(void *a)
{
	tid1 = sc_gettid();
	r1 = read(p1[0], buf1, sizeof(buf1));
	return NULL;
}

static void *t2(void *a)
{
	char b[16];
	tid2 = sc_gettid();
	r2 = read(p2[0], b, sizeof(b));
	e2 = errno;
	return NULL;
}

static char state(pid_t tid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	char *s = sc_read_file(path);
	return s ? strrchr(s, ')')[2] : '?';
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_usr2;
	sa.sa_flags = 0;
	sigaction(SIGUSR2, &sa, NULL);
	SC_SYS(pipe(p1));
	SC_SYS(pipe(p2));
	pthread_t a, b;
	pthread_create(&a, NULL, t1, NULL);
	pthread_create(&b, NULL, t2, NULL);
	while (!tid1 || !tid2 || state(tid1) != 'S' || state(tid2) != 'S')
		sc_msleep(1);
	sc_msleep(20);
	sc_ready();
	sc_wait();
	SC_CHECK(r1 == -2 && r2 == -2, "a read returned before the signals (%ld, %ld)", r1, r2);
	SC_SYS(syscall(SYS_tgkill, getpid(), tid1, SIGUSR1));
	SC_SYS(syscall(SYS_tgkill, getpid(), tid2, SIGUSR2));
	double end = sc_now() + 5;
	while ((!h1 || r2 == -2) && sc_now() < end)
		sc_msleep(1);
	SC_CHECK(h1 == 1 && h2 == 1, "handlers ran %d and %d times", h1, h2);
	SC_CHECK(r2 == -1 && e2 == EINTR, "read without SA_RESTART: %ld (%s), expected EINTR", r2, strerror(e2));
	sc_msleep(20);
	SC_CHECK(r1 == -2, "read with SA_RESTART returned %ld (errno %d) instead of restarting", r1, errno);
	SC_CHECK(write(p1[1], "restarted", 9) == 9, "write");
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	SC_CHECK(r1 == 9 && !memcmp(buf1, "restarted", 9), "restarted read got %ld bytes", r1);
	sc_pass();
}
