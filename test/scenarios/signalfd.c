/* A signalfd for {SIGUSR1, SIGRTMIN+6} (non-blocking) with a signal already
 * pending: after the restore the mask is the same (fdinfo sigmask), the
 * pending one is read, and a new one arrives through it. */
#include "scenario.h"
#include <sys/signalfd.h>

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigaddset(&m, SIGRTMIN + 6);
	sigprocmask(SIG_BLOCK, &m, NULL);
	int fd = SC_SYS(signalfd(-1, &m, SFD_NONBLOCK));
	union sigval v = { .sival_int = 66 };
	SC_SYS(sigqueue(getpid(), SIGRTMIN + 6, v));
	char p[64], mask[64];
	snprintf(p, sizeof(p), "/proc/self/fdinfo/%d", fd);
	snprintf(mask, sizeof(mask), "%s", sc_line_value(sc_read_file(p), "sigmask:"));
	sc_ready();
	if (sc_corrupt()) {
		sigaddset(&m, SIGUSR2);
		signalfd(fd, &m, 0);
	}
	sc_wait();
	char *now = sc_line_value(sc_read_file(p), "sigmask:");
	SC_CHECK(now && !strcmp(now, mask), "sigmask:%s, was%s", now ? now : "(none)", mask);
	SC_CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK, "O_NONBLOCK lost");
	struct signalfd_siginfo si;
	SC_CHECK(read(fd, &si, sizeof(si)) == sizeof(si), "pending signal not readable: %s", strerror(errno));
	SC_CHECK(si.ssi_signo == (uint32_t)SIGRTMIN + 6 && si.ssi_int == 66, "got signal %u value %d", si.ssi_signo, si.ssi_int);
	SC_CHECK(read(fd, &si, sizeof(si)) == -1 && errno == EAGAIN, "more signals than sent");
	kill(getpid(), SIGUSR1);
	SC_CHECK(read(fd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo == SIGUSR1, "new SIGUSR1 not read");
	sc_pass();
}
