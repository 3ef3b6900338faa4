/* Capability helpers (raw capget/capset, no libcap). Not a scenario. */
#include "scenario.h"
#include <linux/capability.h>

static void caps_set(uint64_t eff, uint64_t prm, uint64_t inh)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = {
		{ (uint32_t)eff, (uint32_t)prm, (uint32_t)inh },
		{ (uint32_t)(eff >> 32), (uint32_t)(prm >> 32), (uint32_t)(inh >> 32) },
	};
	if (syscall(SYS_capset, &h, d))
		sc_fail("capset: %s", strerror(errno));
}

#define CAP(x) (1ULL << (x))

/* the Uid/Gid/Groups/Cap* lines of /proc/self/status, joined */
static void creds_snapshot(char *out, size_t n)
{
	const char *keys[] = { "Uid:", "Gid:", "Groups:", "CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:" };
	char *st = sc_read_file("/proc/self/status");
	out[0] = 0;
	for (unsigned i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char *v = sc_line_value(st, keys[i]);
		snprintf(out + strlen(out), n - strlen(out), "%s%s\n", keys[i], v ? v : "(none)");
	}
}
