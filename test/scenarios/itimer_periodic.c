/* A periodic ITIMER_REAL (20 ms): SIGALRM keeps arriving after the
 * restore, and the handler still runs. */
#include "scenario.h"
#include <sys/time.h>

static volatile int ticks;
static void on_alrm(int s) { ticks++; }

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alrm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { .it_interval = { 0, 20000 }, .it_value = { 0, 20000 } };
	SC_SYS(setitimer(ITIMER_REAL, &it, NULL));
	while (ticks < 3)
		sc_msleep(5);
	sc_ready();
	if (sc_corrupt()) {
		struct itimerval off = { 0 };
		setitimer(ITIMER_REAL, &off, NULL);
	}
	sc_wait();
	int at = ticks;
	double end = sc_now() + 3;
	while (ticks < at + 5 && sc_now() < end)
		sc_msleep(5);
	SC_CHECK(ticks >= at + 5, "SIGALRM stopped: %d ticks in 3 s after restore", ticks - at);
	struct itimerval r;
	getitimer(ITIMER_REAL, &r);
	SC_CHECK(r.it_interval.tv_sec == 0 && r.it_interval.tv_usec == 20000, "interval changed");
	sc_pass();
}
