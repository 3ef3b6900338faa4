package org.jcriu.criu.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/** getsockopt/setsockopt and peeking recv on an orchestrator-held copy of a socket fd. */
public final class Sockets {
    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2, SO_TYPE = 3, SO_DONTROUTE = 5, SO_BROADCAST = 6, SO_SNDBUF = 7,
            SO_RCVBUF = 8, SO_KEEPALIVE = 9, SO_OOBINLINE = 10, SO_NO_CHECK = 11, SO_PRIORITY = 12,
            SO_LINGER = 13, SO_REUSEPORT = 15, SO_PASSCRED = 16, SO_RCVLOWAT = 18, SO_RCVTIMEO = 20,
            SO_SNDTIMEO = 21, SO_PASSSEC = 34, SO_MARK = 36, SO_PROTOCOL = 38, SO_DOMAIN = 39, SO_PEEK_OFF = 42;
    public static final int MSG_PEEK = 2, MSG_DONTWAIT = 0x40, MSG_TRUNC = 0x20;

    private Sockets() {}

    /** getsockopt(fd, level, name) as an int. */
    public static int getInt(int fd, int level, int name) throws Errno {
        Memory v = new Memory(4);
        v.setInt(0, 0);
        try {
            LibC.getsockopt(fd, level, name, v, new int[] {4});
        } catch (LastErrorException e) {
            throw new Errno("getsockopt(" + name + ")", e.getErrorCode());
        }
        return v.getInt(0);
    }

    /** getsockopt of a struct timeval option: {sec, usec}. */
    public static long[] getTimeval(int fd, int name) throws Errno {
        Memory v = new Memory(16);
        v.clear();
        try {
            LibC.getsockopt(fd, SOL_SOCKET, name, v, new int[] {16});
        } catch (LastErrorException e) {
            throw new Errno("getsockopt(" + name + ")", e.getErrorCode());
        }
        return new long[] {v.getLong(0), v.getLong(8)};
    }

    /** setsockopt(fd, level, name, int). */
    public static void setInt(int fd, int level, int name, int value) throws Errno {
        Memory v = new Memory(4);
        v.setInt(0, value);
        try {
            LibC.setsockopt(fd, level, name, v, 4);
        } catch (LastErrorException e) {
            throw new Errno("setsockopt(" + name + ")", e.getErrorCode());
        }
    }

    /** recv(fd, buf, len, flags); -1 for EAGAIN. */
    public static long recv(int fd, Pointer buf, long len, int flags) throws Errno {
        try {
            return LibC.recv(fd, buf, len, flags);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.EAGAIN) return -1;
            throw new Errno("recv", e.getErrorCode());
        }
    }

    /**
     * recvfrom(fd, buf, len, flags) with the sender's address: the byte count (-1 for EAGAIN)
     * and, in {@code from[0]}, the address as the kernel gave it (empty for an unnamed sender).
     */
    public static long recvfrom(int fd, Pointer buf, long len, int flags, byte[][] from) throws Errno {
        Memory a = new Memory(128);
        int[] alen = {128};
        try {
            long n = LibC.recvfrom(fd, buf, len, flags, a, alen);
            from[0] = a.getByteArray(0, Math.min(alen[0], 128));
            return n;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.EAGAIN) return -1;
            throw new Errno("recvfrom", e.getErrorCode());
        }
    }

    /** accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC); -1 when nothing is pending. */
    public static long accept(int fd) throws Errno {
        try {
            return LibC.syscall(288, fd, 0, 0, 04000 | 02000000, 0, 0);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.EAGAIN) return -1;
            throw new Errno("accept4", e.getErrorCode());
        }
    }

}
