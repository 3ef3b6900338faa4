/* Shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS) between a parent and
 * its child: the pattern survives, and after the restore a write by one
 * process is still seen by the other (the mapping is shared again, not two
 * copies). */
#include "scenario.h"
#include <sys/mman.h>

#define LEN (64 * 4096UL)
static volatile unsigned char *shm;

static int child(void *arg)
{
	sc_wait();
	long off = sc_verify((void *)shm, LEN - 4096, 21);
	if (off >= 0)
		sc_fail("child: pattern differs at %ld", off);
	/* answer the parent's token through the shared page */
	uint64_t tok = *(volatile uint64_t *)(shm + LEN - 4096);
	*(volatile uint64_t *)(shm + LEN - 2048) = tok ^ 0xabcdefULL;
	return 0;
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	shm = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	SC_CHECK(shm != MAP_FAILED, "mmap: %s", strerror(errno));
	sc_fill((void *)shm, LEN - 4096, 21);
	pid_t c = sc_fork(child, NULL);
	sc_ready();
	if (sc_corrupt())
		shm[100] ^= 0xff;
	sc_wait();
	uint64_t tok = (uint64_t)sc_ns(CLOCK_MONOTONIC) | 1;
	*(volatile uint64_t *)(shm + LEN - 4096) = tok;
	sc_stop_child(c, "child");
	uint64_t ans = *(volatile uint64_t *)(shm + LEN - 2048);
	SC_CHECK(ans == (tok ^ 0xabcdefULL), "child's write not seen by parent: mapping no longer shared");
	long off = sc_verify((void *)shm, LEN - 4096, 21);
	SC_CHECK(off < 0, "parent: pattern differs at %ld", off);
	sc_pass();
}
