/*
 * compel <-> parasite protocol. The Java side (org.jcriu.compel.Parasite) mirrors these numbers
 * and layouts; change both together and bump PARASITE_PROTO.
 *
 * Transport: one AF_UNIX SOCK_SEQPACKET socket. compel sends a struct parasite_req, the
 * parasite answers with a struct parasite_rep. Bulk arguments and results live in the shared
 * args area (its address is given at start); fds travel as SCM_RIGHTS on the messages.
 */
#pragma once

#define PARASITE_PROTO 2

enum parasite_cmd {
	PCMD_PING = 1,		/* ret = PARASITE_PROTO */
	PCMD_SYSCALL = 2,	/* a0 = nr, args[6] u64 at area; ret = raw result */
	PCMD_SIGACTIONS = 3,	/* area: 64 x struct p_sigaction for signals 1..64 */
	PCMD_ITIMERS = 4,	/* area: 3 x struct itimerval (REAL, VIRTUAL, PROF) */
	PCMD_POSIX_TIMERS = 5,	/* a0 = n; area in: n x s32 ids; out: n x struct p_posix_timer */
	PCMD_CREDS = 6,		/* area: struct p_creds */
	PCMD_MISC = 7,		/* area: struct p_misc */
	PCMD_THREAD = 8,	/* area: struct p_thread (the parasite's own thread) */
	PCMD_SEND_FDS = 9,	/* a0 = n (<= 253); area: n x s32 fds; reply carries them */
	PCMD_TAKE_FD = 10,	/* request carries one fd; ret = its number in the task */
	PCMD_CLOSE_FD = 11,	/* a0 = fd; ret = close() result */
	PCMD_VMSPLICE = 12,	/* a0 = pipe fd, a1 = n iovecs at area, a2 = flags; ret = bytes */
	PCMD_VMSPLICE_PIPES = 13,	/* request carries k pipe fds; a0 = n iovecs at area,
				 * a1 = bytes per pipe; ret = bytes; area out: k x u64
				 * bytes per pipe, s64 -errno that stopped it (or 0) */
};

struct parasite_req {
	unsigned int cmd;
	unsigned int pad;
	unsigned long a0, a1, a2, a3;
};				/* 40 bytes */

struct parasite_rep {
	long ret;		/* >= 0 or -errno */
	unsigned long len;	/* bytes of result in the area */
};				/* 16 bytes */

struct p_sigaction {
	unsigned long handler, flags, restorer, mask;
};				/* 32 bytes, the kernel's struct sigaction */

struct p_posix_timer {
	int id, overrun;
	long interval_sec, interval_nsec, value_sec, value_nsec;
};				/* 40 bytes */

struct p_creds {
	unsigned int uid, euid, suid, fsuid;
	unsigned int gid, egid, sgid, fsgid;
	unsigned int cap_eff[2], cap_prm[2], cap_inh[2];	/* 48 */
	unsigned long cap_bnd, cap_amb;				/* 64 */
	unsigned int secbits, no_new_privs, ngroups, pad;	/* 80 */
	unsigned int groups[];					/* ngroups */
};

struct p_misc {
	unsigned int personality, umask;
	char comm[16];				/* 24 */
	int pdeath_sig, dumpable;		/* 32 */
	int pid, tid, ppid, sid, pgid;		/* 52 */
	int child_subreaper;			/* 56 */
	unsigned long timerslack;		/* 64 */
	int thp_disable, pad;			/* 72 */
};

struct p_thread {
	unsigned long ss_sp;
	int ss_flags, pad;
	unsigned long ss_size;
	unsigned long clear_tid;
	int tid, pad2;
};				/* 40 bytes */
