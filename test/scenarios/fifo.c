/* A FIFO in the scratch directory, open for reading (O_NONBLOCK) and for
 * writing, with 3000 bytes buffered: same path, data and flags after the
 * restore. */
#include "scenario.h"

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	const char *f = sc_path("fifo");
	unlink(f);
	SC_SYS(mkfifo(f, 0600));
	int r = SC_SYS(open(f, O_RDONLY | O_NONBLOCK));
	int w = SC_SYS(open(f, O_WRONLY));
	char buf[4000];
	sc_fill(buf, 3000, 501);
	SC_CHECK(write(w, buf, 3000) == 3000, "write");
	sc_ready();
	if (sc_corrupt())
		SC_CHECK(write(w, "!", 1) == 1, "write");
	sc_wait();
	struct stat st;
	fstat(r, &st);
	SC_CHECK(S_ISFIFO(st.st_mode), "not a fifo");
	struct stat sp;
	SC_SYS(stat(f, &sp));
	SC_CHECK(sp.st_ino == st.st_ino, "fd is not the fifo at %s", f);
	SC_CHECK(fcntl(r, F_GETFL) & O_NONBLOCK, "O_NONBLOCK lost");
	memset(buf, 0, sizeof(buf));
	ssize_t n = read(r, buf, sizeof(buf));
	SC_CHECK(n == 3000, "fifo holds %zd bytes", n);
	SC_CHECK(sc_verify(buf, 3000, 501) < 0, "fifo data differs");
	SC_CHECK(read(r, buf, 1) == -1 && errno == EAGAIN, "more data than written");
	SC_CHECK(write(w, "ok", 2) == 2 && read(r, buf, 2) == 2 && !memcmp(buf, "ok", 2), "fifo ends not connected");
	sc_pass();
}
