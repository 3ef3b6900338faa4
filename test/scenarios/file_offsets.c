/* Regular files open at offsets: O_RDWR at 12345, O_APPEND (writes after
 * the restore go to the end), O_RDONLY near the end, and a file opened
 * with O_SYNC|O_NOATIME. Same numbers, flags, offsets and content. */
#include "scenario.h"

#define LEN 100000

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	static char buf[LEN];
	sc_fill(buf, LEN, 301);
	int w = SC_SYS(open(sc_path("data"), O_RDWR | O_CREAT | O_TRUNC, 0640));
	SC_CHECK(!sc_write_all(w, buf, LEN), "write");
	SC_SYS(lseek(w, 12345, SEEK_SET));
	int a = SC_SYS(open(sc_path("log"), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600));
	SC_CHECK(write(a, "first\n", 6) == 6, "append");
	int r = SC_SYS(open(sc_path("data"), O_RDONLY));
	SC_SYS(lseek(r, LEN - 100, SEEK_SET));
	int s = SC_SYS(open(sc_path("data"), O_RDWR | O_SYNC | O_NOATIME));
	SC_SYS(lseek(s, 777, SEEK_SET));
	int fds[4] = { w, a, r, s };
	int fl[4];
	for (int i = 0; i < 4; i++)
		fl[i] = fcntl(fds[i], F_GETFL);
	sc_ready();
	if (sc_corrupt())
		lseek(w, 1, SEEK_CUR);
	sc_wait();
	for (int i = 0; i < 4; i++)
		SC_CHECK(fcntl(fds[i], F_GETFL) == fl[i], "fd %d: flags %#x, was %#x", fds[i], fcntl(fds[i], F_GETFL), fl[i]);
	SC_CHECK(lseek(w, 0, SEEK_CUR) == 12345, "rw offset %ld", (long)lseek(w, 0, SEEK_CUR));
	SC_CHECK(lseek(r, 0, SEEK_CUR) == LEN - 100, "ro offset %ld", (long)lseek(r, 0, SEEK_CUR));
	SC_CHECK(lseek(s, 0, SEEK_CUR) == 777, "sync offset %ld", (long)lseek(s, 0, SEEK_CUR));
	char tail[100];
	SC_CHECK(read(r, tail, 100) == 100 && !memcmp(tail, buf + LEN - 100, 100), "read at offset differs");
	SC_CHECK(write(w, "XYZ", 3) == 3, "write at offset");
	SC_CHECK(pread(r, tail, 3, 12345) == 3 && !memcmp(tail, "XYZ", 3), "write at offset went elsewhere");
	lseek(a, 0, SEEK_SET);
	SC_CHECK(write(a, "second\n", 7) == 7, "append write");
	char lg[32] = "";
	int l = open(sc_path("log"), O_RDONLY);
	SC_CHECK(read(l, lg, sizeof(lg) - 1) == 13 && !strcmp(lg, "first\nsecond\n"), "O_APPEND lost: '%s'", lg);
	sc_pass();
}
