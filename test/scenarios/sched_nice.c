/* Scheduling: the main thread runs SCHED_BATCH at nice 7, a second thread
 * SCHED_FIFO priority 3 (it only sleeps), a third SCHED_OTHER at nice 12.
 * Policies, priorities and nice values must be the same after the restore.
 * (Not SCHED_IDLE: on a loaded machine such a thread may never run, and a
 * freeze waiting for it would hang.) */
#include "scenario.h"
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>

static volatile int stop, started;
static pid_t tid[2];

static void *thr(void *a)
{
	int id = (int)(long)a;
	tid[id] = sc_gettid();
	if (id == 0) {
		struct sched_param p = { 3 };
		if (sched_setscheduler(0, SCHED_FIFO, &p))
			sc_fail("SCHED_FIFO: %s", strerror(errno));
	} else
		setpriority(PRIO_PROCESS, 0, 12);
	__sync_fetch_and_add(&started, 1);
	while (!stop)
		sc_msleep(3);
	return NULL;
}

static void get(pid_t t, int *policy, int *nice)
{
	struct sched_param p;
	sched_getparam(t, &p);
	*policy = sched_getscheduler(t) | (p.sched_priority << 8);
	errno = 0;
	*nice = getpriority(PRIO_PROCESS, t);
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	struct sched_param p = { 0 };
	SC_SYS(sched_setscheduler(0, SCHED_BATCH, &p));
	SC_SYS(setpriority(PRIO_PROCESS, 0, 7));
	pthread_t th[2];
	pthread_create(&th[0], NULL, thr, (void *)0L);
	pthread_create(&th[1], NULL, thr, (void *)1L);
	while (started < 2)
		sc_msleep(1);
	int pol[3], nic[3];
	get(getpid(), &pol[0], &nic[0]);
	get(tid[0], &pol[1], &nic[1]);
	get(tid[1], &pol[2], &nic[2]);
	SC_CHECK(pol[0] == SCHED_BATCH && nic[0] == 7 && pol[1] == (SCHED_FIFO | 3 << 8) && nic[2] == 12, "setup failed");
	sc_ready();
	if (sc_corrupt())
		setpriority(PRIO_PROCESS, tid[1], 13);
	sc_wait();
	pid_t who[3] = { getpid(), tid[0], tid[1] };
	for (int i = 0; i < 3; i++) {
		int a, b;
		get(who[i], &a, &b);
		SC_CHECK(a == pol[i] && b == nic[i], "task %d: policy %d nice %d, was %d %d", who[i], a, b, pol[i], nic[i]);
	}
	stop = 1;
	pthread_join(th[0], NULL);
	pthread_join(th[1], NULL);
	sc_pass();
}
