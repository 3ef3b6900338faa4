/*
 * jcriu restore stub: the first program of a restore. Spawned by the
 * orchestrator as
 *     jcriu-restorer PID TRAMP_ADDR TRAMP_SIZE
 * it maps TRAMP_SIZE bytes at TRAMP_ADDR (read, write, execute: the area
 * compel writes its remote code into and runs batches from, see compel's
 * Tracee.useArea), closes every fd above 2, and clone3()s one child with
 * set_tid = PID. The child closes all its fds and waits in pause() to be
 * seized; the stub exits at once, so the child is reparented (to the
 * orchestrator when it is a child subreaper). The child inherits the
 * area, which is all the tracer needs to drive it.
 *
 * Exit status: 0 on success, else the errno of the failed call (EEXIST:
 * the pid is taken), with one line on stderr. Freestanding: no libc.
 */
#include <stddef.h>
#include <stdint.h>
#include "syscalls.h"

struct clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

static long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	__asm__ volatile("syscall" : "=a"(ret) : "0"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}
#define sys3(n, a, b, c) sys6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)

static size_t slen(const char *s) { size_t n = 0; while (s[n]) n++; return n; }
static void say(const char *s) { sys3(__NR_write, 2, s, slen(s)); }

static uint64_t num(const char *s)
{
	uint64_t v = 0;
	int base = 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) { base = 16; s += 2; }
	for (; *s; s++) {
		int d = *s >= '0' && *s <= '9' ? *s - '0' : *s >= 'a' && *s <= 'f' ? *s - 'a' + 10 : *s >= 'A' && *s <= 'F' ? *s - 'A' + 10 : 99;
		if (d >= base) return 0;
		v = v * base + d;
	}
	return v;
}

static __attribute__((noreturn)) void die(const char *what, long err)
{
	char buf[24], *p = buf + sizeof(buf);
	unsigned long e = (unsigned long)-err;
	*--p = 0; *--p = '\n';
	do { *--p = '0' + e % 10; e /= 10; } while (e);
	say("jcriu-restorer: "); say(what); say(" failed with error "); say(p);
	sys3(__NR_exit_group, -err, 0, 0);
	__builtin_unreachable();
}

__attribute__((noreturn, used)) void stub_main(long argc, char **argv)
{
	if (argc != 4) { say("usage: jcriu-restorer PID TRAMP_ADDR TRAMP_SIZE\n"); sys3(__NR_exit_group, 22, 0, 0); }
	int64_t pid = (int64_t)num(argv[1]);
	uint64_t addr = num(argv[2]), size = num(argv[3]);
	if (pid <= 0 || !addr || (addr & 4095) || size < 4096 || (size & 4095)) { say("jcriu-restorer: bad arguments\n"); sys3(__NR_exit_group, 22, 0, 0); }
	/* PROT_READ|WRITE|EXEC, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE */
	long m = sys6(__NR_mmap, addr, size, 7, 0x02 | 0x20 | 0x100000, -1, 0);
	if (m < 0 && m > -4096) die("mmap(remote code area)", m);
	if ((uint64_t)m != addr) die("mmap(remote code area) placement", -17);
	sys3(__NR_close_range, 3, ~0U, 0);
	struct clone_args ca = {0};
	ca.exit_signal = 17; /* SIGCHLD */
	ca.set_tid = (uint64_t)(uintptr_t)&pid;
	ca.set_tid_size = 1;
	long r = sys3(__NR_clone3, &ca, sizeof(ca), 0);
	if (r < 0) die("clone3(set_tid)", r);
	if (r == 0) {
		sys3(__NR_close_range, 0, ~0U, 0);
		for (;;) sys3(__NR_pause, 0, 0, 0);
	}
	sys3(__NR_exit_group, 0, 0, 0);
	__builtin_unreachable();
}

/* Entry: the kernel leaves argc at (%rsp), argv right after it. */
__asm__(".text\n.globl _start\n_start:\n\txor %ebp, %ebp\n\tmov (%rsp), %rdi\n\tlea 8(%rsp), %rsi\n\tand $-16, %rsp\n\tcall stub_main\n\thlt\n");
