package org.jcriu.criu.sys;

/** pidfd_open(2), pidfd_getfd(2), pidfd_send_signal(2): other tasks' fds without a parasite. */
public final class Pidfd {
    private static final int NR_PIDFD_SEND_SIGNAL = 424, NR_PIDFD_OPEN = 434, NR_PIDFD_GETFD = 438;

    private Pidfd() {}

    /** pidfd_open(pid, 0). */
    public static Fd open(int pid) throws Errno {
        return new Fd((int) LibC.sys("pidfd_open", NR_PIDFD_OPEN, pid, 0, 0, 0, 0, 0));
    }

    /** pidfd_getfd(pidfd, targetfd, 0): a new fd here for the task's open file (O_CLOEXEC set). */
    public static Fd getfd(Fd pidfd, int targetFd) throws Errno {
        return new Fd((int) LibC.sys("pidfd_getfd", NR_PIDFD_GETFD, pidfd.fd(), targetFd, 0, 0, 0, 0));
    }

    /** pidfd_send_signal(pidfd, sig, NULL, 0). */
    public static void sendSignal(Fd pidfd, int sig) throws Errno {
        LibC.sys("pidfd_send_signal", NR_PIDFD_SEND_SIGNAL, pidfd.fd(), sig, 0, 0, 0, 0);
    }

    /** True if the kernel has pidfd_open and pidfd_getfd (5.6+). */
    public static boolean supported() {
        try (Fd self = open((int) ProcessHandle.current().pid()); Fd copy = getfd(self, 0)) {
            return copy.fd() >= 0;
        } catch (Errno e) {
            return false;
        }
    }
}
