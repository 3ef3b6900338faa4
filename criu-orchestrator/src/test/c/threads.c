/* N threads (argument, default 4) each counting in its own slot; prints "ready" once all run. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long slots[64];

static void *worker(void *a) {
	long id = (long)a;
	struct timespec ts = {0, 5 * 1000 * 1000};
	for (;;) { slots[id]++; nanosleep(&ts, NULL); }
	return NULL;
}

int main(int argc, char **argv) {
	int n = argc > 1 ? atoi(argv[1]) : 4;
	pthread_t t;
	for (long i = 1; i < n && i < 64; i++) pthread_create(&t, NULL, worker, (void *)i);
	/* ready once every thread runs its own code: glibc registers a thread's robust list (which
	 * the dump tests check) when it starts, and under load that can come late */
	for (long i = 1; i < n && i < 64; i++)
		while (!slots[i]) usleep(1000);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready\n");
	for (;;) { slots[0]++; usleep(10000); if (slots[0] % 20 == 0) printf("%lu\n", slots[0]); }
}
