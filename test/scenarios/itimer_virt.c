/* ITIMER_VIRTUAL and ITIMER_PROF (CPU-time timers) armed for 100 s and
 * 200 s with intervals: intervals exact, remaining times never larger and
 * only a little smaller (the process hardly uses CPU). */
#include "scenario.h"
#include <sys/time.h>

static double tv(struct timeval t) { return t.tv_sec + t.tv_usec / 1e6; }

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	signal(SIGVTALRM, SIG_IGN);
	signal(SIGPROF, SIG_IGN);
	struct itimerval v = { .it_interval = { 3, 0 }, .it_value = { 100, 0 } };
	struct itimerval p = { .it_interval = { 0, 250000 }, .it_value = { 200, 0 } };
	SC_SYS(setitimer(ITIMER_VIRTUAL, &v, NULL));
	SC_SYS(setitimer(ITIMER_PROF, &p, NULL));
	struct itimerval v0, p0;
	double end = sc_now() + 3;
	do {   /* use a little CPU until both timers have moved */
		for (volatile int i = 0; i < 1000000; i++)
			;
		getitimer(ITIMER_VIRTUAL, &v0);
		getitimer(ITIMER_PROF, &p0);
	} while ((tv(v0.it_value) >= 100 || tv(p0.it_value) >= 200) && sc_now() < end);
	SC_CHECK(tv(v0.it_value) < 100 && tv(p0.it_value) < 200, "CPU timers do not run");
	sc_ready();
	if (sc_corrupt())
		setitimer(ITIMER_PROF, &p, NULL);
	sc_wait();
	struct itimerval v1, p1;
	getitimer(ITIMER_VIRTUAL, &v1);
	getitimer(ITIMER_PROF, &p1);
	SC_CHECK(v1.it_interval.tv_sec == 3 && v1.it_interval.tv_usec == 0, "virtual interval changed");
	SC_CHECK(p1.it_interval.tv_sec == 0 && p1.it_interval.tv_usec == 250000, "prof interval changed");
	SC_CHECK(tv(v1.it_value) <= tv(v0.it_value) && tv(v1.it_value) > tv(v0.it_value) - 2,
		 "virtual remaining %.6f, was %.6f", tv(v1.it_value), tv(v0.it_value));
	SC_CHECK(tv(p1.it_value) <= tv(p0.it_value) && tv(p1.it_value) > tv(p0.it_value) - 2,
		 "prof remaining %.6f, was %.6f", tv(p1.it_value), tv(p0.it_value));
	sc_pass();
}
