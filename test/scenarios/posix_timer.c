/* POSIX timers: a long one-shot on CLOCK_MONOTONIC, an absolute one on
 * CLOCK_REALTIME, a periodic 20 ms one delivering SIGRTMIN+3 with a value,
 * a disarmed one and a SIGEV_NONE one. Same ids and /proc/self/timers,
 * remaining times within bounds, and the periodic one still delivering its
 * value after the restore. */
#include "scenario.h"

static volatile int ticks, bad_value;
static void on_rt(int s, siginfo_t *si, void *uc)
{
	if (si->si_value.sival_int != 42 || si->si_code != SI_TIMER)
		bad_value++;
	ticks++;
}

static double rem(timer_t t)
{
	struct itimerspec v;
	if (timer_gettime(t, &v))
		sc_fail("timer_gettime %p: %s", t, strerror(errno));
	return v.it_value.tv_sec + v.it_value.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_rt;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGRTMIN + 3, &sa, NULL);
	signal(SIGRTMIN + 2, SIG_IGN);
	timer_t t[5];
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGRTMIN + 2;
	ev.sigev_value.sival_int = 7;
	SC_SYS(timer_create(CLOCK_MONOTONIC, &ev, &t[0]));
	SC_SYS(timer_create(CLOCK_REALTIME, &ev, &t[1]));
	ev.sigev_signo = SIGRTMIN + 3;
	ev.sigev_value.sival_int = 42;
	SC_SYS(timer_create(CLOCK_MONOTONIC, &ev, &t[2]));
	ev.sigev_signo = SIGRTMIN + 2;
	SC_SYS(timer_create(CLOCK_BOOTTIME, &ev, &t[3]));
	ev.sigev_notify = SIGEV_NONE;
	SC_SYS(timer_create(CLOCK_MONOTONIC, &ev, &t[4]));
	struct itimerspec a = { .it_value = { 600, 0 } };
	SC_SYS(timer_settime(t[0], 0, &a, NULL));
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	struct itimerspec b = { .it_value = { now.tv_sec + 1000, 0 } };
	SC_SYS(timer_settime(t[1], TIMER_ABSTIME, &b, NULL));
	struct itimerspec c = { .it_value = { 0, 20000000 }, .it_interval = { 0, 20000000 } };
	SC_SYS(timer_settime(t[2], 0, &c, NULL));
	struct itimerspec e = { .it_value = { 500, 0 }, .it_interval = { 1, 0 } };
	SC_SYS(timer_settime(t[4], 0, &e, NULL));
	while (ticks < 3)
		sc_msleep(5);
	static char timers[4096];
	snprintf(timers, sizeof(timers), "%s", sc_read_file("/proc/self/timers"));
	double r0 = rem(t[0]), r1 = rem(t[1]), r4 = rem(t[4]);
	double t0 = sc_now();
	sc_ready();
	if (sc_corrupt())
		timer_delete(t[3]);
	sc_wait();
	double el = sc_now() - t0;
	char *tnow = sc_read_file("/proc/self/timers");
	SC_CHECK(!strcmp(timers, tnow), "/proc/self/timers differs:\n%s\nwas:\n%s", tnow, timers);
	double x = rem(t[0]);
	SC_CHECK(x <= r0 && x >= r0 - el - 1, "monotonic timer remaining %.3f, was %.3f (%.3f s elapsed)", x, r0, el);
	x = rem(t[1]);
	SC_CHECK(x <= r1 + 0.01 && x >= r1 - el - 1, "absolute realtime timer remaining %.3f, was %.3f", x, r1);
	x = rem(t[4]);
	SC_CHECK(x <= r4 && x >= r4 - el - 1, "SIGEV_NONE timer remaining %.3f, was %.3f", x, r4);
	SC_CHECK(rem(t[3]) == 0, "disarmed timer is armed");
	struct itimerspec ci;
	timer_gettime(t[2], &ci);
	SC_CHECK(ci.it_interval.tv_sec == 0 && ci.it_interval.tv_nsec == 20000000, "periodic interval changed");
	int at = ticks;
	double end = sc_now() + 3;
	while (ticks < at + 5 && sc_now() < end)
		sc_msleep(5);
	SC_CHECK(ticks >= at + 5, "periodic timer stopped: %d ticks in 3 s", ticks - at);
	SC_CHECK(!bad_value, "periodic timer delivered a wrong value or code");
	SC_CHECK(timer_getoverrun(t[2]) >= 0, "timer_getoverrun");
	sc_pass();
}
