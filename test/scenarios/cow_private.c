/* Private anonymous memory inherited over fork (copy-on-write): the child
 * changes half of the pages; each process must still see its own view. */
#include "scenario.h"
#include <sys/mman.h>

#define PAGES 256
#define PG 4096UL
static unsigned char *mem;

static int child(void *arg)
{
	for (int i = 0; i < PAGES; i += 2)
		sc_fill(mem + i * PG, PG, 1000 + i);
	sc_wait();
	for (int i = 0; i < PAGES; i++) {
		long off = sc_verify(mem + i * PG, PG, (i % 2 == 0) ? 1000 + i : 500 + i);
		if (off >= 0)
			sc_fail("child: page %d differs at %ld", i, off);
	}
	return 0;
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	mem = mmap(NULL, PAGES * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	SC_CHECK(mem != MAP_FAILED, "mmap");
	for (int i = 0; i < PAGES; i++)
		sc_fill(mem + i * PG, PG, 500 + i);
	struct sc_sync s;
	sc_sync_init(&s);
	pid_t c = fork();
	if (c == 0) {
		for (int i = 0; i < PAGES; i += 2)
			sc_fill(mem + i * PG, PG, 1000 + i);
		sc_sync_post(&s);
		_exit(child(NULL));
	}
	sc_sync_wait(&s, 1);
	sc_ready();
	sc_wait();
	sc_stop_child(c, "child");
	for (int i = 0; i < PAGES; i++) {
		long off = sc_verify(mem + i * PG, PG, 500 + i);
		SC_CHECK(off < 0, "parent: page %d differs at %ld", i, off);
	}
	sc_pass();
}
