/* User story: a JVM running a thread pool (four workers updating a shared
 * map and counter, fed continuously), as the child of this root. After the
 * restore the work must have gone on consistently and the pool must still
 * run new tasks; see stories/ThreadPoolStory.java. The JVM runs with
 * -XX:-UsePerfData (no hsperfdata file to lose). */
#include "scenario.h"
#include <limits.h>

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	char exe[PATH_MAX], cp[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	SC_CHECK(n > 0, "readlink exe");
	exe[n] = 0;
	*strrchr(exe, '/') = 0;
	snprintf(cp, sizeof(cp), "%s/stories", exe);
	const char *ready = sc_path("jvm-ready");
	unlink(ready);
	pid_t c = fork();
	SC_CHECK(c >= 0, "fork");
	if (c == 0) {
		/* the JVM handles SIGTERM itself (shutdown hook): unblock it */
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, SIGTERM);
		sigprocmask(SIG_UNBLOCK, &s, NULL);
		execlp("java", "java", "-XX:-UsePerfData", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
		       "-Xmx64m", "-cp", cp, "ThreadPoolStory", ready, (char *)NULL);
		sc_fail("exec java: %s", strerror(errno));
	}
	double end = sc_now() + 9;
	while (access(ready, F_OK) != 0) {
		SC_CHECK(sc_now() < end, "JVM not ready within 9 s");
		SC_CHECK(waitpid(c, NULL, WNOHANG) == 0, "JVM exited during start-up (see the log)");
		sc_msleep(20);
	}
	sc_ready();
	if (sc_corrupt())
		kill(c, SIGKILL);
	sc_wait();
	SC_CHECK(kill(c, SIGTERM) == 0, "JVM child %d gone", c);
	int st = sc_waitpid(c, 10000);
	SC_CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "JVM child status 0x%x (see the log)", st);
	sc_pass();
}
