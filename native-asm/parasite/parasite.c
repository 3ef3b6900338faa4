/*
 * The parasite: a freestanding, position independent command loop run by one hijacked thread of
 * the task compel infected. It answers compel's requests (protocol.h) with what only the task
 * itself can see. No libc: raw syscalls only; no SSE (built with -mgeneral-regs-only) so the
 * task's FPU state is never touched.
 */
#include "syscalls.h"
#include "protocol.h"

#pragma GCC visibility push(hidden)

typedef unsigned long u64;
typedef unsigned int u32;

static inline long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#define sys0(n)			sys6(n, 0, 0, 0, 0, 0, 0)
#define sys1(n, a)		sys6(n, (long)(a), 0, 0, 0, 0, 0)
#define sys2(n, a, b)		sys6(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define sys3(n, a, b, c)	sys6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sys4(n, a, b, c, d)	sys6(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define sys5(n, a, b, c, d, e)	sys6(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

/* the compiler may emit calls to these even when freestanding */
void *memset(void *s, int c, unsigned long n)
{
	unsigned char *p = s;

	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

struct iovec {
	void *base;
	u64 len;
};

struct msghdr {
	void *name;
	int namelen;
	struct iovec *iov;
	u64 iovlen;
	void *control;
	u64 controllen;
	int flags;
};

struct cmsghdr {
	u64 len;
	int level;
	int type;
};

#define SOL_SOCKET		1
#define SCM_RIGHTS		1
#define MSG_CMSG_CLOEXEC	0x40000000
#define SCM_MAX_FD		253
#define CMSG_DATA(c)		((int *)((struct cmsghdr *)(c) + 1))
#define EINVAL			22
#define EAGAIN			11
#define EPIPE			32
#define SIGPIPE			13
#define SPLICE_F_NONBLOCK	2

#define PR_GET_PDEATHSIG	2
#define PR_GET_DUMPABLE		3
#define PR_GET_NAME		16
#define PR_CAPBSET_READ		23
#define PR_GET_SECUREBITS	27
#define PR_GET_TIMERSLACK	30
#define PR_GET_CHILD_SUBREAPER	37
#define PR_GET_NO_NEW_PRIVS	39
#define PR_GET_TID_ADDRESS	40
#define PR_GET_THP_DISABLE	42
#define PR_CAP_AMBIENT		47
#define PR_CAP_AMBIENT_IS_SET	1

static int sock;
static char *area;
static u64 ctl[(16 + SCM_MAX_FD * 4 + 8) / 8];

/* fds that came with the current request (SCM_RIGHTS); a command that keeps one sets it to -1 */
static int rfds[SCM_MAX_FD];
static int nrfds;

/* Receives a request and the fds passed with it (rfds). <= 0 when compel is gone. */
static long recv_req(struct parasite_req *req)
{
	struct iovec iov = { req, sizeof(*req) };
	struct msghdr mh = { 0 };
	long n;

	mh.iov = &iov;
	mh.iovlen = 1;
	mh.control = ctl;
	mh.controllen = sizeof(ctl);
	nrfds = 0;
	do {
		n = sys3(__NR_recvmsg, sock, &mh, MSG_CMSG_CLOEXEC);
	} while (n == -4 /* EINTR */);
	if (n > 0 && mh.controllen >= sizeof(struct cmsghdr) + 4) {
		struct cmsghdr *c = (struct cmsghdr *)ctl;

		/* fewer than were sent when the task's fd table is full (MSG_CTRUNC): len says */
		if (c->level == SOL_SOCKET && c->type == SCM_RIGHTS) {
			nrfds = (int)((c->len - sizeof(*c)) / 4);
			if (nrfds > SCM_MAX_FD)
				nrfds = SCM_MAX_FD;
			memcpy(rfds, CMSG_DATA(c), 4 * (u64)nrfds);
		}
	}
	return n;
}

static long send_rep(long ret, u64 len, const int *fds, int nfds)
{
	struct parasite_rep rep = { ret, len };
	struct iovec iov = { &rep, sizeof(rep) };
	struct msghdr mh = { 0 };
	long n;

	mh.iov = &iov;
	mh.iovlen = 1;
	if (nfds > 0) {
		struct cmsghdr *c = (struct cmsghdr *)ctl;

		c->len = sizeof(*c) + 4 * (u64)nfds;
		c->level = SOL_SOCKET;
		c->type = SCM_RIGHTS;
		memcpy(CMSG_DATA(c), fds, 4 * (u64)nfds);
		mh.control = ctl;
		mh.controllen = sizeof(*c) + ((4 * (u64)nfds + 7) & ~7UL);
	}
	do {
		n = sys3(__NR_sendmsg, sock, &mh, 0);
	} while (n == -4);
	return n;
}

static long do_sigactions(u64 *len)
{
	struct p_sigaction *out = (struct p_sigaction *)area;

	for (int sig = 1; sig <= 64; sig++) {
		long r = sys4(__NR_rt_sigaction, sig, 0, &out[sig - 1], 8);

		if (r < 0)
			memset(&out[sig - 1], 0, sizeof(out[0]));
	}
	*len = 64 * sizeof(*out);
	return 0;
}

static long do_itimers(u64 *len)
{
	for (int which = 0; which < 3; which++) {
		long r = sys2(__NR_getitimer, which, area + 32 * which);

		if (r < 0)
			return r;
	}
	*len = 3 * 32;
	return 0;
}

static long do_posix_timers(u64 n, u64 *len)
{
	int ids[512];
	struct p_posix_timer *out = (struct p_posix_timer *)area;

	if (n > 512)
		return -EINVAL;
	memcpy(ids, area, 4 * n);
	for (u64 i = 0; i < n; i++) {
		long spec[4];
		long r = sys2(__NR_timer_gettime, ids[i], spec);

		if (r < 0)
			return r;
		out[i].id = ids[i];
		out[i].overrun = (int)sys1(__NR_timer_getoverrun, ids[i]);
		out[i].interval_sec = spec[0];
		out[i].interval_nsec = spec[1];
		out[i].value_sec = spec[2];
		out[i].value_nsec = spec[3];
	}
	*len = n * sizeof(*out);
	return 0;
}

static long do_creds(u64 *len)
{
	struct p_creds *c = (struct p_creds *)area;
	struct { u32 version; int pid; } hdr = { 0x20080522, 0 };
	struct { u32 eff, prm, inh; } data[2];
	long r;

	memset(c, 0, sizeof(*c));
	if ((r = sys3(__NR_getresuid, &c->uid, &c->euid, &c->suid)) < 0)
		return r;
	if ((r = sys3(__NR_getresgid, &c->gid, &c->egid, &c->sgid)) < 0)
		return r;
	c->fsuid = (u32)sys1(__NR_setfsuid, -1);
	c->fsgid = (u32)sys1(__NR_setfsgid, -1);
	if ((r = sys2(__NR_capget, &hdr, data)) < 0)
		return r;
	for (int i = 0; i < 2; i++) {
		c->cap_eff[i] = data[i].eff;
		c->cap_prm[i] = data[i].prm;
		c->cap_inh[i] = data[i].inh;
	}
	for (int cap = 0; cap < 64; cap++) {
		r = sys2(__NR_prctl, PR_CAPBSET_READ, cap);
		if (r < 0)
			break;
		if (r > 0)
			c->cap_bnd |= 1UL << cap;
		r = sys5(__NR_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0);
		if (r > 0)
			c->cap_amb |= 1UL << cap;
	}
	c->secbits = (u32)sys1(__NR_prctl, PR_GET_SECUREBITS);
	c->no_new_privs = (u32)sys5(__NR_prctl, PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	r = sys2(__NR_getgroups, 65536, c->groups);
	if (r < 0)
		return r;
	c->ngroups = (u32)r;
	*len = sizeof(*c) + 4 * (u64)r;
	return 0;
}

static long do_misc(u64 *len)
{
	struct p_misc *m = (struct p_misc *)area;
	long r;

	memset(m, 0, sizeof(*m));
	m->personality = (u32)sys1(__NR_personality, 0xffffffff);
	r = sys1(__NR_umask, 0);
	sys1(__NR_umask, r);
	m->umask = (u32)r;
	sys2(__NR_prctl, PR_GET_NAME, m->comm);
	sys2(__NR_prctl, PR_GET_PDEATHSIG, &m->pdeath_sig);
	m->dumpable = (int)sys1(__NR_prctl, PR_GET_DUMPABLE);
	m->pid = (int)sys0(__NR_getpid);
	m->tid = (int)sys0(__NR_gettid);
	m->ppid = (int)sys0(__NR_getppid);
	m->sid = (int)sys1(__NR_getsid, 0);
	m->pgid = (int)sys1(__NR_getpgid, 0);
	sys2(__NR_prctl, PR_GET_CHILD_SUBREAPER, &m->child_subreaper);
	m->timerslack = (u64)sys1(__NR_prctl, PR_GET_TIMERSLACK);
	m->thp_disable = (int)sys5(__NR_prctl, PR_GET_THP_DISABLE, 0, 0, 0, 0);
	*len = sizeof(*m);
	return 0;
}

static long do_thread(u64 *len)
{
	struct p_thread *t = (struct p_thread *)area;
	long r;

	memset(t, 0, sizeof(*t));
	if ((r = sys2(__NR_sigaltstack, 0, &t->ss_sp)) < 0)
		return r;
	sys2(__NR_prctl, PR_GET_TID_ADDRESS, &t->clear_tid);
	t->tid = (int)sys0(__NR_gettid);
	*len = sizeof(*t);
	return 0;
}

/* Moves *iovp past r bytes of its *np iovecs (trimming the one r ends in), then past empty ones. */
static void iov_advance(struct iovec **iovp, u64 *np, long r)
{
	struct iovec *iov = *iovp;
	u64 n = *np;

	while (r > 0 && n > 0) {
		if ((u64)r >= iov->len) {
			r -= iov->len;
			iov++;
			n--;
		} else {
			iov->base = (char *)iov->base + r;
			iov->len -= r;
			r = 0;
		}
	}
	while (n > 0 && iov->len == 0) {
		iov++;
		n--;
	}
	*iovp = iov;
	*np = n;
}

static long do_vmsplice(int fd, u64 n, u64 flags)
{
	struct iovec *iov = (struct iovec *)area;
	long total = 0;

	while (n > 0) {
		u64 cnt = n > 1024 ? 1024 : n;	/* UIO_MAXIOV */
		long r = sys4(__NR_vmsplice, fd, iov, cnt, flags);

		if (r < 0)
			return total ? total : r;
		total += r;
		iov_advance(&iov, &n, r);
	}
	return total;
}

/*
 * Pins task memory into the pipes that came with the request (rfds, in order): the n iovecs at
 * the area are vmspliced, non-blocking, into the first pipe until it holds pipe_bytes or is full
 * (EAGAIN), then into the next, until the iovecs or the pipes run out or vmsplice fails (EFAULT:
 * a page the task cannot read). One request pins what took one remote vmsplice per pipe before.
 * The pipes are compel's: their read ends stay there, the task's copies are closed by the loop
 * after the command. Results at the area: u64 bytes per pipe (nrfds of them), then the error
 * that stopped the loop (0 if none). Returns the bytes pinned in all.
 */
static long do_vmsplice_pipes(u64 n, u64 pipe_bytes, u64 *len)
{
	struct iovec *iov = (struct iovec *)area;
	u64 done[SCM_MAX_FD];
	u64 pending = 0;
	long total = 0, err = 0;
	int k = 0;

	for (int i = 0; i < nrfds; i++)
		done[i] = 0;
	/* a SIGPIPE the loop raises (compel gone: its read ends closed) must not outlive the parasite */
	sys2(__NR_rt_sigpending, &pending, 8);
	while (n > 0 && k < nrfds) {
		u64 cnt = n > 1024 ? 1024 : n;	/* UIO_MAXIOV */
		long r = sys4(__NR_vmsplice, rfds[k], iov, cnt, SPLICE_F_NONBLOCK);

		if (r == -EAGAIN) {	/* this pipe is full */
			k++;
			continue;
		}
		if (r < 0) {
			if (r == -EPIPE && !(pending & (1UL << (SIGPIPE - 1)))) {
				u64 set = 1UL << (SIGPIPE - 1);
				long zero[2] = { 0, 0 };

				sys4(__NR_rt_sigtimedwait, &set, 0, zero, 8);
			}
			err = r;
			break;
		}
		total += r;
		done[k] += r;
		if (done[k] >= pipe_bytes)
			k++;
		iov_advance(&iov, &n, r);
	}
	memcpy(area, done, 8 * (u64)nrfds);
	memcpy(area + 8 * (u64)nrfds, &err, 8);
	*len = 8 * (u64)nrfds + 8;
	return total;
}

long parasite_loop(int sockfd, char *args)
{
	struct parasite_req req;

	sock = sockfd;
	area = args;
	for (;;) {
		long ret;
		u64 len = 0;
		int nfds = 0;

		if (recv_req(&req) <= 0)
			break;
		switch (req.cmd) {
		case PCMD_PING:
			ret = PARASITE_PROTO;
			break;
		case PCMD_SYSCALL: {
			long *a = (long *)area;

			ret = sys6(req.a0, a[0], a[1], a[2], a[3], a[4], a[5]);
			break;
		}
		case PCMD_SIGACTIONS:
			ret = do_sigactions(&len);
			break;
		case PCMD_ITIMERS:
			ret = do_itimers(&len);
			break;
		case PCMD_POSIX_TIMERS:
			ret = do_posix_timers(req.a0, &len);
			break;
		case PCMD_CREDS:
			ret = do_creds(&len);
			break;
		case PCMD_MISC:
			ret = do_misc(&len);
			break;
		case PCMD_THREAD:
			ret = do_thread(&len);
			break;
		case PCMD_SEND_FDS:
			ret = req.a0 <= SCM_MAX_FD ? 0 : -EINVAL;
			nfds = ret == 0 ? (int)req.a0 : 0;
			break;
		case PCMD_TAKE_FD:
			ret = nrfds > 0 ? rfds[0] : -EINVAL;
			if (nrfds > 0)
				rfds[0] = -1;
			break;
		case PCMD_CLOSE_FD:
			ret = sys1(__NR_close, req.a0);
			break;
		case PCMD_VMSPLICE:
			ret = do_vmsplice((int)req.a0, req.a1, req.a2);
			break;
		case PCMD_VMSPLICE_PIPES:
			ret = do_vmsplice_pipes(req.a0, req.a1, &len);
			break;
		default:
			ret = -EINVAL;
		}
		for (int i = 0; i < nrfds; i++)
			if (rfds[i] >= 0)
				sys1(__NR_close, rfds[i]);
		nrfds = 0;
		if (send_rep(ret, len, (int *)area, nfds) < 0) {
			if (nfds > 0 && send_rep(-9 /* EBADF */, 0, 0, 0) >= 0)
				continue;
			break;
		}
	}
	sys1(__NR_close, sock);
	return 0;
}
