/* Signal dispositions: handlers with SA_SIGINFO, SA_RESTART, SA_NODEFER,
 * SA_RESETHAND, SA_ONSTACK, SA_NOCLDSTOP, handler masks, SIG_IGN. Every
 * disposition (1..64) must read back the same, and the handlers must run
 * with the right siginfo after the restore. */
#include "scenario.h"

static volatile int usr1_count, usr1_value, usr1_code, usr2_count;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	usr1_count++;
	usr1_value = si->si_value.sival_int;
	usr1_code = si->si_code;
}

static void on_usr2(int sig)
{
	usr2_count++;
}

static void on_rt(int sig, siginfo_t *si, void *uc) {}

static struct sigaction before[65];

static void snap(struct sigaction *sa)
{
	for (int s = 1; s <= 64; s++)
		if (s != SIGKILL && s != SIGSTOP)
			sigaction(s, NULL, &sa[s]);
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sigaddset(&sa.sa_mask, SIGRTMIN + 3);
	SC_SYS(sigaction(SIGUSR1, &sa, NULL));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2;
	sa.sa_flags = SA_NODEFER | SA_RESETHAND;
	SC_SYS(sigaction(SIGUSR2, &sa, NULL));
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_rt;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
	sigfillset(&sa.sa_mask);
	SC_SYS(sigaction(SIGRTMIN + 5, &sa, NULL));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = SA_NOCLDSTOP;
	SC_SYS(sigaction(SIGCHLD, &sa, NULL));
	snap(before);
	sc_ready();
	if (sc_corrupt())
		signal(SIGPIPE, SIG_DFL);
	sc_wait();
	static struct sigaction after[65];
	snap(after);
	for (int s = 1; s <= 64; s++) {
		if (s == SIGKILL || s == SIGSTOP)
			continue;
		SC_CHECK(before[s].sa_handler == after[s].sa_handler, "signal %d: handler %p, was %p", s,
			 (void *)after[s].sa_handler, (void *)before[s].sa_handler);
		SC_CHECK(before[s].sa_flags == after[s].sa_flags, "signal %d: flags %#x, was %#x", s, after[s].sa_flags, before[s].sa_flags);
		SC_CHECK(!memcmp(&before[s].sa_mask, &after[s].sa_mask, 8), "signal %d: handler mask differs", s);
	}
	union sigval v = { .sival_int = 4242 };
	SC_SYS(sigqueue(getpid(), SIGUSR1, v));
	SC_CHECK(usr1_count == 1 && usr1_value == 4242 && usr1_code == SI_QUEUE,
		 "SIGUSR1 handler: count %d value %d code %d", usr1_count, usr1_value, usr1_code);
	raise(SIGUSR2);
	SC_CHECK(usr2_count == 1, "SIGUSR2 handler did not run");
	sigaction(SIGUSR2, NULL, &sa);
	SC_CHECK(sa.sa_handler == SIG_DFL, "SA_RESETHAND did not reset SIGUSR2");
	sc_pass();
}
