/* User story: a Python 3 process holding about 200 MB in a dict (2 million
 * int entries and 200,000 string entries), as the child of this root.
 * After the restore the dict must be intact (length and checksums
 * computed before) and usable; see stories/dict_story.py. */
#include "scenario.h"
#include <limits.h>

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	char exe[PATH_MAX], script[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	SC_CHECK(n > 0, "readlink exe");
	exe[n] = 0;
	*strrchr(exe, '/') = 0;
	snprintf(script, sizeof(script), "%s/stories/dict_story.py", exe);
	const char *py = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
	int p[2];
	SC_SYS(pipe(p));
	pid_t c = fork();
	SC_CHECK(c >= 0, "fork");
	if (c == 0) {
		close(p[0]);
		char fd[16];
		snprintf(fd, sizeof(fd), "%d", p[1]);
		execlp(py, py, script, fd, (char *)NULL);
		sc_fail("exec %s: %s", py, strerror(errno));
	}
	close(p[1]);
	char r;
	SC_CHECK(read(p[0], &r, 1) == 1, "python child died while building the dict");
	close(p[0]);
	sc_ready();
	if (sc_corrupt()) {
		kill(c, SIGKILL);
	}
	sc_wait();
	SC_CHECK(kill(c, SIGTERM) == 0, "python child %d gone", c);
	int st = sc_waitpid(c, 30000);
	SC_CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "python child status 0x%x (see the log)", st);
	sc_pass();
}
