/* Shared body of threads2 and threads8 (not a scenario: no .c). */
#include "scenario.h"
#include <poll.h>
#include <pthread.h>
#include <linux/futex.h>

#define MAXT 16
static int nthreads;
static volatile int stop;
static volatile uint64_t progress[MAXT];
static pid_t tids[MAXT];
static __thread uint64_t tls_value;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int wake_pipe[2];
static volatile int futex_word;
static volatile int started;

/* each thread waits in its own way: 0 cond, 1 nanosleep, 2 poll on a pipe,
 * 3 futex wait, 4 busy loop, 5 read on a pipe, 6 sched_yield loop, 7 select-less sleep */
static void *worker(void *arg)
{
	int id = (int)(long)arg;
	char stackbuf[3000];
	tids[id] = sc_gettid();
	tls_value = 0x1234567800000000ULL + id;
	sc_fill(stackbuf, sizeof(stackbuf), 200 + id);
	__sync_fetch_and_add(&started, 1);
	while (!stop) {
		switch (id % 8) {
		case 0: {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 20000000;
			if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
			pthread_mutex_lock(&mu);
			pthread_cond_timedwait(&cv, &mu, &ts);
			pthread_mutex_unlock(&mu);
			break;
		}
		case 1: sc_msleep(15); break;
		case 2: { struct pollfd p = { wake_pipe[0], POLLIN, 0 }; poll(&p, 1, 25); break; }
		case 3: { struct timespec ts = { 0, 30000000 }; syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0); break; }
		case 4: for (volatile int i = 0; i < 200000; i++) ; sc_msleep(1); break;
		case 5: { char c; struct pollfd p = { wake_pipe[0], POLLIN, 0 }; if (poll(&p, 1, 10) == 1) (void)!read(wake_pipe[0], &c, 0); sc_msleep(5); break; }
		case 6: sched_yield(); sc_msleep(2); break;
		case 7: { struct timespec ts = { 0, 40000000 }; clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL); break; }
		}
		progress[id]++;
	}
	if (tids[id] != sc_gettid())
		return (void *)"tid changed";
	if (tls_value != 0x1234567800000000ULL + id)
		return (void *)"TLS value changed";
	if (sc_verify(stackbuf, sizeof(stackbuf), 200 + id) >= 0)
		return (void *)"stack buffer differs";
	return NULL;
}

static int threads_main(int argc, char **argv, int n)
{
	sc_init(argc, argv);
	nthreads = n;
	SC_SYS(pipe(wake_pipe));
	pthread_t th[MAXT];
	for (int i = 0; i < n; i++)
		SC_CHECK(!pthread_create(&th[i], NULL, worker, (void *)(long)i), "pthread_create");
	while (started < n)
		sc_msleep(1);
	char *st = sc_read_file("/proc/self/status");
	int nt = atoi(sc_line_value(st, "Threads:"));
	SC_CHECK(nt == n + 1, "Threads: %d", nt);
	sc_ready();
	if (sc_corrupt())
		tids[0]++;
	sc_wait();
	/* every thread must still exist with its tid and make progress */
	for (int i = 0; i < n; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/task/%d", tids[i]);
		SC_CHECK(access(path, F_OK) == 0, "thread %d (tid %d) missing", i, tids[i]);
	}
	uint64_t at[MAXT];
	for (int i = 0; i < n; i++)
		at[i] = progress[i];
	double end = sc_now() + 5;
	for (int i = 0; i < n; i++)
		while (progress[i] < at[i] + 2) {
			SC_CHECK(sc_now() < end, "thread %d makes no progress after restore", i);
			sc_msleep(2);
		}
	stop = 1;
	pthread_mutex_lock(&mu);
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	for (int i = 0; i < n; i++) {
		void *r;
		SC_CHECK(!pthread_join(th[i], &r), "pthread_join %d", i);
		SC_CHECK(r == NULL, "thread %d: %s", i, (char *)r);
	}
	st = sc_read_file("/proc/self/status");
	nt = atoi(sc_line_value(st, "Threads:"));
	SC_CHECK(nt == 1, "after join: Threads: %d", nt);
	sc_pass();
}
