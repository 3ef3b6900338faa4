/* A parent and its forked child sharing 64 MiB of private memory copy-on-write:
 * the parent fills it, forks; the child changes one page in 16. Prints
 * "ready CHILD ADDR" (ADDR in hex) once the child has written; on SIGUSR1 the
 * child checks every page and prints "child ok" or the first page that differs. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define LEN (64UL << 20)
#define PG 4096UL

static char *m;

static void check(int sig)
{
	(void)sig;
	char line[64];
	for (unsigned long i = 0; i < LEN / PG; i++) {
		char want = (char)(i * 7 + 1);
		for (unsigned long b = 0; b < PG; b++) {
			char w = (b == 0 && i % 16 == 0) ? (char)(want ^ 0x55) : want;
			if (m[i * PG + b] != w) {
				int n = snprintf(line, sizeof(line), "child bad page %lu byte %lu\n", i, b);
				write(1, line, n);
				return;
			}
		}
	}
	write(1, "child ok\n", 9);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	m = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return 1;
	madvise(m, LEN, MADV_NOHUGEPAGE); /* 4 KiB pages: one frame per page to compare */
	for (unsigned long i = 0; i < LEN / PG; i++)
		memset(m + i * PG, (int)(i * 7 + 1), PG);
	int sync[2];
	if (pipe(sync))
		return 1;
	pid_t c = fork();
	if (c == 0) {
		for (unsigned long i = 0; i < LEN / PG; i += 16)
			m[i * PG] ^= 0x55;
		signal(SIGUSR1, check);
		close(sync[0]);
		write(sync[1], "x", 1);
		for (;;)
			pause();
	}
	char x;
	read(sync[0], &x, 1);
	printf("ready %d %lx\n", c, (unsigned long)(uintptr_t)m);
	for (;;)
		pause();
}
