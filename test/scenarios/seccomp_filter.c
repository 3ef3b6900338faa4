/* Seccomp filters: two stacked BPF filters installed with TSYNC (so a
 * second thread has them too): getpriority fails with errno 77, getpgid
 * with errno 78. After the restore the filters must still act, in both
 * threads, and /proc/self/status must show mode 2 with 2 filters. */
#include "scenario.h"
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sys/prctl.h>

static volatile int stop, thr_ok = -1, started;

static int filtered(void)
{
	errno = 0;
	long a = syscall(SYS_getpriority, 0, 0);
	int ea = errno;
	errno = 0;
	long b = syscall(SYS_getpgid, 0);
	int eb = errno;
	return a == -1 && ea == 77 && b == -1 && eb == 78;
}

static void *thr(void *x)
{
	started = 1;
	while (!stop)
		sc_msleep(3);
	thr_ok = filtered();
	return NULL;
}

static void install(int nr, int err)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | err),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };
	SC_SYS(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog));
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	pthread_t th;
	pthread_create(&th, NULL, thr, NULL);
	while (!started)
		sc_msleep(1);
	install(SYS_getpriority, 77);
	if (!sc_corrupt())      /* the negative run installs only one */
		install(SYS_getpgid, 78);
	SC_CHECK(sc_corrupt() || filtered(), "filters do not act");
	sc_ready();
	sc_wait();
	char *st = sc_read_file("/proc/self/status");
	char *v = sc_line_value(st, "Seccomp:");
	SC_CHECK(v && atoi(v) == 2, "Seccomp:%s", v ? v : "(none)");
	v = sc_line_value(st, "Seccomp_filters:");
	SC_CHECK(v && atoi(v) == 2, "Seccomp_filters:%s", v ? v : "(none)");
	SC_CHECK(filtered(), "filters do not act in the main thread after restore");
	stop = 1;
	pthread_join(th, NULL);
	SC_CHECK(thr_ok == 1, "filters do not act in the second thread after restore");
	sc_pass();
}
