/* AVX-512 registers under load: a thread keeps zmm0-zmm31 and the opmask
 * registers k1-k7 loaded across sleeps and spins and verifies them after
 * every round. Passes with a note on a CPU without AVX-512F. */
#include "fpu.h"

#define LD(n) "vmovdqu64 " #n "*64(%[in]), %%zmm" #n "\n"
#define ST(n) "vmovdqu64 %%zmm" #n ", " #n "*64(%[out])\n"
#define KL(n) "kmovw 1982+" #n "*2(%[in]), %%k" #n "\n"
#define KS(n) "kmovw %%k" #n ", 1982+" #n "*2(%[out])\n"

__attribute__((target("avx512f"))) static void hold(const void *in, void *out, long rounds)
{
	asm volatile(LD(0) LD(1) LD(2) LD(3) LD(4) LD(5) LD(6) LD(7) LD(8) LD(9) LD(10) LD(11) LD(12) LD(13) LD(14) LD(15)
		     LD(16) LD(17) LD(18) LD(19) LD(20) LD(21) LD(22) LD(23) LD(24) LD(25) LD(26) LD(27) LD(28) LD(29) LD(30)
		     KL(1) KL(2) KL(3) KL(4) KL(5) KL(6) KL(7)
		     FPU_LOOP
		     ST(0) ST(1) ST(2) ST(3) ST(4) ST(5) ST(6) ST(7) ST(8) ST(9) ST(10) ST(11) ST(12) ST(13) ST(14) ST(15)
		     ST(16) ST(17) ST(18) ST(19) ST(20) ST(21) ST(22) ST(23) ST(24) ST(25) ST(26) ST(27) ST(28) ST(29) ST(30)
		     KS(1) KS(2) KS(3) KS(4) KS(5) KS(6) KS(7)
		     "vzeroupper\n"
		     : : [in] "r"(in), [out] "r"(out), [rounds] "r"(rounds), [ts] "r"(&fpu_ts)
		     : FPU_CLOBBERS, "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
		       "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",
		       "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23",
		       "xmm24", "xmm25", "xmm26", "xmm27", "xmm28", "xmm29", "xmm30", "k1", "k2", "k3", "k4", "k5", "k6", "k7");
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	if (!__builtin_cpu_supports("avx512f")) {
		sc_note("NOTE: no AVX-512F on this CPU; nothing to check");
		sc_ready();
		sc_wait();
		sc_pass();
	}
	/* zmm0-30 (31 x 64 bytes = 1984), then k1-k7 (7 x 2 bytes) */
	return fpu_main(argc, argv, hold, 1984 + 14, 1, NULL);
}
