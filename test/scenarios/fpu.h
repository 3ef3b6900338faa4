/* Shared body of the register scenarios (not a scenario: no .c).
 * Worker threads call hold(in, out, rounds): an asm loop that loads
 * registers from in, keeps them through `rounds` nanosleep syscalls and
 * spins, and stores them to out. The values live only in registers while
 * the task is checkpointed, so the restore must bring back the xsave area. */
#include "scenario.h"
#include <pthread.h>

#define FPU_BYTES 2048
typedef void (*hold_fn)(const void *in, void *out, long rounds);

static const struct timespec fpu_ts = { 0, 1000000 };  /* 1 ms per round */
static hold_fn fpu_hold;
static size_t fpu_len;
static volatile int fpu_stop;
static volatile uint64_t fpu_rounds[8];
static volatile uint64_t fpu_bad[8];
static volatile int fpu_corrupt_flag;
static void (*fpu_extra_check)(int id, int *bad);

static void *fpu_worker(void *arg)
{
	int id = (int)(long)arg;
	static __thread unsigned char in[FPU_BYTES] __attribute__((aligned(64)));
	static __thread unsigned char out[FPU_BYTES] __attribute__((aligned(64)));
	for (uint64_t r = 1; !fpu_stop; r++) {
		sc_fill(in, fpu_len, (id << 20) + r);
		memset(out, 0, fpu_len);
		fpu_hold(in, out, 20);
		int bad = memcmp(in, out, fpu_len) != 0;
		if (fpu_extra_check)
			fpu_extra_check(id, &bad);
		if (fpu_corrupt_flag && id == 0) {
			bad = 1;
			fpu_corrupt_flag = 0;
		}
		if (bad)
			fpu_bad[id]++;
		fpu_rounds[id] = r;
	}
	return NULL;
}

static int fpu_main(int argc, char **argv, hold_fn hold, size_t len, int nthreads, void (*setup)(void))
{
	fpu_hold = hold;
	fpu_len = len;
	pthread_t th[8];
	for (int i = 0; i < nthreads; i++)
		SC_CHECK(!pthread_create(&th[i], NULL, fpu_worker, (void *)(long)i), "pthread_create");
	for (int i = 0; i < nthreads; i++)
		while (fpu_rounds[i] < 2)
			sc_msleep(1);
	sc_ready();
	if (sc_corrupt())
		fpu_corrupt_flag = 1;
	sc_wait();
	uint64_t at[8];
	for (int i = 0; i < nthreads; i++)
		at[i] = fpu_rounds[i];
	double end = sc_now() + 5;
	for (int i = 0; i < nthreads; i++)
		while (fpu_rounds[i] < at[i] + 2) {
			SC_CHECK(sc_now() < end, "thread %d makes no progress after restore", i);
			sc_msleep(5);
		}
	fpu_stop = 1;
	for (int i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < nthreads; i++)
		SC_CHECK(fpu_bad[i] == 0, "thread %d: registers changed in %lu of %lu rounds", i,
			 (unsigned long)fpu_bad[i], (unsigned long)fpu_rounds[i]);
	(void)setup;
	sc_pass();
}

/* the common loop: rounds x (nanosleep 1 ms; spin) with r12 as the counter */
#define FPU_LOOP \
	"mov %[rounds], %%r12\n" \
	"1:\n" \
	"mov $35, %%eax\n" \
	"mov %[ts], %%rdi\n" \
	"xor %%esi, %%esi\n" \
	"syscall\n" \
	"mov $3000, %%ecx\n" \
	"2: pause\n" \
	"dec %%ecx\n" \
	"jnz 2b\n" \
	"dec %%r12\n" \
	"jnz 1b\n"
#define FPU_CLOBBERS "rax", "rcx", "rsi", "rdi", "r11", "r12", "memory", "cc"
