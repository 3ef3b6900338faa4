/* Two threads besides the main one (condition variable, nanosleep): same
 * tids, TLS and stacks intact, both running on after the restore, and
 * pthread_join works (the clear-tid address survived). */
#include "threads.h"
int main(int argc, char **argv) { return threads_main(argc, argv, 2); }
