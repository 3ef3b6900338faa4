package org.jcriu.soccr;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * Thin checked wrappers over {@link LibC}: each calls, checks the result, and
 * throws {@link ErrnoException} naming the call. Nothing else lives here.
 */
final class Sys {
    private Sys() {
    }

    private static ErrnoException fail(String call) {
        return ErrnoException.of(call, Native.getLastError());
    }

    static int socket(int domain, int type, int protocol) throws ErrnoException {
        int fd = LibC.socket(domain, type, protocol);
        if (fd < 0) {
            throw fail("socket");
        }
        return fd;
    }

    static void close(int fd) throws ErrnoException {
        if (LibC.close(fd) < 0) {
            throw fail("close");
        }
    }

    static int dup(int fd) throws ErrnoException {
        int r = LibC.dup(fd);
        if (r < 0) {
            throw fail("dup");
        }
        return r;
    }

    static void setInt(int fd, int level, int name, int value, String what) throws ErrnoException {
        if (LibC.setsockopt(fd, level, name, new int[] {value}, 4) < 0) {
            throw fail("setsockopt(" + what + ")");
        }
    }

    static void setBytes(int fd, int level, int name, byte[] value, int len, String what) throws ErrnoException {
        if (LibC.setsockopt(fd, level, name, value, len) < 0) {
            throw fail("setsockopt(" + what + ")");
        }
    }

    static int getInt(int fd, int level, int name, String what) throws ErrnoException {
        int[] v = new int[1];
        if (LibC.getsockopt(fd, level, name, v, new int[] {4}) < 0) {
            throw fail("getsockopt(" + what + ")");
        }
        return v[0];
    }

    /** Reads a struct option into {@code buf}; returns the length the kernel wrote. */
    static int getBytes(int fd, int level, int name, byte[] buf, String what) throws ErrnoException {
        int[] len = {buf.length};
        if (LibC.getsockopt(fd, level, name, buf, len) < 0) {
            throw fail("getsockopt(" + what + ")");
        }
        return len[0];
    }

    static int ioctlInt(int fd, long request, String what) throws ErrnoException {
        int[] v = new int[1];
        if (LibC.ioctl(fd, request, v) < 0) {
            throw fail("ioctl(" + what + ")");
        }
        return v[0];
    }

    static long recv(int fd, Pointer buf, long len, int flags, String what) throws ErrnoException {
        long n = LibC.recv(fd, buf, len, flags);
        if (n < 0) {
            throw fail("recv(" + what + ")");
        }
        return n;
    }

    /** Returns bytes sent, or -EAGAIN/-ENOMEM when the kernel reports those (callers retry). */
    static long send(int fd, Pointer buf, long len, int flags, String what) throws ErrnoException {
        long n = LibC.send(fd, buf, len, flags);
        if (n < 0) {
            int e = Native.getLastError();
            if (e == ErrnoException.EAGAIN || e == ErrnoException.ENOMEM || e == ErrnoException.EINTR) {
                return -e;
            }
            throw ErrnoException.of("send(" + what + ")", e);
        }
        return n;
    }

    static void sendto(int fd, byte[] buf, int len, byte[] addr, int addrLen, String what) throws ErrnoException {
        if (LibC.sendto(fd, buf, len, 0, addr, addrLen) < 0) {
            throw fail("sendto(" + what + ")");
        }
    }

    static void bind(int fd, byte[] addr, int len) throws ErrnoException {
        if (LibC.bind(fd, addr, len) < 0) {
            throw fail("bind");
        }
    }

    static void connect(int fd, byte[] addr, int len) throws ErrnoException {
        if (LibC.connect(fd, addr, len) < 0) {
            throw fail("connect");
        }
    }

    static int getsockname(int fd, byte[] addr) throws ErrnoException {
        int[] len = {addr.length};
        if (LibC.getsockname(fd, addr, len) < 0) {
            throw fail("getsockname");
        }
        return len[0];
    }

    static int getpeername(int fd, byte[] addr) throws ErrnoException {
        int[] len = {addr.length};
        if (LibC.getpeername(fd, addr, len) < 0) {
            throw fail("getpeername");
        }
        return len[0];
    }

    static void shutdown(int fd, int how) throws ErrnoException {
        if (LibC.shutdown(fd, how) < 0) {
            throw fail("shutdown");
        }
    }

    static void poll(int fd, short events, int timeoutMs) throws ErrnoException {
        byte[] pfd = new byte[8];
        pfd[0] = (byte) fd;
        pfd[1] = (byte) (fd >>> 8);
        pfd[2] = (byte) (fd >>> 16);
        pfd[3] = (byte) (fd >>> 24);
        pfd[4] = (byte) events;
        pfd[5] = (byte) (events >>> 8);
        if (LibC.poll(pfd, 1, timeoutMs) < 0) {
            int e = Native.getLastError();
            if (e != ErrnoException.EINTR) {
                throw ErrnoException.of("poll", e);
            }
        }
    }

    static void setns(int fd, String what) throws ErrnoException {
        if (LibC.setns(fd, LibC.CLONE_NEWNET) < 0) {
            throw fail("setns(" + what + ")");
        }
    }

    static int open(String path) throws ErrnoException {
        int fd = LibC.open(path, LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw fail("open(" + path + ")");
        }
        return fd;
    }
}
