/* mlock'd memory (VmFlags lo) and a MAP_LOCKED region: locked again after
 * the restore, content intact. */
#include "scenario.h"
#include <sys/mman.h>

#define LEN (64 * 4096UL)

static int locked(void *p)
{
	return sc_vmflag(p, "lo");
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	unsigned char *a = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	SC_CHECK(a != MAP_FAILED, "mmap");
	sc_fill(a, LEN, 141);
	SC_SYS(mlock(a, LEN));
	unsigned char *b = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
	SC_CHECK(b != MAP_FAILED, "mmap locked: %s", strerror(errno));
	sc_fill(b, LEN, 142);
	SC_CHECK(locked(a) && locked(b), "not locked before");
	char lck[64];
	snprintf(lck, sizeof(lck), "%s", sc_line_value(sc_read_file("/proc/self/status"), "VmLck:"));
	sc_ready();
	if (sc_corrupt())
		munlock(a, LEN);
	sc_wait();
	SC_CHECK(locked(a), "mlock'd region not locked after restore");
	SC_CHECK(locked(b), "MAP_LOCKED region not locked after restore");
	char *now = sc_line_value(sc_read_file("/proc/self/status"), "VmLck:");
	SC_CHECK(now && !strcmp(now, lck), "VmLck: %s, was %s", now, lck);
	SC_CHECK(sc_verify(a, LEN, 141) < 0 && sc_verify(b, LEN, 142) < 0, "content differs");
	sc_pass();
}
