/* Thread pointers: fs base (glibc's TLS) of the main thread and of a
 * second thread, __thread variables, and a gs base set with arch_prctl
 * and read through %gs. */
#include "scenario.h"
#include <asm/prctl.h>
#include <pthread.h>

static __thread uint64_t tv = 0x1111;
static uint64_t gs_area[2][4];
static volatile int stop, ok2 = -1, ready2;

static unsigned long get_base(int code)
{
	unsigned long v = 0;
	syscall(SYS_arch_prctl, code, &v);
	return v;
}

static uint64_t read_gs0(void)
{
	uint64_t v;
	asm volatile("mov %%gs:0, %0" : "=r"(v));
	return v;
}

static void *thr(void *arg)
{
	tv = 0x2222;
	gs_area[1][0] = 0xbeef0002;
	syscall(SYS_arch_prctl, ARCH_SET_GS, (unsigned long)gs_area[1]);
	unsigned long fs = get_base(ARCH_GET_FS);
	ready2 = 1;
	while (!stop)
		sc_msleep(5);
	ok2 = fs == get_base(ARCH_GET_FS) && tv == 0x2222 && read_gs0() == 0xbeef0002 &&
	      get_base(ARCH_GET_GS) == (unsigned long)gs_area[1];
	return NULL;
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	gs_area[0][0] = 0xbeef0001;
	SC_SYS(syscall(SYS_arch_prctl, ARCH_SET_GS, (unsigned long)gs_area[0]));
	unsigned long fs = get_base(ARCH_GET_FS);
	SC_CHECK(fs == (unsigned long)__builtin_thread_pointer(), "fs base is not the thread pointer");
	pthread_t t;
	pthread_create(&t, NULL, thr, NULL);
	while (!ready2)
		sc_msleep(1);
	sc_ready();
	if (sc_corrupt())
		tv++;
	sc_wait();
	SC_CHECK(get_base(ARCH_GET_FS) == fs, "fs base %lx, was %lx", get_base(ARCH_GET_FS), fs);
	SC_CHECK(get_base(ARCH_GET_GS) == (unsigned long)gs_area[0], "gs base %lx, was %p", get_base(ARCH_GET_GS), (void *)gs_area[0]);
	SC_CHECK(read_gs0() == 0xbeef0001, "%%gs:0 reads %lx", (unsigned long)read_gs0());
	SC_CHECK(tv == 0x1111, "__thread variable %lx", (unsigned long)tv);
	stop = 1;
	pthread_join(t, NULL);
	SC_CHECK(ok2 == 1, "second thread's fs/gs base or TLS changed");
	sc_pass();
}
