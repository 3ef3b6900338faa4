/*
 * jcriu scenario harness: the protocol every scenario program follows.
 *
 *   PROGRAM --status FILE [--arg X]
 *
 * The program sets up its state, calls sc_ready() (appends "READY\n" to
 * FILE), then sc_wait() until SIGTERM arrives (after a checkpoint/restore,
 * or directly in a self test), checks that its state survived and calls
 * sc_pass() ("PASS\n", exit 0) or sc_fail() ("FAIL: reason\n", exit 1).
 * The status file is reopened for every line and never kept open, so it is
 * not part of the dumped state. See Documentation/testing.md.
 */
#ifndef JCRIU_SCENARIO_H
#define JCRIU_SCENARIO_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Scenario name (basename of argv[0]). */
extern const char *sc_name;
/* Value of --arg, or NULL. */
extern const char *sc_arg;
/* Set once SIGTERM has been taken (by sc_wait or sc_check_term). */
extern volatile sig_atomic_t sc_term;

/* Parses the arguments and blocks SIGTERM in the calling thread (threads
 * created afterwards inherit the block). No handler is installed: SIGTERM
 * stays pending until sc_wait()/sc_check_term() takes it synchronously, so
 * a scenario has no signal disposition unless it tests one. A thread that
 * unblocks SIGTERM would be killed by it: keep it blocked everywhere. */
void sc_init(int argc, char **argv);
/* Appends "READY\n" to the status file. */
void sc_ready(void);
/* Waits (sigwaitinfo) until SIGTERM has been received. The signal mask is
 * not changed. */
void sc_wait(void);
/* For busy scenarios: non-blocking check; true once SIGTERM is pending or
 * was taken (consumes it). */
int sc_check_term(void);
/* True when run with --arg corrupt: the scenario must then damage its own
 * state after sc_ready() so that the check fails (negative self test). */
int sc_corrupt(void);
/* Appends a free-form line to the status file (diagnostics; not READY/PASS). */
void sc_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Appends "PASS\n" and exits 0. */
_Noreturn void sc_pass(void);
/* Appends "FAIL: [pid N] reason\n" and exits 1 (_exit: safe in children). */
/* (It also SIGKILLs the children this process made with sc_fork.) */
_Noreturn void sc_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define SC_CHECK(cond, ...) do { if (!(cond)) sc_fail(__VA_ARGS__); } while (0)
/* Like SC_CHECK for a call that returns -1 with errno. */
#define SC_SYS(call) ({ long __r = (long)(call); \
	if (__r == -1) \
		sc_fail("%s:%d: %s: %s", __FILE__, __LINE__, #call, strerror(errno)); \
	__r; })

/* Scratch directory for this run: dirname(status)/scratch, created by
 * sc_init(). Files there stay in place across dump and restore. */
const char *sc_dir(void);
/* Builds "sc_dir()/name" into a static rotating buffer. */
const char *sc_path(const char *name);
/* Keeps an O_PATH descriptor of the status file's directory and writes the
 * status through it from now on (for scenarios that chroot). */
void sc_keep_status_dir(void);

/* Deterministic pattern bytes (xorshift64*), and its verification:
 * sc_verify returns the offset of the first mismatch or -1. */
void sc_fill(void *p, size_t n, uint64_t seed);
long sc_verify(const void *p, size_t n, uint64_t seed);
uint64_t sc_hash(const void *p, size_t n);

/* Clock readings in nanoseconds / seconds (CLOCK_MONOTONIC). */
int64_t sc_ns(clockid_t clk);
double sc_now(void);
/* Sleeps for ms milliseconds (restarts on EINTR). */
void sc_msleep(long ms);

/* Reads a whole small file (e.g. from /proc) into a static buffer; NULL on error. */
char *sc_read_file(const char *path);
/* Finds "key" at the start of a line in text and returns the rest of it
 * (copied into a static buffer, no newline), or NULL. */
char *sc_line_value(const char *text, const char *key);
/* Sorts the lines of buf (at most 64, 4 KiB in all) in place. fdinfo lists
 * entries in kernel order (epoll: by struct file address, inotify: newest
 * watch first), which a restore need not reproduce: compare them sorted. */
void sc_sort_lines(char *buf);
/* The /proc/self/smaps entry of the VMA containing addr: copies the value
 * of field (e.g. "VmFlags:") to out; returns 0, or -1 if not found. lo/hi
 * (optional) get the VMA's range. */
int sc_smaps_field(const void *addr, const char *field, char *out, size_t n,
		   unsigned long *lo, unsigned long *hi);
/* True if the VMA containing addr has the two-letter VmFlags flag. */
int sc_vmflag(const void *addr, const char *flag);
/* Writes all / reads exactly n bytes (handles short io, EINTR). */
int sc_write_all(int fd, const void *buf, size_t n);
int sc_read_all(int fd, void *buf, size_t n);

/* Process trees: forks a child that runs fn(arg) and _exit()s its return
 * value. The child keeps SIGTERM blocked and should sc_wait() itself. */
pid_t sc_fork(int (*fn)(void *), void *arg);
/* Waits for a child with a bound (ms); returns its wait status, or -1 on
 * timeout (the child is then killed). */
int sc_waitpid(pid_t pid, long timeout_ms);
/* Sends SIGTERM to pid and fails unless it exits 0 within 10 s. */
void sc_stop_child(pid_t pid, const char *what);

/* Sync pipe helpers: a pipe used once while setting up, then closed. */
struct sc_sync { int fd[2]; };
void sc_sync_init(struct sc_sync *s);
void sc_sync_post(struct sc_sync *s);            /* child side: write 1 byte, close */
void sc_sync_wait(struct sc_sync *s, int count); /* parent side: read count bytes, close */
void sc_sync_close(struct sc_sync *s);         /* holder that neither posts nor waits */

static inline pid_t sc_gettid(void) { return (pid_t)syscall(SYS_gettid); }

#endif
