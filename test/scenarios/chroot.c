/* A chrooted process: root is a directory of the scratch area (holding a
 * marker file), the cwd is inside it. After the restore "/" must still be
 * that directory. The status file is written through a kept O_PATH
 * descriptor of its directory (sc_keep_status_dir). */
#include "scenario.h"

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	const char *r = sc_path("newroot");
	mkdir(r, 0755);
	char sub[4200];
	snprintf(sub, sizeof(sub), "%s/sub", r);
	mkdir(sub, 0755);
	char mk[4200];
	snprintf(mk, sizeof(mk), "%s/marker", r);
	int fd = SC_SYS(open(mk, O_CREAT | O_TRUNC | O_WRONLY, 0644));
	SC_CHECK(write(fd, "in-chroot", 9) == 9, "write");
	close(fd);
	struct stat rs;
	SC_SYS(stat(r, &rs));
	sc_keep_status_dir();
	SC_SYS(chroot(r));
	SC_SYS(chdir("/sub"));
	sc_ready();
	if (sc_corrupt())
		chroot("/sub");
	sc_wait();
	struct stat now;
	SC_SYS(stat("/", &now));
	SC_CHECK(now.st_ino == rs.st_ino && now.st_dev == rs.st_dev, "/ is not the chroot directory any more");
	char buf[16] = "";
	fd = open("/marker", O_RDONLY);
	SC_CHECK(fd >= 0 && read(fd, buf, 15) == 9, "/marker not readable");
	char cwd[256];
	SC_CHECK(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/sub"), "cwd %s, was /sub", cwd);
	sc_pass();
}
