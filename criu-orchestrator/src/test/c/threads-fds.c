#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/signalfd.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/time.h>
#ifndef VECDIR
#define VECDIR "/tmp/vec"
#endif
static volatile long ticks;
static void on_usr1(int s) { (void)s; ticks += 1000; }
static void *worker(void *a) { long id = (long)a; for (;;) { ticks += id; usleep(10000); } return NULL; }
int main(void) {
	int p[2], sp[2];
	pipe(p); write(p[1], "pipe-data", 9);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sp); write(sp[0], "queued", 6);
	int ev = eventfd(7, EFD_NONBLOCK);
	int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	struct itimerspec its = {{5, 0}, {5, 0}}; timerfd_settime(tfd, 0, &its, NULL);
	sigset_t ss; sigemptyset(&ss); sigaddset(&ss, SIGUSR2); sigprocmask(SIG_BLOCK, &ss, NULL);
	int sfd = signalfd(-1, &ss, 0);
	int ep = epoll_create1(0); struct epoll_event ee = {.events = EPOLLIN, .data.u64 = 42}; epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ee);
	int f = open("" VECDIR "/data.txt", O_RDWR | O_CREAT | O_TRUNC, 0600); write(f, "hello world\n", 12); lseek(f, 6, SEEK_SET);
	int g = open("" VECDIR "/ghost.txt", O_RDWR | O_CREAT | O_TRUNC, 0600); write(g, "ghost", 5); unlink("" VECDIR "/ghost.txt");
	char *shm = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0); memset(shm, 'S', 1 << 20);
	char *anon = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); for (int i = 0; i < (4 << 20); i += 4096) anon[i] = (char)i;
	struct sigaction sa = {0}; sa.sa_handler = on_usr1; sa.sa_flags = SA_RESTART; sigaction(SIGUSR1, &sa, NULL);
	struct itimerval itv = {{100, 0}, {100, 0}}; setitimer(ITIMER_REAL, &itv, NULL); signal(SIGALRM, SIG_IGN);
	pthread_t t; for (long i = 1; i <= 3; i++) pthread_create(&t, NULL, worker, (void *)i);
	setvbuf(stdout, NULL, _IOLBF, 0); printf("ready\n");
	for (;;) pause();
}
