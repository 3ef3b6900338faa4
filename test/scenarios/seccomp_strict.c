/* Seccomp strict mode: a child enters SECCOMP_MODE_STRICT and blocks in
 * read(). After the restore it must still be in strict mode: it answers
 * a request over a pipe, then makes a forbidden syscall and is killed
 * with SIGKILL, as strict mode demands. */
#include "scenario.h"
#include <linux/seccomp.h>
#include <sys/prctl.h>

static int req[2], rep[2];

static int child(void *a)
{
	close(req[1]);
	close(rep[0]);
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT))
		return 3;
	char c;
	if (syscall(SYS_read, req[0], &c, 1) != 1)
		syscall(SYS_exit, 4);
	c += 1;
	syscall(SYS_write, rep[1], &c, 1);
	syscall(SYS_getppid);         /* not allowed: SIGKILL */
	syscall(SYS_exit, 5);
	return 6;
}

static int strict_of(pid_t p)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/status", p);
	char *v = sc_line_value(sc_read_file(path), "Seccomp:");
	return v ? atoi(v) : -1;
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	SC_SYS(pipe(req));
	SC_SYS(pipe(rep));
	pid_t c = sc_fork(child, NULL);
	close(req[0]);
	close(rep[1]);
	for (int i = 0; i < 500 && strict_of(c) != 1; i++)
		sc_msleep(2);
	SC_CHECK(strict_of(c) == 1, "child not in strict mode");
	sc_msleep(10);
	sc_ready();
	if (sc_corrupt()) {
		kill(c, SIGKILL);
		waitpid(c, NULL, 0);
	}
	sc_wait();
	SC_CHECK(strict_of(c) == 1, "child not in strict mode after restore (%d)", strict_of(c));
	char x = 'a';
	SC_CHECK(write(req[1], &x, 1) == 1, "write request");
	SC_CHECK(sc_read_all(rep[0], &x, 1) == 0 && x == 'b', "no answer from the strict child");
	int st = sc_waitpid(c, 10000);
	SC_CHECK(st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		 "forbidden syscall in strict mode did not kill the child (status 0x%x)", st);
	sc_pass();
}
