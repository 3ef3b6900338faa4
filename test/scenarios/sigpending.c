/* Process-wide pending signals: SIGUSR1 (standard, once) and SIGRTMIN+1
 * queued three times with values, all blocked. After the restore they are
 * still pending, and on unblocking they arrive with their siginfo, the
 * real-time ones three times in order. */
#include "scenario.h"

static volatile int n_usr1, n_rt, vals[8], codes[8];
static volatile pid_t pids[8];

static void on_sig(int sig, siginfo_t *si, void *uc)
{
	if (sig == SIGUSR1) {
		n_usr1++;
		return;
	}
	if (n_rt < 8) {
		vals[n_rt] = si->si_value.sival_int;
		codes[n_rt] = si->si_code;
		pids[n_rt] = si->si_pid;
	}
	n_rt++;
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sig;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGRTMIN + 1, &sa, NULL);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGUSR2);
	sigaddset(&s, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR1);                 /* standard: merged into one */
	for (int i = 1; i <= 3; i++) {
		union sigval v = { .sival_int = 100 + i };
		SC_SYS(sigqueue(getpid(), SIGRTMIN + 1, v));
	}
	char shd[64];
	snprintf(shd, sizeof(shd), "%s", sc_line_value(sc_read_file("/proc/self/status"), "ShdPnd:"));
	sc_ready();
	if (sc_corrupt()) {
		union sigval v = { .sival_int = 999 };
		sigqueue(getpid(), SIGRTMIN + 1, v);
	}
	sc_wait();
	char *now = sc_line_value(sc_read_file("/proc/self/status"), "ShdPnd:");
	SC_CHECK(!strcmp(now, shd), "ShdPnd %s, was %s", now, shd);
	sigset_t p;
	sigpending(&p);
	SC_CHECK(sigismember(&p, SIGUSR1) && sigismember(&p, SIGRTMIN + 1) && !sigismember(&p, SIGUSR2), "pending set differs");
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	SC_CHECK(n_usr1 == 1, "SIGUSR1 delivered %d times", n_usr1);
	SC_CHECK(n_rt == 3, "SIGRTMIN+1 delivered %d times, expected 3", n_rt);
	for (int i = 0; i < 3; i++)
		SC_CHECK(vals[i] == 101 + i && codes[i] == SI_QUEUE && pids[i] == getpid(),
			 "SIGRTMIN+1 #%d: value %d code %d pid %d", i, vals[i], codes[i], pids[i]);
	sc_pass();
}
