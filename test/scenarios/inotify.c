/* An inotify fd watching a directory (create/delete/modify) and a file
 * (attrib, close_write): the watch list (fdinfo inotify lines: wd, mask)
 * is the same after the restore, and new events come with the right wd. */
#include "scenario.h"
#include <sys/inotify.h>

static void watches(int fd, char *out, size_t n)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fdinfo/%d", fd);
	char *s = sc_read_file(p);
	out[0] = 0;
	for (char *l = strstr(s, "inotify wd:"); l; l = strstr(l + 1, "inotify wd:")) {
		/* "inotify wd:1 ino:.. sdev:.. mask:.. ignored_mask:.. fhandle-...": keep wd, ino, mask */
		int wd;
		unsigned long ino;
		unsigned mask;
		char *m = strstr(l, " mask:");
		if (sscanf(l, "inotify wd:%d ino:%lx", &wd, &ino) == 2 && m && sscanf(m, " mask:%x", &mask) == 1)
			snprintf(out + strlen(out), n - strlen(out), "wd %d ino %lx mask %x\n", wd, ino, mask);
	}
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	const char *d = sc_path("watched");
	mkdir(d, 0755);
	const char *f = sc_path("watched-file");
	close(SC_SYS(open(f, O_CREAT | O_WRONLY, 0644)));
	int in = SC_SYS(inotify_init1(IN_NONBLOCK));
	int wd1 = SC_SYS(inotify_add_watch(in, d, IN_CREATE | IN_DELETE | IN_MODIFY));
	int wd2 = SC_SYS(inotify_add_watch(in, f, IN_ATTRIB | IN_CLOSE_WRITE));
	static char before[1024];
	watches(in, before, sizeof(before));
	sc_sort_lines(before);
	sc_ready();
	if (sc_corrupt())
		inotify_rm_watch(in, wd2);
	sc_wait();
	static char after[1024];
	watches(in, after, sizeof(after));
	sc_sort_lines(after);
	SC_CHECK(!strcmp(before, after), "watches differ:\n%s\nwas:\n%s", after, before);
	char nf[4200];
	snprintf(nf, sizeof(nf), "%s/new", d);
	close(SC_SYS(open(nf, O_CREAT | O_WRONLY, 0644)));
	SC_SYS(chmod(f, 0600));
	char buf[4096] __attribute__((aligned(8)));
	sc_msleep(10);
	ssize_t n = read(in, buf, sizeof(buf));
	SC_CHECK(n > 0, "no inotify events after restore");
	int got_create = 0, got_attrib = 0;
	for (char *p = buf; p < buf + n;) {
		struct inotify_event *e = (struct inotify_event *)p;
		if (e->wd == wd1 && (e->mask & IN_CREATE) && e->len && !strcmp(e->name, "new"))
			got_create = 1;
		if (e->wd == wd2 && (e->mask & IN_ATTRIB))
			got_attrib = 1;
		p += sizeof(*e) + e->len;
	}
	SC_CHECK(got_create && got_attrib, "events: create %d attrib %d", got_create, got_attrib);
	sc_pass();
}
