/* ITIMER_REAL armed for 300 s with a 7.5 s interval: after the restore the
 * interval is exact and the remaining time is no more than before and no
 * less than before minus the time that went by (plus a margin). */
#include "scenario.h"
#include <sys/time.h>

static double tv(struct timeval t) { return t.tv_sec + t.tv_usec / 1e6; }

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	signal(SIGALRM, SIG_IGN);
	struct itimerval it = { .it_interval = { 7, 500000 }, .it_value = { 300, 0 } };
	SC_SYS(setitimer(ITIMER_REAL, &it, NULL));
	struct itimerval r0;
	getitimer(ITIMER_REAL, &r0);
	double t0 = sc_now();
	sc_ready();
	if (sc_corrupt()) {
		it.it_value.tv_sec = 100;
		setitimer(ITIMER_REAL, &it, NULL);
	}
	sc_wait();
	struct itimerval r1;
	getitimer(ITIMER_REAL, &r1);
	double elapsed = sc_now() - t0;
	SC_CHECK(r1.it_interval.tv_sec == 7 && r1.it_interval.tv_usec == 500000, "interval %ld.%06ld",
		 (long)r1.it_interval.tv_sec, (long)r1.it_interval.tv_usec);
	SC_CHECK(tv(r1.it_value) <= tv(r0.it_value) + 0.01, "remaining grew: %.3f, was %.3f", tv(r1.it_value), tv(r0.it_value));
	SC_CHECK(tv(r1.it_value) >= tv(r0.it_value) - elapsed - 1.0, "remaining %.3f < %.3f - %.3f s elapsed",
		 tv(r1.it_value), tv(r0.it_value), elapsed);
	sc_pass();
}
