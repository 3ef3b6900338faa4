/* Stack growth: recursion about 2 MiB deep, every frame holding a pattern;
 * the program waits at the bottom, then checks every frame on the way up. */
#include "scenario.h"

#define DEPTH 512
#define FRAME 4000

static unsigned long lowest;

static long recurse(int level)
{
	volatile unsigned char frame[FRAME];
	sc_fill((void *)frame, FRAME, 7000 + level);
	lowest = (unsigned long)frame;
	long bad = -1;
	if (level < DEPTH) {
		bad = recurse(level + 1);
	} else {
		sc_ready();
		if (sc_corrupt())
			frame[10] ^= 1;
		sc_wait();
	}
	if (bad >= 0)
		return bad;
	if (sc_verify((void *)frame, FRAME, 7000 + level) >= 0)
		return level;
	return -1;
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	long bad = recurse(0);
	SC_CHECK(bad < 0, "frame at level %ld differs", bad);
	/* the grown stack vma still covers the deepest frame */
	char *maps = sc_read_file("/proc/self/maps");
	char *p = strstr(maps, "[stack]");
	SC_CHECK(p, "no [stack] in maps");
	while (p > maps && p[-1] != '\n')
		p--;
	unsigned long lo = strtoul(p, NULL, 16);
	SC_CHECK(lo <= lowest, "[stack] starts at %lx, above the deepest frame %lx", lo, lowest);
	sc_pass();
}
