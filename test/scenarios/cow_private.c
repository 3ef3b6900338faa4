/* Private anonymous memory inherited over fork (copy-on-write): the child
 * changes half of the pages; each process must still see its own view, and
 * the pages the child left alone must still be shared with the parent (the
 * same physical page in both: /proc/PID/pagemap shows frame numbers to root). */
#include "scenario.h"
#include <fcntl.h>
#include <sys/mman.h>

#define PAGES 256
#define PG 4096UL
static unsigned char *mem;

/* The page frame behind address a of process pid, 0 if not present. */
static uint64_t pfn(pid_t pid, const void *a)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	int fd = open(path, O_RDONLY);
	SC_CHECK(fd >= 0, "open %s", path);
	uint64_t e = 0;
	SC_CHECK(pread(fd, &e, 8, (off_t)((uintptr_t)a / PG) * 8) == 8, "read %s", path);
	close(fd);
	return (e >> 63) ? (e & ((1ULL << 55) - 1)) : 0;
}

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
	pid_t parent = getppid();
	for (int i = 0; i < PAGES; i++) {
		uint64_t mine = pfn(getpid(), mem + i * PG), theirs = pfn(parent, mem + i * PG);
		SC_CHECK(mine != 0 && theirs != 0, "page %d: no frame number (present %d/%d; not root?)", i, mine != 0, theirs != 0);
		if (i % 2 == 1)
			SC_CHECK(mine == theirs, "page %d: no longer shared with the parent (frames %#lx, %#lx)", i,
				 (unsigned long)mine, (unsigned long)theirs);
		else
			SC_CHECK(mine != theirs, "page %d: changed by the child but shared with the parent", i);
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
