/* membarrier registrations of the mm: registered for private expedited
 * barriers, which fail with EPERM without the registration. After the
 * restore the registration must still be there. */
#include "scenario.h"
#include <linux/membarrier.h>

/* Linux 6.3; Debian 12's headers stop at 6.1 */
#define CMD_GET_REGISTRATIONS (1 << 9)

static long membarrier(int cmd)
{
	return syscall(SYS_membarrier, cmd, 0, 0);
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	if (!sc_corrupt())      /* the negative run never registers */
		SC_SYS(membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED));
	sc_ready();
	sc_wait();
	long regs = membarrier(CMD_GET_REGISTRATIONS);
	SC_CHECK(regs >= 0 && (regs & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED),
		 "registrations 0x%lx, want PRIVATE_EXPEDITED", regs);
	SC_CHECK(membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0,
		 "private expedited barrier: %s", strerror(errno));
	sc_pass();
}
