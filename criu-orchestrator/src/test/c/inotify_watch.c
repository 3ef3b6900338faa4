/* An inotify instance watching a directory: the watch must be saved with its path. */
#include <stdio.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
	mkdir("watched", 0755);
	int in = inotify_init1(IN_NONBLOCK);
	inotify_add_watch(in, "watched", IN_CREATE | IN_DELETE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready\n");
	for (;;) pause();
}
