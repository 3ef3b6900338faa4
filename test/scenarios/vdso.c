/* The vDSO: after the restore the [vdso] must be where the auxv says
 * (AT_SYSINFO_EHDR), and the vDSO clocks must agree with the same clocks
 * read by real syscalls (a stale vvar page would freeze or skew them). */
#include "scenario.h"
#include <sys/auxv.h>
#include <sys/time.h>

static int64_t sys_ns(clockid_t c)
{
	struct timespec ts;
	syscall(SYS_clock_gettime, c, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void check_clocks(const char *when)
{
	clockid_t clks[] = { CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_BOOTTIME, CLOCK_MONOTONIC_RAW };
	for (int i = 0; i < 4; i++) {
		int64_t a = sys_ns(clks[i]);
		int64_t v = sc_ns(clks[i]);     /* glibc goes through the vDSO */
		int64_t b = sys_ns(clks[i]);
		SC_CHECK(v >= a - 1000000 && v <= b + 1000000, "%s: clock %d via vDSO %ld not within syscall readings [%ld, %ld]",
			 when, clks[i], (long)v, (long)a, (long)b);
	}
	struct timeval tv;
	gettimeofday(&tv, NULL);
	time_t t = time(NULL);
	time_t st = syscall(SYS_time, NULL);
	SC_CHECK(labs(tv.tv_sec - st) <= 1 && labs(t - st) <= 1, "%s: gettimeofday/time disagree with the syscall", when);
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	unsigned long ehdr = getauxval(AT_SYSINFO_EHDR);
	SC_CHECK(ehdr, "no AT_SYSINFO_EHDR");
	check_clocks("before");
	int64_t t0 = sc_ns(CLOCK_MONOTONIC);
	sc_ready();
	sc_wait();
	char *maps = sc_read_file("/proc/self/maps");
	char want[64];
	snprintf(want, sizeof(want), "%lx-", ehdr);
	char *p = strstr(maps, want);
	SC_CHECK(p, "nothing mapped at AT_SYSINFO_EHDR %lx", ehdr);
	char *e = strchr(p, '\n');
	SC_CHECK(memmem(p, e - p, "[vdso]", 6), "mapping at %lx is not [vdso]: %.*s", ehdr, (int)(e - p), p);
	SC_CHECK(memcmp((void *)ehdr, "\177ELF", 4) == 0, "no ELF header at the vDSO address");
	check_clocks("after");
	int64_t t1 = sc_ns(CLOCK_MONOTONIC);
	SC_CHECK(t1 > t0, "monotonic clock went back: %ld -> %ld", (long)t0, (long)t1);
	sc_msleep(20);
	int64_t t2 = sc_ns(CLOCK_MONOTONIC);
	SC_CHECK(t2 - t1 >= 19000000, "vDSO monotonic clock does not advance (%ld ns in 20 ms)", (long)(t2 - t1));
	sc_pass();
}
