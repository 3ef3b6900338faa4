/* The working directory (a nested directory in the scratch area): same
 * path after the restore, and relative paths resolve from it. The root
 * directory is / (not chrooted) and stays so. */
#include "scenario.h"
#include <limits.h>

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", sc_path("cwd"));
	mkdir(dir, 0755);
	strcat(dir, "/deep");
	mkdir(dir, 0755);
	strcat(dir, "/dir with space");
	mkdir(dir, 0755);
	SC_SYS(chdir(dir));
	int fd = SC_SYS(open("here.txt", O_CREAT | O_TRUNC | O_WRONLY, 0644));
	SC_CHECK(write(fd, "cwd-ok", 6) == 6, "write");
	close(fd);
	struct stat root0;
	stat("/", &root0);
	sc_ready();
	if (sc_corrupt())
		chdir("..");
	sc_wait();
	char now[PATH_MAX];
	SC_CHECK(getcwd(now, sizeof(now)), "getcwd: %s", strerror(errno));
	SC_CHECK(!strcmp(now, dir), "cwd %s, was %s", now, dir);
	char buf[16] = "";
	fd = open("here.txt", O_RDONLY);
	SC_CHECK(fd >= 0 && read(fd, buf, 15) == 6 && !strcmp(buf, "cwd-ok"), "relative open from cwd failed");
	char root[PATH_MAX];
	ssize_t n = readlink("/proc/self/root", root, sizeof(root) - 1);
	SC_CHECK(n == 1 && root[0] == '/', "root is not /");
	struct stat r;
	stat("/", &r);
	SC_CHECK(r.st_ino == root0.st_ino && r.st_dev == root0.st_dev, "/ is another directory");
	sc_pass();
}
