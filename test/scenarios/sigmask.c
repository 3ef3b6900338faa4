/* Blocked signal masks per thread: the main thread, and two threads with
 * different masks; each mask (SigBlk of /proc/self/task/TID/status and the
 * thread's own pthread_sigmask) must be the same after the restore. */
#include "scenario.h"
#include <pthread.h>

static volatile int stop, good[2] = { -1, -1 }, started;
static pid_t tids[2];
static char blk[3][64];

static void thread_blk(pid_t tid, char *out)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/task/%d/status", tid);
	snprintf(out, 64, "%s", sc_line_value(sc_read_file(path), "SigBlk:"));
}

static void *thr(void *arg)
{
	int id = (int)(long)arg;
	sigset_t s, now;
	sigemptyset(&s);
	if (id == 0) {
		sigaddset(&s, SIGUSR2);
		sigaddset(&s, SIGHUP);
		sigaddset(&s, SIGRTMIN + 7);
		sigaddset(&s, SIGTERM);   /* unblocked, SIGTERM (no handler) would kill us */
		pthread_sigmask(SIG_SETMASK, &s, NULL);
	} else {
		sigfillset(&s);
		sigdelset(&s, SIGSEGV);
		pthread_sigmask(SIG_SETMASK, &s, NULL);
	}
	pthread_sigmask(SIG_SETMASK, NULL, &s);
	tids[id] = sc_gettid();
	__sync_fetch_and_add(&started, 1);
	while (!stop)
		sc_msleep(3);
	pthread_sigmask(SIG_SETMASK, NULL, &now);
	good[id] = !memcmp(&s, &now, 8);
	return NULL;
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGRTMIN + 2);
	sigaddset(&s, SIGWINCH);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	pthread_t th[2];
	pthread_create(&th[0], NULL, thr, (void *)0L);
	pthread_create(&th[1], NULL, thr, (void *)1L);
	while (started < 2)
		sc_msleep(1);
	thread_blk(getpid(), blk[0]);
	thread_blk(tids[0], blk[1]);
	thread_blk(tids[1], blk[2]);
	sigset_t main_before;
	pthread_sigmask(SIG_SETMASK, NULL, &main_before);
	sc_ready();
	if (sc_corrupt()) {
		sigaddset(&s, SIGUSR2);
		pthread_sigmask(SIG_BLOCK, &s, NULL);
	}
	while (!sc_check_term())
		sc_msleep(5);
	char now[64];
	thread_blk(getpid(), now);
	SC_CHECK(!strcmp(now, blk[0]), "main thread SigBlk %s, was %s", now, blk[0]);
	thread_blk(tids[0], now);
	SC_CHECK(!strcmp(now, blk[1]), "thread 0 SigBlk %s, was %s", now, blk[1]);
	thread_blk(tids[1], now);
	SC_CHECK(!strcmp(now, blk[2]), "thread 1 SigBlk %s, was %s", now, blk[2]);
	sigset_t main_after;
	pthread_sigmask(SIG_SETMASK, NULL, &main_after);
	SC_CHECK(!memcmp(&main_before, &main_after, 8), "main thread mask differs");
	stop = 1;
	pthread_join(th[0], NULL);
	pthread_join(th[1], NULL);
	SC_CHECK(good[0] == 1 && good[1] == 1, "a thread's own mask changed (%d, %d)", good[0], good[1]);
	sc_pass();
}
