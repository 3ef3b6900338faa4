/* PR_SET_NO_NEW_PRIVS: still set after the restore (it cannot be unset). */
#include "scenario.h"
#include <sys/prctl.h>

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	int corrupt = sc_corrupt();
	if (!corrupt)   /* the negative run simply never sets it */
		SC_SYS(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	sc_ready();
	sc_wait();
	SC_CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1, "no_new_privs lost");
	char *v = sc_line_value(sc_read_file("/proc/self/status"), "NoNewPrivs:");
	SC_CHECK(v && atoi(v) == 1, "status NoNewPrivs:%s", v ? v : "(none)");
	sc_pass();
}
