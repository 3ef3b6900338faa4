package org.jcriu.compel.sys;

/** signal.h: numbers, kill/tgkill, and the 64-bit sigset_t the kernel uses on x86-64. */
public final class Signal {
    private Signal() {}

    public static final int SIGHUP = 1;
    public static final int SIGINT = 2;
    public static final int SIGQUIT = 3;
    public static final int SIGILL = 4;
    public static final int SIGTRAP = 5;
    public static final int SIGABRT = 6;
    public static final int SIGBUS = 7;
    public static final int SIGFPE = 8;
    public static final int SIGKILL = 9;
    public static final int SIGUSR1 = 10;
    public static final int SIGSEGV = 11;
    public static final int SIGUSR2 = 12;
    public static final int SIGPIPE = 13;
    public static final int SIGALRM = 14;
    public static final int SIGTERM = 15;
    public static final int SIGCHLD = 17;
    public static final int SIGCONT = 18;
    public static final int SIGSTOP = 19;
    public static final int SIGTSTP = 20;
    public static final int SIGTTIN = 21;
    public static final int SIGTTOU = 22;
    public static final int SIGSYS = 31;
    public static final int SIGRTMIN = 32;
    /** Highest signal number */
    public static final int _NSIG = 64;

    /** rt_sigaction sa_flags */
    public static final long SA_NOCLDSTOP = 1;
    public static final long SA_SIGINFO = 4;
    public static final long SA_ONSTACK = 0x08000000L;
    public static final long SA_RESTART = 0x10000000L;
    public static final long SA_NODEFER = 0x40000000L;
    public static final long SA_RESETHAND = 0x80000000L;
    public static final long SA_RESTORER = 0x04000000L;

    /** kernel SIG_DFL / SIG_IGN handler values */
    public static final long SIG_DFL = 0;
    public static final long SIG_IGN = 1;

    /** @return the sigset_t bit of a signal */
    public static long bit(int sig) {
        return 1L << (sig - 1);
    }

    /** kill(pid, sig). */
    public static void kill(int pid, int sig) {
        Kernel.call("kill", Syscalls.KILL, pid, sig, 0);
    }

    /** tgkill(tgid, tid, sig). */
    public static void tgkill(int tgid, int tid, int sig) {
        Kernel.call("tgkill", Syscalls.TGKILL, tgid, tid, sig);
    }
}
