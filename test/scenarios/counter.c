/* A counting loop: two counters advance in lockstep (b == 3*a + 7); after
 * the restore the loop must have gone on from where it was. */
#include "scenario.h"

static volatile uint64_t a, b = 7;

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	sc_unblock_term();
	uint64_t at_ready = 0;
	int ready = 0;
	double t0 = sc_now();
	while (!sc_term) {
		for (int i = 0; i < 1000; i++) {
			a = a + 1;
			b = b + 3;
		}
		if (!ready && sc_now() - t0 > 0.05) {
			at_ready = a;
			ready = 1;
			sc_ready();
			if (sc_corrupt())
				b = b + 1;
		}
		sc_msleep(1);
	}
	SC_CHECK(ready, "SIGTERM before READY");
	SC_CHECK(b == 3 * a + 7, "counters out of step: a=%lu b=%lu", (unsigned long)a, (unsigned long)b);
	SC_CHECK(a > at_ready, "counter did not advance: %lu at READY, %lu now", (unsigned long)at_ready, (unsigned long)a);
	sc_pass();
}
