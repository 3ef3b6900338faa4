/* The umask (027): same after the restore, and applied to new files. */
#include "scenario.h"

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	umask(027);
	sc_ready();
	if (sc_corrupt())
		umask(022);
	sc_wait();
	mode_t m = umask(0);
	umask(m);
	SC_CHECK(m == 027, "umask %03o, was 027", m);
	char *st = sc_line_value(sc_read_file("/proc/self/status"), "Umask:");
	SC_CHECK(st && !strcmp(st, "\t0027"), "status Umask:%s", st ? st : "(none)");
	int fd = SC_SYS(open(sc_path("umask.new"), O_CREAT | O_TRUNC | O_WRONLY, 0777));
	struct stat sb;
	fstat(fd, &sb);
	close(fd);
	SC_CHECK((sb.st_mode & 0777) == 0750, "new file mode %03o, expected 750", sb.st_mode & 0777);
	sc_pass();
}
