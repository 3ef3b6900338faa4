package org.jcriu.compel.sys;

import com.sun.jna.Memory;

/** poll(2) on one fd. */
public final class Poll {
    private Poll() {}

    public static final short POLLIN = 1;
    public static final short POLLOUT = 4;
    public static final short POLLERR = 8;
    public static final short POLLHUP = 16;

    private static final ThreadLocal<Memory> FDS = ThreadLocal.withInitial(() -> new Memory(8));

    /**
     * Waits for {@code events} on {@code fd}.
     *
     * @return the revents, 0 on timeout
     */
    public static int poll(int fd, int events, int timeoutMillis) {
        Memory m = FDS.get();
        m.setInt(0, fd);
        m.setShort(4, (short) events);
        m.setShort(6, (short) 0);
        long r;
        do {
            r = Kernel.raw(Syscalls.POLL, com.sun.jna.Pointer.nativeValue(m), 1, timeoutMillis, 0, 0, 0);
        } while (r == -1 && Errno.last() == Errno.EINTR);
        if (r == -1) {
            throw ErrnoException.of("poll", Errno.last());
        }
        return r == 0 ? 0 : m.getShort(6) & 0xffff;
    }

    /**
     * Waits for POLLIN on either of two fds.
     *
     * @return bit 0 set if {@code fd0} is readable (or hung up), bit 1 for {@code fd1}; 0 on timeout
     */
    public static int pollIn2(int fd0, int fd1, int timeoutMillis) {
        Memory m = FDS2.get();
        m.setInt(0, fd0);
        m.setShort(4, POLLIN);
        m.setShort(6, (short) 0);
        m.setInt(8, fd1);
        m.setShort(12, POLLIN);
        m.setShort(14, (short) 0);
        long r;
        do {
            r = Kernel.raw(Syscalls.POLL, com.sun.jna.Pointer.nativeValue(m), 2, timeoutMillis, 0, 0, 0);
        } while (r == -1 && Errno.last() == Errno.EINTR);
        if (r == -1) {
            throw ErrnoException.of("poll", Errno.last());
        }
        return (m.getShort(6) != 0 ? 1 : 0) | (m.getShort(14) != 0 ? 2 : 0);
    }

    private static final ThreadLocal<Memory> FDS2 = ThreadLocal.withInitial(() -> new Memory(16));
}
