/* The demo's victim: counts once every 200 ms and appends each number to the
 * file given as argv[1], so that the log shows where it stopped and whether
 * it went on from there after a restore. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: counter LOGFILE\n");
        return 2;
    }
    FILE *log = fopen(argv[1], "a");
    if (!log)
        return 1;
    setvbuf(log, NULL, _IOLBF, 0);
    struct timespec tick = { 0, 200 * 1000 * 1000 };
    for (unsigned long n = 0;; n++) {
        fprintf(log, "%lu\n", n);
        nanosleep(&tick, NULL);
    }
}
