package org.jcriu.compel.sys;

import com.sun.jna.Memory;
import java.nio.charset.StandardCharsets;

/** fcntl.h and unistd.h basics on raw fds: open, close, read, write, fcntl, pipe2, ftruncate. */
public final class Fcntl {
    private Fcntl() {}

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0100;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;
    public static final int O_NONBLOCK = 04000;
    public static final int O_DIRECTORY = 0200000;
    public static final int O_CLOEXEC = 02000000;
    public static final int AT_FDCWD = -100;

    public static final int F_DUPFD = 0;
    public static final int F_GETFD = 1;
    public static final int F_SETFD = 2;
    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;
    public static final int F_DUPFD_CLOEXEC = 1030;
    public static final int F_SETPIPE_SZ = 1031;
    public static final int F_GETPIPE_SZ = 1032;
    public static final int FD_CLOEXEC = 1;

    /** openat(AT_FDCWD, path, flags, mode). @return the fd */
    public static int open(String path, int flags, int mode) {
        byte[] b = path.getBytes(StandardCharsets.UTF_8);
        Memory m = new Memory(b.length + 1);
        m.write(0, b, 0, b.length);
        m.setByte(b.length, (byte) 0);
        return (int) Kernel.call("open", Syscalls.OPENAT, AT_FDCWD, com.sun.jna.Pointer.nativeValue(m), flags, mode, 0, 0);
    }

    /** close(fd); errors are thrown. */
    public static void close(int fd) {
        Kernel.call("close", Syscalls.CLOSE, fd, 0, 0);
    }

    /** close(fd), ignoring errors (for cleanup paths). */
    public static void closeQuietly(int fd) {
        if (fd >= 0) {
            Kernel.raw(Syscalls.CLOSE, fd, 0, 0, 0, 0, 0);
        }
    }

    /** read(fd, buf, len). @return bytes read */
    public static long read(int fd, long buf, long len) {
        return Kernel.call("read", Syscalls.READ, fd, buf, len);
    }

    /** write(fd, buf, len). @return bytes written */
    public static long write(int fd, long buf, long len) {
        return Kernel.call("write", Syscalls.WRITE, fd, buf, len);
    }

    /** fcntl(fd, cmd, arg). @return its result */
    public static long fcntl(int fd, int cmd, long arg) {
        return Kernel.call("fcntl", Syscalls.FCNTL, fd, cmd, arg);
    }

    /** ftruncate(fd, len). */
    public static void ftruncate(int fd, long len) {
        Kernel.call("ftruncate", Syscalls.FTRUNCATE, fd, len, 0);
    }

    /** pipe2(flags). @return {read end, write end} */
    public static int[] pipe2(int flags) {
        Memory m = new Memory(8);
        Kernel.call("pipe2", Syscalls.PIPE2, com.sun.jna.Pointer.nativeValue(m), flags, 0);
        return new int[] {m.getInt(0), m.getInt(4)};
    }
}
