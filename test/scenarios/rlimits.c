/* Resource limits lowered to unusual values (soft and hard): every limit
 * reads back the same after the restore, and RLIMIT_NOFILE still acts. */
#include "scenario.h"
#include <sys/resource.h>

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	struct { int res; rlim_t soft, hard; } set[] = {
		{ RLIMIT_NOFILE, 123, 456 },
		{ RLIMIT_CORE, 0, 1 << 20 },
		{ RLIMIT_STACK, 6 << 20, 60 << 20 },
		{ RLIMIT_CPU, 3600, 7200 },
		{ RLIMIT_MSGQUEUE, 4096, 8192 },
		{ RLIMIT_NICE, 3, 5 },
		{ RLIMIT_SIGPENDING, 1000, 2000 },
		{ RLIMIT_FSIZE, 1 << 30, RLIM_INFINITY },
	};
	int n = sizeof(set) / sizeof(set[0]);
	for (int i = 0; i < n; i++) {
		struct rlimit cur, rl = { set[i].soft, set[i].hard };
		getrlimit(set[i].res, &cur);
		if (cur.rlim_max != RLIM_INFINITY && rl.rlim_max > cur.rlim_max)
			rl.rlim_max = cur.rlim_max;
		if (rl.rlim_cur > rl.rlim_max)
			rl.rlim_cur = rl.rlim_max;
		SC_CHECK(setrlimit(set[i].res, &rl) == 0, "setrlimit %d: %s", set[i].res, strerror(errno));
	}
	static struct rlimit before[RLIM_NLIMITS];
	for (int r = 0; r < RLIM_NLIMITS; r++)
		getrlimit(r, &before[r]);
	sc_ready();
	if (sc_corrupt()) {
		struct rlimit rl = { 100, 456 };
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	sc_wait();
	for (int r = 0; r < RLIM_NLIMITS; r++) {
		struct rlimit now;
		getrlimit(r, &now);
		SC_CHECK(now.rlim_cur == before[r].rlim_cur && now.rlim_max == before[r].rlim_max,
			 "limit %d: %llu/%llu, was %llu/%llu", r, (unsigned long long)now.rlim_cur, (unsigned long long)now.rlim_max,
			 (unsigned long long)before[r].rlim_cur, (unsigned long long)before[r].rlim_max);
	}
	SC_CHECK(dup2(0, 200) == -1 && errno == EBADF, "RLIMIT_NOFILE 123 not enforced");
	sc_pass();
}
