package org.jcriu.criu.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * Direct-mapped libc calls the orchestrator needs beyond compel's bindings.
 * Thin: callers go through the wrapper classes of this package, which check
 * the result and throw {@link Errno}.
 */
final class LibC {
    private LibC() {}

    static {
        Native.register(NativeLibrary.getInstance("c"));
    }

    static native long syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int pipe2(int[] fds, int flags) throws LastErrorException;

    static native long tee(int in, int out, long len, int flags) throws LastErrorException;

    static native long splice(int in, Pointer offIn, int out, Pointer offOut, long len, int flags) throws LastErrorException;

    static native long read(int fd, Pointer buf, long n) throws LastErrorException;

    static native long write(int fd, Pointer buf, long n) throws LastErrorException;

    static native long pread(int fd, Pointer buf, long n, long off) throws LastErrorException;

    static native int fcntl(int fd, int cmd, long arg) throws LastErrorException;

    static native int ioctl(int fd, long req, Pointer arg) throws LastErrorException;

    static native int ioctl(int fd, long req, long arg) throws LastErrorException;

    static native int socket(int domain, int type, int proto) throws LastErrorException;

    static native long sendto(int fd, Pointer buf, long len, int flags, Pointer addr, int alen) throws LastErrorException;

    static native long recv(int fd, Pointer buf, long len, int flags) throws LastErrorException;

    static native long recvfrom(int fd, Pointer buf, long len, int flags, Pointer addr, int[] alen) throws LastErrorException;

    static native int getsockopt(int fd, int level, int name, Pointer val, int[] len) throws LastErrorException;

    static native int setsockopt(int fd, int level, int name, Pointer val, int len) throws LastErrorException;

    static native int getsockname(int fd, Pointer addr, int[] len) throws LastErrorException;

    static native int open(String path, int flags) throws LastErrorException;

    static native int kill(int pid, int sig) throws LastErrorException;

    static native int prlimit(int pid, int resource, Pointer newLimit, Pointer oldLimit) throws LastErrorException;

    static native int fstat(int fd, Pointer st) throws LastErrorException;

    static native String strerror(int errno);

    /** Runs a raw syscall; negative returns become {@link Errno}. */
    static long sys(String name, long nr, long a1, long a2, long a3, long a4, long a5, long a6) throws Errno {
        try {
            return syscall(nr, a1, a2, a3, a4, a5, a6);
        } catch (LastErrorException e) {
            throw new Errno(name, e.getErrorCode());
        }
    }
}
