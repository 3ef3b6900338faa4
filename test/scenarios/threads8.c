/* Eight threads, each blocked differently (cond wait, nanosleep, poll,
 * futex, busy loop, read poll, sched_yield, clock_nanosleep): same tids,
 * TLS and stacks intact, all making progress after the restore, joinable. */
#include "threads.h"
int main(int argc, char **argv) { return threads_main(argc, argv, 8); }
