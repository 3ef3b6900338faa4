/* Directory descriptors: an O_DIRECTORY fd (openat relative to it works,
 * fchdir to it works) and an O_PATH fd of a file, both kept across the
 * restore; the directory fd's getdents position is kept too. */
#include "scenario.h"
#include <dirent.h>

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	const char *d = sc_path("dir");
	mkdir(d, 0755);
	for (int i = 0; i < 20; i++) {
		char n[4200];
		snprintf(n, sizeof(n), "%s/file%02d", d, i);
		close(SC_SYS(open(n, O_CREAT | O_WRONLY, 0644)));
	}
	int dfd = SC_SYS(open(d, O_RDONLY | O_DIRECTORY));
	int pfd = SC_SYS(open(sc_path("dir/file07"), O_PATH));
	struct stat d0, p0;
	fstat(dfd, &d0);
	fstat(pfd, &p0);
	/* read part of the directory */
	char dents[512];
	long n = syscall(SYS_getdents64, dfd, dents, sizeof(dents));
	SC_CHECK(n > 0, "getdents");
	off_t pos = lseek(dfd, 0, SEEK_CUR);
	sc_ready();
	if (sc_corrupt())
		lseek(dfd, 0, SEEK_SET);
	sc_wait();
	struct stat d1, p1;
	fstat(dfd, &d1);
	fstat(pfd, &p1);
	SC_CHECK(d1.st_ino == d0.st_ino && S_ISDIR(d1.st_mode), "dir fd is another directory");
	SC_CHECK(p1.st_ino == p0.st_ino, "O_PATH fd is another file");
	SC_CHECK(fcntl(pfd, F_GETFL) & O_PATH, "O_PATH flag lost");
	SC_CHECK(lseek(dfd, 0, SEEK_CUR) == pos, "directory position %ld, was %ld", (long)lseek(dfd, 0, SEEK_CUR), (long)pos);
	int f = openat(dfd, "file13", O_RDONLY);
	SC_CHECK(f >= 0, "openat relative to the dir fd: %s", strerror(errno));
	SC_SYS(fchdir(dfd));
	SC_CHECK(access("file19", F_OK) == 0, "fchdir to the dir fd");
	sc_pass();
}
