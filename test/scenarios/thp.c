/* A 2 MiB-aligned region with MADV_HUGEPAGE, fully touched (may be backed
 * by a transparent huge page), and a partially touched one: content and
 * the hg flag survive. */
#include "scenario.h"
#include <sys/mman.h>

#define HP (2UL << 20)

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	unsigned char *raw = mmap(NULL, 4 * HP, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	SC_CHECK(raw != MAP_FAILED, "mmap");
	unsigned char *p = (unsigned char *)(((unsigned long)raw + HP - 1) & ~(HP - 1));
	SC_SYS(madvise(p, 2 * HP, MADV_HUGEPAGE));
	sc_fill(p, HP, 121);                     /* first huge page: all of it */
	for (size_t o = 0; o < HP; o += 64 * 4096) /* second: a few small pieces */
		sc_fill(p + HP + o, 4096, 122 + o);
	sc_ready();
	if (sc_corrupt())
		p[HP - 1] ^= 1;
	sc_wait();
	SC_CHECK(sc_verify(p, HP, 121) < 0, "huge page content differs");
	for (size_t o = 0; o < HP; o += 4096) {
		if (o % (64 * 4096) == 0)
			SC_CHECK(sc_verify(p + HP + o, 4096, 122 + o) < 0, "page at +%zu differs", o);
		else
			for (size_t k = 0; k < 4096; k += 8)
				SC_CHECK(*(uint64_t *)(p + HP + o + k) == 0, "hole at +%zu not zero", o + k);
	}
	SC_CHECK(sc_vmflag(p, "hg"), "hugepage advice lost");
	sc_pass();
}
