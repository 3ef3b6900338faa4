package org.jcriu.compel.sys;

import com.sun.jna.Pointer;

/**
 * struct iovec and the vectored calls of sys/uio.h.
 * <pre>
 * struct iovec { void *iov_base; size_t iov_len; };   // 16 bytes
 * </pre>
 */
public final class Uio {
    private Uio() {}

    /** sizeof(struct iovec) */
    public static final int IOVEC_SIZE = 16;

    /** Stores iovec number {@code index} of the array at {@code iov}. */
    public static void iovec(Pointer iov, int index, long base, long len) {
        iov.setLong(index * (long) IOVEC_SIZE, base);
        iov.setLong(index * (long) IOVEC_SIZE + 8, len);
    }

    /** preadv(fd, iov, cnt, offset). @return bytes read */
    public static long preadv(int fd, long iov, int cnt, long offset) {
        return Kernel.call("preadv", Syscalls.PREADV, fd, iov, cnt, offset, 0, 0);
    }

    /** pwritev(fd, iov, cnt, offset). @return bytes written */
    public static long pwritev(int fd, long iov, int cnt, long offset) {
        return Kernel.call("pwritev", Syscalls.PWRITEV, fd, iov, cnt, offset, 0, 0);
    }
}
