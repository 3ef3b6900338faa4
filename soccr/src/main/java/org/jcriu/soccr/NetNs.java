package org.jcriu.soccr;

/**
 * Moves the calling thread into a network namespace for the lifetime of this
 * object (sockets created meanwhile belong to it) and back on {@link #close()}.
 * setns(CLONE_NEWNET) affects only the calling thread.
 */
final class NetNs implements AutoCloseable {
    private final int home;

    private NetNs(int home) {
        this.home = home;
    }

    /** Enters the namespace given by {@code path} (e.g. /run/netns/NAME) or, when path is null, by {@code fd}. */
    static NetNs enter(String path, int fd) throws ErrnoException {
        int home = Sys.open("/proc/thread-self/ns/net");
        int target = fd;
        try {
            if (path != null) {
                target = Sys.open(path);
            }
            Sys.setns(target, path != null ? path : "fd " + fd);
        } catch (ErrnoException e) {
            LibC.close(home);
            throw e;
        } finally {
            if (path != null && target >= 0) {
                LibC.close(target);
            }
        }
        return new NetNs(home);
    }

    @Override
    public void close() throws ErrnoException {
        try {
            Sys.setns(home, "back to the thread's namespace");
        } finally {
            LibC.close(home);
        }
    }
}
