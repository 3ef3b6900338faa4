package org.jcriu.criu.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import java.io.IOException;

/** pipe2, tee, splice and the pipe fcntls: moving bytes between fds without a user copy. */
public final class Pipes {
    /** fcntl commands. */
    public static final int F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032, F_DUPFD_CLOEXEC = 1030;
    /** flags. */
    public static final int O_NONBLOCK = 04000, O_CLOEXEC = 02000000;
    /** splice/tee flags. */
    public static final int SPLICE_F_MOVE = 1, SPLICE_F_NONBLOCK = 2, SPLICE_F_MORE = 4, SPLICE_F_GIFT = 8;
    /** ioctl FIONREAD: bytes queued in a pipe or socket. */
    public static final int FIONREAD = 0x541B;

    private Pipes() {}

    /** pipe2(flags): {read end, write end}. */
    public static Fd[] pipe(int flags) throws Errno {
        int[] p = new int[2];
        try {
            LibC.pipe2(p, flags);
        } catch (LastErrorException e) {
            throw new Errno("pipe2", e.getErrorCode());
        }
        return new Fd[] {new Fd(p[0]), new Fd(p[1])};
    }

    /** tee(in, out, len, flags): duplicates pipe content without consuming it. */
    public static long tee(Fd in, Fd out, long len, int flags) throws Errno {
        try {
            return LibC.tee(in.fd(), out.fd(), len, flags);
        } catch (LastErrorException e) {
            throw new Errno("tee", e.getErrorCode());
        }
    }

    /** splice(in, NULL, out, NULL, len, flags). */
    public static long splice(int in, int out, long len, int flags) throws Errno {
        try {
            return LibC.splice(in, null, out, null, len, flags);
        } catch (LastErrorException e) {
            throw new Errno("splice", e.getErrorCode());
        }
    }

    /** Moves exactly len bytes from a pipe into an fd (file or pipe), looping over short splices. */
    public static void spliceAll(int in, int out, long len) throws IOException {
        long left = len;
        while (left > 0) {
            long n = splice(in, out, left, SPLICE_F_MOVE);
            if (n == 0) throw new IOException("splice: pipe drained with " + left + " bytes still expected");
            left -= n;
        }
    }

    /**
     * Grows this process's fd table so that fds up to n need no growth later: a table shared
     * by several threads (ours, a JVM's) waits for an RCU grace period each time it grows, 5 to
     * 100 ms under load, and a dump that makes a thousand pipes while the tree is frozen would
     * pay it at 256, 512, 1024... fds. The table never shrinks. fcntl(F_DUPFD_CLOEXEC, n) of a
     * pipe end takes the lowest free number from n, then both are closed. Returns false if n is
     * over RLIMIT_NOFILE (EINVAL).
     */
    public static boolean growFdTable(int n) throws Errno {
        Fd[] p = pipe(O_CLOEXEC);
        try {
            try (Fd high = new Fd(fcntl(p[0].fd(), F_DUPFD_CLOEXEC, n, "fcntl(F_DUPFD_CLOEXEC)"))) {
                return high.fd() >= n;
            } catch (Errno e) {
                if (e.errno() == 22) return false;
                throw e;
            }
        } finally {
            p[0].close();
            p[1].close();
        }
    }

    /** fcntl(fd, F_GETPIPE_SZ). */
    public static int size(Fd p) throws Errno {
        return fcntl(p.fd(), F_GETPIPE_SZ, 0, "fcntl(F_GETPIPE_SZ)");
    }

    /** fcntl(fd, F_SETPIPE_SZ, n); returns the size granted. */
    public static int setSize(Fd p, int n) throws Errno {
        return fcntl(p.fd(), F_SETPIPE_SZ, n, "fcntl(F_SETPIPE_SZ)");
    }

    /** ioctl(fd, FIONREAD): bytes waiting to be read. */
    public static int available(int fd) throws Errno {
        com.sun.jna.Memory m = new com.sun.jna.Memory(4);
        try {
            LibC.ioctl(fd, FIONREAD, m);
        } catch (LastErrorException e) {
            throw new Errno("ioctl(FIONREAD)", e.getErrorCode());
        }
        return m.getInt(0);
    }

    static int fcntl(int fd, int cmd, long arg, String name) throws Errno {
        try {
            return LibC.fcntl(fd, cmd, arg);
        } catch (LastErrorException e) {
            throw new Errno(name, e.getErrorCode());
        }
    }

    /** fcntl(fd, cmd, 0) for the callers' own commands (F_GET_SEALS, F_GETOWN_EX...). */
    public static int fcntlRaw(int fd, int cmd) throws Errno {
        return fcntl(fd, cmd, 0, "fcntl(" + cmd + ")");
    }

    /** lseek(fd, off, whence); -1 for ENXIO (no more data). */
    public static long lseek(int fd, long off, int whence) throws Errno {
        try {
            return LibC.sys("lseek", 8, fd, off, whence, 0, 0, 0);
        } catch (Errno e) {
            if (e.errno() == 6) return -1; // ENXIO
            throw e;
        }
    }

    /**
     * open_by_handle_at(mount_fd, handle, O_PATH) then readlink of the result: the path of
     * the file a handle names, or null if it cannot be opened.
     */
    public static String pathOfHandle(String mountPoint, int type, byte[] handle) {
        try (Fd m = Fd.open(mountPoint, 0200000 | O_CLOEXEC)) { // O_RDONLY | O_DIRECTORY: O_PATH fds are refused
            com.sun.jna.Memory fh = new com.sun.jna.Memory(8 + Math.max(handle.length, 1));
            fh.setInt(0, handle.length);
            fh.setInt(4, type);
            fh.write(8, handle, 0, handle.length);
            long fd = LibC.sys("open_by_handle_at", 304, m.fd(), com.sun.jna.Pointer.nativeValue(fh),
                    010000000 | O_CLOEXEC, 0, 0, 0);
            try (Fd f = new Fd((int) fd)) {
                return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/" + f.fd())).toString();
            }
        } catch (java.io.IOException e) {
            org.jcriu.criu.util.Log.debug("open_by_handle_at under " + mountPoint + ": " + e.getMessage());
            return null;
        }
    }

    /** write(fd, buf, n) from native memory. */
    public static long write(int fd, Pointer buf, long n) throws Errno {
        try {
            return LibC.write(fd, buf, n);
        } catch (LastErrorException e) {
            throw new Errno("write", e.getErrorCode());
        }
    }

    /** read(fd, buf, n) into native memory. */
    public static long read(int fd, Pointer buf, long n) throws Errno {
        try {
            return LibC.read(fd, buf, n);
        } catch (LastErrorException e) {
            throw new Errno("read", e.getErrorCode());
        }
    }
}
