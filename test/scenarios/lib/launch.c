/*
 * launch: starts a scenario program detached from the caller.
 *
 *   launch [--no-setsid] [--reaper] [--log FILE] [--cwd DIR] -- PROGRAM [ARGS...]
 *
 * Double fork: the intermediate process exits at once, so the program is
 * re-parented to init (or the nearest subreaper) and never becomes a child
 * of the caller (the JVM's process reaper must not wait on a traced task).
 * By default the program calls setsid() and so is a session and process
 * group leader (CRIU wants the session leader inside the dumped tree);
 * --no-setsid keeps the caller's session (dump it with --shell-job).
 * stdin is /dev/null; stdout and stderr go to FILE (appended; /dev/null
 * without --log). Every other descriptor is closed. Prints the program's
 * pid on stdout and exits 0 once the exec has succeeded (127 if it failed).
 *
 * --reaper: the intermediate process stays, as a child subreaper with its
 * stdio on /dev/null, and reaps the program and any orphan of its tree as
 * soon as they die (init here takes 1 to 2 s), then exits when it has no
 * child left. It never traces and never waits for stopped children, so
 * ptrace stops are not taken from the tracer. Used by the JUnit runners:
 * after a dump the pids are free at once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: launch [--no-setsid] [--reaper] [--log FILE] [--cwd DIR] -- PROGRAM [ARGS...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int do_setsid = 1, reaper = 0;
	const char *log = "/dev/null", *cwd = NULL;
	int i;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--no-setsid"))
			do_setsid = 0;
		else if (!strcmp(argv[i], "--reaper"))
			reaper = 1;
		else if (!strcmp(argv[i], "--log") && i + 1 < argc)
			log = argv[++i];
		else if (!strcmp(argv[i], "--cwd") && i + 1 < argc)
			cwd = argv[++i];
		else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (argv[i][0] == '-')
			usage();
		else
			break;
	}
	if (i >= argc)
		usage();
	char **prog = argv + i;

	int pidpipe[2], execpipe[2];
	if (pipe2(pidpipe, O_CLOEXEC) || pipe2(execpipe, O_CLOEXEC)) {
		perror("launch: pipe");
		return 1;
	}
	int logfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (logfd < 0) {
		fprintf(stderr, "launch: %s: %s\n", log, strerror(errno));
		return 1;
	}
	int nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (nullfd < 0) {
		perror("launch: /dev/null");
		return 1;
	}
	fflush(NULL);

	pid_t mid = fork();
	if (mid < 0) {
		perror("launch: fork");
		return 1;
	}
	if (mid == 0) {
		if (reaper) {
			setsid();   /* out of the caller's session and process group */
			prctl(PR_SET_CHILD_SUBREAPER, 1);
		}
		pid_t pid = fork();
		if (pid < 0)
			_exit(1);
		if (pid > 0) {
			(void)!write(pidpipe[1], &pid, sizeof(pid));
			if (!reaper)
				_exit(0);
			/* stay as the reaper: let go of the caller's stdio and pipes */
			prctl(PR_SET_NAME, "launch-reaper");
			dup2(nullfd, 0);
			int devnull = open("/dev/null", O_WRONLY);
			dup2(devnull, 1);
			dup2(devnull, 2);
			for (int fd = 3; fd < 1024; fd++)
				close(fd);
			while (wait(NULL) > 0 || errno == EINTR)
				;
			_exit(0);
		}
		/* the scenario process */
		if (do_setsid && setsid() < 0) {
			int e = errno;
			(void)!write(execpipe[1], &e, sizeof(e));
			_exit(127);
		}
		if (cwd && chdir(cwd)) {
			int e = errno;
			(void)!write(execpipe[1], &e, sizeof(e));
			_exit(127);
		}
		if (dup2(nullfd, 0) < 0 || dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0)
			_exit(127);
		/* everything else closes: the pipes are O_CLOEXEC, the rest goes */
		for (int fd = 3; fd < 1024; fd++)
			if (fd != execpipe[1])
				close(fd);
		execvp(prog[0], prog);
		int e = errno;
		fprintf(stderr, "launch: exec %s: %s\n", prog[0], strerror(e));
		(void)!write(execpipe[1], &e, sizeof(e));
		_exit(127);
	}
	close(pidpipe[1]);
	close(execpipe[1]);
	int st;
	if (!reaper)   /* the reaper stays; init inherits it when we exit */
		while (waitpid(mid, &st, 0) < 0 && errno == EINTR)
			;
	pid_t pid = 0;
	if (read(pidpipe[0], &pid, sizeof(pid)) != sizeof(pid) || pid <= 0) {
		fprintf(stderr, "launch: fork of the program failed\n");
		return 1;
	}
	int e = 0;
	ssize_t r;
	while ((r = read(execpipe[0], &e, sizeof(e))) < 0 && errno == EINTR)
		;
	if (r > 0) {
		fprintf(stderr, "launch: %s: %s\n", prog[0], strerror(e));
		return 127;
	}
	printf("%d\n", pid);
	return 0;
}
