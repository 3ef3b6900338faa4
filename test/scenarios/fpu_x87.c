/* x87 FPU under load: two threads keep eight values on the x87 register
 * stack, with a non-default control word (53-bit precision, round toward
 * zero), across sleeps and spins; values and control word must survive. */
#include "fpu.h"

static void hold(const void *in, void *out, long rounds)
{
	const uint64_t *i64 = in;
	uint64_t *o64 = out;
	long double v[8], w[8];
	for (int i = 0; i < 8; i++)
		v[i] = (long double)(i64[i] >> 11);      /* exact 53-bit integers */
	unsigned short cw = 0x0e7f, cw_after = 0;
	asm volatile("fldcw %[cw]\n"
		     "fldt 0(%[v])\n fldt 16(%[v])\n fldt 32(%[v])\n fldt 48(%[v])\n"
		     "fldt 64(%[v])\n fldt 80(%[v])\n fldt 96(%[v])\n fldt 112(%[v])\n"
		     FPU_LOOP
		     "fstpt 0(%[w])\n fstpt 16(%[w])\n fstpt 32(%[w])\n fstpt 48(%[w])\n"
		     "fstpt 64(%[w])\n fstpt 80(%[w])\n fstpt 96(%[w])\n fstpt 112(%[w])\n"
		     "fnstcw %[cwa]\n"
		     "fninit\n"
		     : [cwa] "=m"(cw_after)
		     : [cw] "m"(cw), [v] "r"(v), [w] "r"(w), [rounds] "r"(rounds), [ts] "r"(&fpu_ts)
		     : FPU_CLOBBERS, "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)");
	for (int i = 0; i < 8; i++)
		o64[i] = ((uint64_t)w[7 - i] << 11) | (i64[i] & 0x7ff);
	if (cw_after != cw)
		o64[0] ^= 1;
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	return fpu_main(argc, argv, hold, 64, 2, NULL);
}
