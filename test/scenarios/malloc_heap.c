/* malloc'd blocks of many sizes (heap and mmap'd), some freed: after the
 * restore the live blocks are intact and malloc/free keep working. */
#include "scenario.h"

#define N 2000

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	static char *blk[N];
	static size_t len[N];
	for (int i = 0; i < N; i++) {
		len[i] = (i % 97 == 0) ? (size_t)(300000 + i) : (size_t)(16 + (i * 37) % 3000);
		blk[i] = malloc(len[i]);
		SC_CHECK(blk[i], "malloc");
		sc_fill(blk[i], len[i], 9000 + i);
	}
	for (int i = 0; i < N; i += 3) {
		free(blk[i]);
		blk[i] = NULL;
	}
	sc_ready();
	if (sc_corrupt())
		blk[1][0] ^= 1;
	sc_wait();
	for (int i = 0; i < N; i++)
		if (blk[i])
			SC_CHECK(sc_verify(blk[i], len[i], 9000 + i) < 0, "block %d differs", i);
	for (int i = 0; i < N; i++) {
		free(blk[i]);
		blk[i] = malloc(len[i] + 10);
		SC_CHECK(blk[i], "malloc after restore");
		memset(blk[i], i, len[i] + 10);
	}
	sc_pass();
}
