/* Holds a flock, a POSIX lock and an OFD lock on files in its cwd. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <unistd.h>

int main(void) {
	int a = open("flock.lck", O_RDWR | O_CREAT, 0600);
	int b = open("posix.lck", O_RDWR | O_CREAT, 0600);
	int c = open("ofd.lck", O_RDWR | O_CREAT, 0600);
	flock(a, LOCK_EX);
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
	fcntl(b, F_SETLK, &fl);
	struct flock ofd = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 0};
	fcntl(c, F_OFD_SETLK, &ofd);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready\n");
	for (;;) pause();
}
