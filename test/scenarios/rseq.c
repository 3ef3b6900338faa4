/* Restartable sequences: glibc registers an rseq area per thread. After
 * the restore the kernel must still update it (a stale cpu_id is detected
 * by writing a bogus value and sleeping) and the registration must still
 * be in place (registering again must fail with EBUSY). */
#include "scenario.h"
#include <sys/rseq.h>
#include <sched.h>

#define SIG 0x53053053

static struct rseq *area(void)
{
	return (struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
}

static void check(const char *when)
{
	volatile struct rseq *r = area();
	r->cpu_id = 0x7fff0000;
	for (int i = 0; i < 50 && r->cpu_id == 0x7fff0000; i++)
		sc_msleep(2);
	SC_CHECK(r->cpu_id != 0x7fff0000, "%s: kernel no longer updates rseq cpu_id: not registered", when);
	unsigned cpu;
	for (int i = 0; i < 100; i++) {
		syscall(SYS_getcpu, &cpu, NULL, NULL);
		if (cpu == r->cpu_id)
			break;
	}
	SC_CHECK(cpu == r->cpu_id, "%s: rseq cpu_id %u, getcpu %u", when, r->cpu_id, cpu);
	/* glibc registers 32 bytes while __rseq_size may say less */
	unsigned lens[] = { __rseq_size, 32, sizeof(struct rseq) };
	int busy = 0;
	for (int i = 0; i < 3 && !busy; i++) {
		long ret = syscall(SYS_rseq, area(), lens[i], 0, SIG);
		SC_CHECK(ret == -1, "%s: registering again succeeded: rseq was not registered", when);
		busy = errno == EBUSY;
	}
	SC_CHECK(busy, "%s: registering again did not fail with EBUSY", when);
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	if (__rseq_size == 0) {
		sc_note("NOTE: glibc did not register rseq; nothing to check");
		sc_ready();
		sc_wait();
		sc_pass();
	}
	check("before");
	sc_ready();
	if (sc_corrupt())
		for (unsigned len = 20; len <= 64; len += 4)
			syscall(SYS_rseq, area(), len, 1 /* RSEQ_FLAG_UNREGISTER */, SIG);
	sc_wait();
	check("after");
	sc_pass();
}
