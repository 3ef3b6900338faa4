/* AVX registers under load: two threads keep ymm0-ymm15 (all 256 bits)
 * loaded with patterns across sleeps and spins and verify them after every
 * round. Passes with a note on a CPU without AVX. */
#include "fpu.h"

#define LD(n) "vmovdqu " #n "*32(%[in]), %%ymm" #n "\n"
#define ST(n) "vmovdqu %%ymm" #n ", " #n "*32(%[out])\n"

static void hold(const void *in, void *out, long rounds)
{
	asm volatile(LD(0) LD(1) LD(2) LD(3) LD(4) LD(5) LD(6) LD(7) LD(8) LD(9) LD(10) LD(11) LD(12) LD(13) LD(14) LD(15)
		     FPU_LOOP
		     ST(0) ST(1) ST(2) ST(3) ST(4) ST(5) ST(6) ST(7) ST(8) ST(9) ST(10) ST(11) ST(12) ST(13) ST(14) ST(15)
		     "vzeroupper\n"
		     : : [in] "r"(in), [out] "r"(out), [rounds] "r"(rounds), [ts] "r"(&fpu_ts)
		     : FPU_CLOBBERS, "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
		       "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	if (!__builtin_cpu_supports("avx")) {
		sc_note("NOTE: no AVX on this CPU; nothing to check");
		sc_ready();
		sc_wait();
		sc_pass();
	}
	return fpu_main(argc, argv, hold, 16 * 32, 2, NULL);
}
