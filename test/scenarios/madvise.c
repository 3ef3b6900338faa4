/* madvise flags on separate regions: DONTFORK, WIPEONFORK, DONTDUMP,
 * HUGEPAGE, NOHUGEPAGE, RANDOM, SEQUENTIAL. The VmFlags of each region in
 * /proc/self/smaps must be the same after the restore, and DONTFORK and
 * WIPEONFORK must still act on a fork made after it. */
#include "scenario.h"
#include <sys/mman.h>

#define PG 4096UL
#define LEN (512 * PG)

static const int advice[] = { MADV_DONTFORK, MADV_WIPEONFORK, MADV_DONTDUMP, MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_RANDOM, MADV_SEQUENTIAL };
#define N (int)(sizeof(advice) / sizeof(advice[0]))
static unsigned char *reg[N];
static char flags[N][256];

static void vmflags(unsigned char *p, char *out)
{
	if (sc_smaps_field(p, "VmFlags:", out, 256, NULL, NULL))
		sc_fail("region %p not in smaps", (void *)p);
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	for (int i = 0; i < N; i++) {
		/* a gap between regions so that they never merge */
		reg[i] = mmap(NULL, LEN + PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		SC_CHECK(reg[i] != MAP_FAILED, "mmap");
		SC_SYS(munmap(reg[i] + LEN, PG));
		SC_CHECK(madvise(reg[i], LEN, advice[i]) == 0, "madvise %d: %s", advice[i], strerror(errno));
		sc_fill(reg[i], LEN, 110 + i);
	}
	for (int i = 0; i < N; i++)
		vmflags(reg[i], flags[i]);
	sc_ready();
	if (sc_corrupt())
		madvise(reg[0], LEN, MADV_DOFORK);
	sc_wait();
	for (int i = 0; i < N; i++) {
		char now[256];
		vmflags(reg[i], now);
		SC_CHECK(!strcmp(now, flags[i]), "region %d (advice %d): '%s', was '%s'", i, advice[i], now, flags[i]);
		SC_CHECK(sc_verify(reg[i], LEN, 110 + i) < 0, "region %d content differs", i);
	}
	pid_t c = fork();
	if (c == 0) {
		/* wiped on fork: zeros; then touch the DONTFORK region: SIGSEGV */
		for (size_t k = 0; k < LEN; k += 512)
			if (reg[1][k] != 0)
				_exit(3);
		signal(SIGSEGV, SIG_DFL);
		volatile unsigned char x = reg[0][0];
		(void)x;
		_exit(4);
	}
	int st = sc_waitpid(c, 10000);
	SC_CHECK(st != 3 << 8, "WIPEONFORK region not wiped in a child forked after restore");
	SC_CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "DONTFORK region present in the child (status 0x%x)", st);
	sc_pass();
}
