package org.jcriu.compel.sys;

/** splice(2), vmsplice(2): moving pages through pipes without copying to user space. */
public final class Splice {
    private Splice() {}

    public static final int SPLICE_F_MOVE = 1;
    public static final int SPLICE_F_NONBLOCK = 2;
    public static final int SPLICE_F_MORE = 4;
    public static final int SPLICE_F_GIFT = 8;

    /**
     * splice(fdIn, offIn, fdOut, offOut, len, flags); offsets are native loff_t pointers or 0.
     *
     * @return bytes moved, 0 at end of input
     */
    public static long splice(int fdIn, long offIn, int fdOut, long offOut, long len, int flags) {
        return Kernel.call("splice", Syscalls.SPLICE, fdIn, offIn, fdOut, offOut, len, flags);
    }

    /** vmsplice(fd, iov, cnt, flags). @return bytes moved */
    public static long vmsplice(int fd, long iov, int cnt, int flags) {
        return Kernel.call("vmsplice", Syscalls.VMSPLICE, fd, iov, cnt, flags, 0, 0);
    }

    /** fcntl(F_SETPIPE_SZ). @return the size set */
    public static int setPipeSize(int fd, int size) {
        return (int) Fcntl.fcntl(fd, Fcntl.F_SETPIPE_SZ, size);
    }
}
