/* timerfds: CLOCK_MONOTONIC armed for 100 s with a 50 s interval, a
 * CLOCK_REALTIME absolute one, a periodic 10 ms one that has expired
 * (ticks to read), a disarmed one, and one that expired once and stays armed
 * for 100 s more (one tick to read, which re-arming must not wipe). Settings
 * and remaining times within bounds after the restore; the periodic one
 * keeps ticking; the armed one still has exactly its one tick. */
#include "scenario.h"
#include <sys/timerfd.h>

static double ts(struct timespec t) { return t.tv_sec + t.tv_nsec / 1e9; }

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	int a = SC_SYS(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK));
	int b = SC_SYS(timerfd_create(CLOCK_REALTIME, 0));
	int c = SC_SYS(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
	int d = SC_SYS(timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK));
	int e = SC_SYS(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK));
	struct itimerspec ie = { .it_value = { 0, 1000000 }, .it_interval = { 100, 0 } };
	SC_SYS(timerfd_settime(e, 0, &ie, NULL));
	struct itimerspec ia = { .it_value = { 100, 0 }, .it_interval = { 50, 0 } };
	SC_SYS(timerfd_settime(a, 0, &ia, NULL));
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	struct itimerspec ib = { .it_value = { now.tv_sec + 500, 0 } };
	SC_SYS(timerfd_settime(b, TFD_TIMER_ABSTIME, &ib, NULL));
	struct itimerspec ic = { .it_value = { 0, 10000000 }, .it_interval = { 0, 10000000 } };
	SC_SYS(timerfd_settime(c, 0, &ic, NULL));
	sc_msleep(50);
	struct itimerspec ra, rb;
	timerfd_gettime(a, &ra);
	timerfd_gettime(b, &rb);
	double t0 = sc_now();
	sc_ready();
	if (sc_corrupt())
		timerfd_settime(a, 0, &ia, NULL), sc_msleep(1), timerfd_settime(d, 0, &ia, NULL);
	sc_wait();
	double el = sc_now() - t0;
	struct itimerspec x;
	timerfd_gettime(a, &x);
	SC_CHECK(x.it_interval.tv_sec == 50 && x.it_interval.tv_nsec == 0, "interval changed");
	SC_CHECK(ts(x.it_value) <= ts(ra.it_value) && ts(x.it_value) >= ts(ra.it_value) - el - 1,
		 "monotonic remaining %.3f, was %.3f (%.3f s elapsed)", ts(x.it_value), ts(ra.it_value), el);
	timerfd_gettime(b, &x);
	SC_CHECK(ts(x.it_value) <= ts(rb.it_value) + 0.01 && ts(x.it_value) >= ts(rb.it_value) - el - 1,
		 "realtime remaining %.3f, was %.3f", ts(x.it_value), ts(rb.it_value));
	timerfd_gettime(d, &x);
	SC_CHECK(x.it_value.tv_sec == 0 && x.it_value.tv_nsec == 0, "disarmed timerfd is armed");
	uint64_t ticks = 0;
	SC_CHECK(read(c, &ticks, 8) == 8 && ticks >= 1, "periodic timerfd: no ticks");
	sc_msleep(30);
	SC_CHECK(read(c, &ticks, 8) == 8 && ticks >= 1, "periodic timerfd stopped after restore");
	SC_CHECK(fcntl(c, F_GETFD) == FD_CLOEXEC && (fcntl(c, F_GETFL) & O_NONBLOCK), "flags lost");
	SC_CHECK(read(a, &ticks, 8) == -1 && errno == EAGAIN, "100 s timer fired");
	ticks = 0;
	SC_CHECK(read(e, &ticks, 8) == 8 && ticks == 1, "armed timerfd: %llu ticks to read, was 1",
		 (unsigned long long)ticks);
	sc_pass();
}
