/* SSE registers under load: two threads keep xmm0-xmm15 loaded with
 * patterns across sleeps and spins and verify them after every round; the
 * MXCSR is set to round-toward-zero with flush-to-zero and must stay so. */
#include "fpu.h"

#define LD(n) "movdqu " #n "*16(%[in]), %%xmm" #n "\n"
#define ST(n) "movdqu %%xmm" #n ", " #n "*16(%[out])\n"

static void hold(const void *in, void *out, long rounds)
{
	asm volatile(LD(0) LD(1) LD(2) LD(3) LD(4) LD(5) LD(6) LD(7) LD(8) LD(9) LD(10) LD(11) LD(12) LD(13) LD(14) LD(15)
		     FPU_LOOP
		     ST(0) ST(1) ST(2) ST(3) ST(4) ST(5) ST(6) ST(7) ST(8) ST(9) ST(10) ST(11) ST(12) ST(13) ST(14) ST(15)
		     : : [in] "r"(in), [out] "r"(out), [rounds] "r"(rounds), [ts] "r"(&fpu_ts)
		     : FPU_CLOBBERS, "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
		       "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
}

#define MXCSR_WANT (0x1f80 | 0x6000 | 0x8000)   /* masks, RZ, FTZ */

static void check_mxcsr(int id, int *bad)
{
	static __thread int set;
	unsigned m;
	if (!set) {
		m = MXCSR_WANT;
		asm volatile("ldmxcsr %0" : : "m"(m));
		set = 1;
	}
	asm volatile("stmxcsr %0" : "=m"(m));
	if ((m & ~0x3fu) != MXCSR_WANT)
		*bad = 1;
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	fpu_extra_check = check_mxcsr;
	return fpu_main(argc, argv, hold, 16 * 16, 2, NULL);
}
