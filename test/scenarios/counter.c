/* A counting loop: two counters advance in lockstep (b == 3*a + 7); after
 * the restore they must be in step, not behind their value at READY, and
 * go on counting. */
#include "scenario.h"

static volatile uint64_t a, b = 7;

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	uint64_t at_ready = 0;
	int ready = 0;
	double t0 = sc_now();
	while (!sc_check_term()) {
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
	SC_CHECK(a >= at_ready, "counter went back: %lu at READY, %lu now", (unsigned long)at_ready, (unsigned long)a);
	/* and it goes on counting from there */
	uint64_t at_term = a;
	for (int k = 0; k < 10; k++) {
		for (int i = 0; i < 1000; i++) {
			a = a + 1;
			b = b + 3;
		}
		sc_msleep(1);
	}
	SC_CHECK(a == at_term + 10000 && b == 3 * a + 7, "counting after SIGTERM: a=%lu b=%lu", (unsigned long)a, (unsigned long)b);
	sc_pass();
}
