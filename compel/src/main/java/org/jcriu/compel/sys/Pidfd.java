package org.jcriu.compel.sys;

/** pidfd_open(2), pidfd_getfd(2), pidfd_send_signal(2). */
public final class Pidfd {
    private Pidfd() {}

    /** pidfd_open flag (6.9+): a pidfd for one thread, not the thread group */
    public static final int PIDFD_THREAD = 0200;

    /** pidfd_open(pid, 0). @return the pidfd */
    public static int open(int pid) {
        return open(pid, 0);
    }

    /** pidfd_open(pid, flags). @return the pidfd */
    public static int open(int pid, int flags) {
        return (int) Kernel.call("pidfd_open", Syscalls.PIDFD_OPEN, pid, flags, 0);
    }

    /** pidfd_getfd(pidfd, targetfd, 0): a copy of another process's fd. @return the new fd (O_CLOEXEC) */
    public static int getfd(int pidfd, int targetFd) {
        return (int) Kernel.call("pidfd_getfd", Syscalls.PIDFD_GETFD, pidfd, targetFd, 0);
    }

    /** pidfd_send_signal(pidfd, sig, NULL, 0). */
    public static void sendSignal(int pidfd, int sig) {
        Kernel.call("pidfd_send_signal", Syscalls.PIDFD_SEND_SIGNAL, pidfd, sig, 0);
    }
}
