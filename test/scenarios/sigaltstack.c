/* Alternate signal stacks: the main thread's and a second thread's (with
 * SS_AUTODISARM). sigaltstack() reads back the same, and an SA_ONSTACK
 * handler runs on the right stack after the restore. */
#include "scenario.h"
#include <pthread.h>

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif

#define SZ (64 * 1024)
static char *stk[2];
static volatile unsigned long where;
static volatile int stop, ok2 = -1, ready2;

static void on_usr1(int s)
{
	volatile char here;
	where = (unsigned long)&here;
}

static int on_stack(int id)
{
	where = 0;
	raise(SIGUSR1);
	return where >= (unsigned long)stk[id] && where < (unsigned long)stk[id] + SZ;
}

static void *thr(void *a)
{
	stack_t ss = { .ss_sp = stk[1], .ss_size = SZ, .ss_flags = SS_AUTODISARM };
	sigaltstack(&ss, NULL);
	ready2 = 1;
	while (!stop)
		sc_msleep(3);
	stack_t now;
	sigaltstack(NULL, &now);
	ok2 = now.ss_sp == stk[1] && now.ss_size == SZ && (now.ss_flags & SS_AUTODISARM);
	if (ok2 == 1) {
		where = 0;
		syscall(SYS_tgkill, getpid(), sc_gettid(), SIGUSR1);
		ok2 = where >= (unsigned long)stk[1] && where < (unsigned long)stk[1] + SZ ? 1 : 2;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	stk[0] = malloc(SZ);
	stk[1] = malloc(SZ);
	stack_t ss = { .ss_sp = stk[0], .ss_size = SZ, .ss_flags = 0 };
	SC_SYS(sigaltstack(&ss, NULL));
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	SC_CHECK(on_stack(0), "handler not on the alternate stack before");
	pthread_t th;
	pthread_create(&th, NULL, thr, NULL);
	while (!ready2)
		sc_msleep(1);
	sc_ready();
	if (sc_corrupt()) {
		stack_t off = { .ss_flags = SS_DISABLE };
		sigaltstack(&off, NULL);
	}
	sc_wait();
	stack_t now;
	sigaltstack(NULL, &now);
	SC_CHECK(now.ss_sp == stk[0] && now.ss_size == SZ && now.ss_flags == 0,
		 "main alt stack %p/%zu/%d, was %p/%d/0", now.ss_sp, now.ss_size, now.ss_flags, (void *)stk[0], SZ);
	SC_CHECK(on_stack(0), "handler not on the alternate stack after restore");
	stop = 1;
	pthread_join(th, NULL);
	SC_CHECK(ok2 == 1, "second thread's alternate stack wrong (%d)", ok2);
	sc_pass();
}
