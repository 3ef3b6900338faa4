/* The heap: grown with sbrk by 8 MiB (pattern), shrunk a little; after the
 * restore the break is the same, the content is intact, and the heap can
 * grow further. */
#include "scenario.h"

#define GROW (8 << 20)

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	char *start = sbrk(0);
	char *p = sbrk(GROW);
	SC_CHECK(p != (void *)-1, "sbrk: %s", strerror(errno));
	sc_fill(p, GROW, 81);
	SC_CHECK(sbrk(-4096) != (void *)-1, "sbrk shrink");
	char *brk0 = sbrk(0);
	sc_ready();
	if (sc_corrupt())
		p[GROW / 2] ^= 1;
	sc_wait();
	SC_CHECK(sbrk(0) == brk0, "break moved: %p, was %p", sbrk(0), (void *)brk0);
	long off = sc_verify(p, GROW - 4096, 81);
	SC_CHECK(off < 0, "heap differs at %ld", off);
	char *q = sbrk(1 << 20);
	SC_CHECK(q == brk0, "heap cannot grow after restore (%p, %s)", (void *)q, strerror(errno));
	memset(q, 0x5a, 1 << 20);
	char *maps = sc_read_file("/proc/self/maps");
	SC_CHECK(strstr(maps, "[heap]"), "no [heap] in maps");
	(void)start;
	sc_pass();
}
