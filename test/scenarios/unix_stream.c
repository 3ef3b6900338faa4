/* A unix socketpair (SOCK_STREAM) with data queued both ways, partly read,
 * buffer sizes changed, one end non-blocking: see unix_pair.h. */
#include "unix_pair.h"
int main(int argc, char **argv) { return pair_main(argc, argv, SOCK_STREAM); }
