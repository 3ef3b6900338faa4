/* jcriu scenario harness; see scenario.h and Documentation/testing.md. */
#include "scenario.h"

#include <libgen.h>
#include <limits.h>
#include <poll.h>

const char *sc_name = "scenario";
const char *sc_arg;
volatile sig_atomic_t sc_term;

static char status_path[PATH_MAX];
static char status_base[NAME_MAX + 1];
static char scratch[PATH_MAX];
static int status_dirfd = -1;
/* children made by sc_fork in this process: killed if it fails */
static pid_t forked[64];
static int nforked;

static void usage(void)
{
	fprintf(stderr, "usage: %s --status FILE [--arg X]\n", sc_name);
	_exit(2);
}

void sc_init(int argc, char **argv)
{
	const char *status = NULL;
	const char *slash = strrchr(argv[0], '/');
	sc_name = slash ? slash + 1 : argv[0];
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--status") && i + 1 < argc)
			status = argv[++i];
		else if (!strcmp(argv[i], "--arg") && i + 1 < argc)
			sc_arg = argv[++i];
		else
			usage();
	}
	if (!status)
		usage();
	if (status[0] == '/') {
		snprintf(status_path, sizeof(status_path), "%s", status);
	} else {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof(cwd)))
			usage();
		snprintf(status_path, sizeof(status_path), "%s/%s", cwd, status);
	}
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s", status_path);
	snprintf(scratch, sizeof(scratch), "%s/scratch", dirname(tmp));
	snprintf(tmp, sizeof(tmp), "%s", status_path);
	snprintf(status_base, sizeof(status_base), "%s", basename(tmp));
	if (mkdir(scratch, 0755) && errno != EEXIST) {
		fprintf(stderr, "%s: mkdir %s: %s\n", sc_name, scratch, strerror(errno));
		_exit(2);
	}
	/* canonical paths (no "..", no symlinks): scenarios compare them */
	char real[PATH_MAX];
	if (realpath(scratch, real)) {
		snprintf(scratch, sizeof(scratch), "%s", real);
		snprintf(status_path, sizeof(status_path), "%s/%s", dirname(real), status_base);
	}

	/* No handler: SIGTERM stays blocked and is taken with sigwaitinfo, so a
	 * scenario has no signal disposition of its own unless it tests one. */
	signal(SIGTERM, SIG_DFL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static void status_line(const char *line)
{
	int fd;
	int saved = errno;
	if (status_dirfd >= 0)
		fd = openat(status_dirfd, status_base, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	else
		fd = open(status_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "%s: cannot open status file %s: %s\n", sc_name, status_path, strerror(errno));
		errno = saved;
		return;
	}
	sc_write_all(fd, line, strlen(line));
	fsync(fd);
	close(fd);
	errno = saved;
}

void sc_ready(void)
{
	fprintf(stderr, "%s[%d]: READY\n", sc_name, getpid());
	status_line("READY\n");
}

static sigset_t term_set(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	return set;
}

void sc_wait(void)
{
	sigset_t set = term_set();
	while (!sc_term) {
		if (sigwaitinfo(&set, NULL) == SIGTERM)
			sc_term = 1;
	}
}

int sc_check_term(void)
{
	if (sc_term)
		return 1;
	sigset_t set = term_set(), pend;
	if (sigpending(&pend) == 0 && sigismember(&pend, SIGTERM)) {
		struct timespec zero = { 0, 0 };
		if (sigtimedwait(&set, NULL, &zero) == SIGTERM)
			sc_term = 1;
	}
	return sc_term;
}

int sc_corrupt(void)
{
	return sc_arg && !strcmp(sc_arg, "corrupt");
}

void sc_note(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf) - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n] = '\n';
	buf[n + 1] = 0;
	fprintf(stderr, "%s[%d]: %s", sc_name, getpid(), buf);
	status_line(buf);
}

_Noreturn void sc_pass(void)
{
	fprintf(stderr, "%s[%d]: PASS\n", sc_name, getpid());
	status_line("PASS\n");
	_exit(0);
}

_Noreturn void sc_fail(const char *fmt, ...)
{
	char msg[900], buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(buf, sizeof(buf), "FAIL: [pid %d] %s\n", getpid(), msg);
	fprintf(stderr, "%s: %s", sc_name, buf);
	status_line(buf);
	for (int i = 0; i < nforked; i++)
		kill(forked[i], SIGKILL);
	_exit(1);
}

const char *sc_dir(void)
{
	return scratch;
}

const char *sc_path(const char *name)
{
	static char bufs[8][PATH_MAX];
	static int next;
	char *b = bufs[next++ & 7];
	snprintf(b, PATH_MAX, "%s/%s", scratch, name);
	return b;
}

void sc_keep_status_dir(void)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s", status_path);
	status_dirfd = open(dirname(tmp), O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (status_dirfd < 0)
		sc_fail("open status dir: %s", strerror(errno));
}

static uint64_t xs_next(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

void sc_fill(void *p, size_t n, uint64_t seed)
{
	uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 1;
	unsigned char *c = p;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t v = xs_next(&s);
		memcpy(c + i, &v, 8);
	}
	if (i < n) {
		uint64_t v = xs_next(&s);
		memcpy(c + i, &v, n - i);
	}
}

long sc_verify(const void *p, size_t n, uint64_t seed)
{
	uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 1;
	const unsigned char *c = p;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t v = xs_next(&s);
		if (memcmp(c + i, &v, 8)) {
			for (size_t k = 0; k < 8; k++)
				if (c[i + k] != ((unsigned char *)&v)[k])
					return (long)(i + k);
		}
	}
	if (i < n) {
		uint64_t v = xs_next(&s);
		for (size_t k = 0; k < n - i; k++)
			if (c[i + k] != ((unsigned char *)&v)[k])
				return (long)(i + k);
	}
	return -1;
}

uint64_t sc_hash(const void *p, size_t n)
{
	const unsigned char *c = p;
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= 1099511628211ULL;
	}
	return h;
}

int64_t sc_ns(clockid_t clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

double sc_now(void)
{
	return sc_ns(CLOCK_MONOTONIC) / 1e9;
}

void sc_msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

char *sc_read_file(const char *path)
{
	static char buf[1 << 16];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t len = 0;
	for (;;) {
		ssize_t r = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += r;
		if (len == sizeof(buf) - 1)
			break;
	}
	close(fd);
	buf[len] = 0;
	return buf;
}

static int sc_cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void sc_sort_lines(char *buf)
{
	static char copy[4096];
	char *lines[64];
	int n = 0;
	snprintf(copy, sizeof(copy), "%s", buf);
	for (char *l = strtok(copy, "\n"); l && n < 64; l = strtok(NULL, "\n"))
		lines[n++] = l;
	qsort(lines, n, sizeof(lines[0]), sc_cmp_line);
	buf[0] = 0;
	for (int i = 0; i < n; i++) {
		strcat(buf, lines[i]);
		strcat(buf, "\n");
	}
}

char *sc_line_value(const char *text, const char *key)
{
	static char val[4096];
	size_t kl = strlen(key);
	const char *p = text;
	while (p && *p) {
		if (!strncmp(p, key, kl)) {
			const char *v = p + kl;
			const char *e = strchr(v, '\n');
			size_t n = e ? (size_t)(e - v) : strlen(v);
			if (n >= sizeof(val))
				n = sizeof(val) - 1;
			memcpy(val, v, n);
			val[n] = 0;
			return val;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

int sc_write_all(int fd, const void *buf, size_t n)
{
	const char *c = buf;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= w;
	}
	return 0;
}

int sc_read_all(int fd, void *buf, size_t n)
{
	char *c = buf;
	while (n) {
		ssize_t r = read(fd, c, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		c += r;
		n -= r;
	}
	return 0;
}

pid_t sc_fork(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	if (pid < 0)
		sc_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		sc_term = 0;
		nforked = 0;
		_exit(fn(arg));
	}
	if (nforked < 64)
		forked[nforked++] = pid;
	return pid;
}

int sc_waitpid(pid_t pid, long timeout_ms)
{
	int status;
	double end = sc_now() + timeout_ms / 1000.0;
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return -1;
		if (sc_now() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		sc_msleep(5);
	}
}

void sc_stop_child(pid_t pid, const char *what)
{
	if (kill(pid, SIGTERM))
		sc_fail("kill %s (%d): %s", what, pid, strerror(errno));
	int st = sc_waitpid(pid, 10000);
	if (st == -1)
		sc_fail("%s (%d) did not exit within 10 s", what, pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		sc_fail("%s (%d) failed: status 0x%x", what, pid, st);
}

void sc_sync_init(struct sc_sync *s)
{
	if (pipe2(s->fd, O_CLOEXEC))
		sc_fail("pipe: %s", strerror(errno));
}

void sc_sync_post(struct sc_sync *s)
{
	close(s->fd[0]);
	char c = 1;
	if (sc_write_all(s->fd[1], &c, 1))
		sc_fail("sync post: %s", strerror(errno));
	close(s->fd[1]);
}

void sc_sync_wait(struct sc_sync *s, int count)
{
	close(s->fd[1]);
	for (int i = 0; i < count; i++) {
		struct pollfd p = { s->fd[0], POLLIN, 0 };
		if (poll(&p, 1, 10000) != 1)
			sc_fail("sync wait: timeout after %d of %d", i, count);
		char c;
		if (sc_read_all(s->fd[0], &c, 1))
			sc_fail("sync wait: a child died during setup (%d of %d)", i, count);
	}
	close(s->fd[0]);
}

void sc_sync_close(struct sc_sync *s)
{
	close(s->fd[0]);
	close(s->fd[1]);
}

int sc_smaps_field(const void *addr, const char *field, char *out, size_t n,
		   unsigned long *lo, unsigned long *hi)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	if (!f)
		return -1;
	char line[1024];
	int in = 0, ret = -1;
	size_t fl = strlen(field);
	unsigned long a = (unsigned long)addr;
	while (fgets(line, sizeof(line), f)) {
		unsigned long l, h;
		if (sscanf(line, "%lx-%lx ", &l, &h) == 2 && strchr(line, '-') < strchr(line, ' ')) {
			in = (a >= l && a < h);
			if (in) {
				if (lo)
					*lo = l;
				if (hi)
					*hi = h;
			}
			continue;
		}
		if (in && !strncmp(line, field, fl)) {
			char *v = line + fl;
			while (*v == ' ' || *v == '\t')
				v++;
			v[strcspn(v, "\n")] = 0;
			snprintf(out, n, "%s", v);
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

int sc_vmflag(const void *addr, const char *flag)
{
	char v[256];
	if (sc_smaps_field(addr, "VmFlags:", v, sizeof(v), NULL, NULL))
		sc_fail("no smaps entry for %p", addr);
	for (char *t = strtok(v, " "); t; t = strtok(NULL, " "))
		if (!strcmp(t, flag))
			return 1;
	return 0;
}
