/* Thread-directed pending signals: SIGUSR1 (tgkill) and SIGRTMIN+4 (with a
 * value) pending on a second thread that blocks them, SIGUSR2 pending on
 * the main thread. After the restore each is pending on its own thread
 * only, and is delivered there with its siginfo. */
#include "scenario.h"
#include <pthread.h>

static volatile pid_t tid, got_usr1_tid, got_rt_tid, got_usr2_tid;
static volatile int rt_val, go, done;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
	if (sig == SIGUSR1)
		got_usr1_tid = sc_gettid();
	else if (sig == SIGUSR2)
		got_usr2_tid = sc_gettid();
	else {
		got_rt_tid = sc_gettid();
		rt_val = si->si_value.sival_int;
	}
}

static void *thr(void *a)
{
	tid = sc_gettid();
	while (!go)
		sc_msleep(2);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGRTMIN + 4);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	done = 1;
	return NULL;
}

static void pnd(pid_t t, char *out)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/task/%d/status", t);
	snprintf(out, 64, "%s", sc_line_value(sc_read_file(path), "SigPnd:"));
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sig;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGRTMIN + 4, &sa, NULL);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGUSR2);
	sigaddset(&s, SIGRTMIN + 4);
	sigprocmask(SIG_BLOCK, &s, NULL);
	pthread_t th;
	pthread_create(&th, NULL, thr, NULL);
	while (!tid)
		sc_msleep(1);
	SC_SYS(syscall(SYS_tgkill, getpid(), tid, SIGUSR1));
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGRTMIN + 4;
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_int = 4444;
	SC_SYS(syscall(SYS_rt_tgsigqueueinfo, getpid(), tid, SIGRTMIN + 4, &si));
	SC_SYS(syscall(SYS_tgkill, getpid(), getpid(), SIGUSR2));
	char p_main[64], p_thr[64], shd[64];
	pnd(getpid(), p_main);
	pnd(tid, p_thr);
	snprintf(shd, sizeof(shd), "%s", sc_line_value(sc_read_file("/proc/self/status"), "ShdPnd:"));
	sc_ready();
	if (sc_corrupt())
		syscall(SYS_tgkill, getpid(), getpid(), SIGUSR1);
	sc_wait();
	char now[64];
	pnd(getpid(), now);
	SC_CHECK(!strcmp(now, p_main), "main SigPnd %s, was %s", now, p_main);
	pnd(tid, now);
	SC_CHECK(!strcmp(now, p_thr), "thread SigPnd %s, was %s", now, p_thr);
	char *sh = sc_line_value(sc_read_file("/proc/self/status"), "ShdPnd:");
	SC_CHECK(!strcmp(sh, shd), "ShdPnd %s, was %s", sh, shd);
	go = 1;
	pthread_join(th, NULL);
	SC_CHECK(got_usr1_tid == tid && got_rt_tid == tid && rt_val == 4444,
		 "thread signals: usr1 in %d, rt in %d (value %d), thread is %d", got_usr1_tid, got_rt_tid, rt_val, tid);
	SC_CHECK(got_usr2_tid == 0, "SIGUSR2 delivered while blocked");
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	SC_CHECK(got_usr2_tid == getpid(), "SIGUSR2 for the main thread not delivered there (%d)", got_usr2_tid);
	sc_pass();
}
