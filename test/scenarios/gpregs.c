/* General purpose registers under load: two threads keep rbx, rdx, r8-r10
 * and r13-r15 loaded with patterns across sleeps (interrupted syscalls) and
 * spins, and verify them after every round. */
#include "fpu.h"

struct ctx { uint64_t in[8]; uint64_t *out; long rounds; const struct timespec *ts; };

static void hold(const void *in, void *out, long rounds)
{
	struct ctx c;
	memcpy(c.in, in, 64);
	c.out = out;
	c.rounds = rounds;
	c.ts = &fpu_ts;
	struct ctx *cp = &c;
	asm volatile("mov %[ctx], %%rax\n"
		     "sub $128, %%rsp\n"
		     "push %%rax\n"
		     "mov 0(%%rax), %%rbx\n mov 8(%%rax), %%rdx\n mov 16(%%rax), %%r8\n mov 24(%%rax), %%r9\n"
		     "mov 32(%%rax), %%r10\n mov 40(%%rax), %%r13\n mov 48(%%rax), %%r14\n mov 56(%%rax), %%r15\n"
		     "mov 72(%%rax), %%r12\n"
		     "1:\n"
		     "mov 0(%%rsp), %%rdi\n mov 80(%%rdi), %%rdi\n"
		     "mov $35, %%eax\n xor %%esi, %%esi\n syscall\n"
		     "mov $3000, %%ecx\n 2: pause\n dec %%ecx\n jnz 2b\n"
		     "dec %%r12\n jnz 1b\n"
		     "pop %%rax\n"
		     "add $128, %%rsp\n"
		     "mov 64(%%rax), %%rcx\n"
		     "mov %%rbx, 0(%%rcx)\n mov %%rdx, 8(%%rcx)\n mov %%r8, 16(%%rcx)\n mov %%r9, 24(%%rcx)\n"
		     "mov %%r10, 32(%%rcx)\n mov %%r13, 40(%%rcx)\n mov %%r14, 48(%%rcx)\n mov %%r15, 56(%%rcx)\n"
		     : : [ctx] "m"(cp)
		     : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "memory", "cc");
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	return fpu_main(argc, argv, hold, 64, 2, NULL);
}
