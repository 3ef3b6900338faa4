package org.jcriu.criu.sys;

import java.io.IOException;

/**
 * A failed system call of the orchestrator's own bindings: carries the errno
 * and the call's name. The one place errno becomes an exception in this package;
 * the message reads "call(..) failed with error(N): text".
 */
public class Errno extends IOException {
    public static final int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EBADF = 9, EAGAIN = 11,
            ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17, EINVAL = 22, ENOSYS = 38,
            ENOTTY = 25, EIO = 5, EOPNOTSUPP = 95;

    private final int errno;
    private final String call;

    public Errno(String call, int errno) {
        super(call + "(..) failed with error(" + errno + "): " + LibC.strerror(errno));
        this.errno = errno;
        this.call = call;
    }

    /** The errno value. */
    public int errno() {
        return errno;
    }

    /** The failing call's name. */
    public String call() {
        return call;
    }

    /** Throws for a negative result of a raw syscall (-errno), else returns it. */
    static long check(String call, long r) throws Errno {
        if (r < 0 && r > -4096) throw new Errno(call, (int) -r);
        return r;
    }
}
