package org.jcriu.soccr;

/**
 * A system call failed. The only place where errno becomes an exception; the
 * message is always {@code "call(..) failed with error(N): text"}.
 * Subclasses exist where callers branch: {@link PermissionDeniedException}.
 */
public class ErrnoException extends SoccrException {
    public static final int EPERM = 1;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EINVAL = 22;
    public static final int ENOPROTOOPT = 92;

    private final String call;
    private final int errno;

    ErrnoException(String call, int errno) {
        super(call + "(..) failed with error(" + errno + "): " + LibC.strerror(errno));
        this.call = call;
        this.errno = errno;
    }

    /** The failing call, e.g. {@code "setsockopt(TCP_REPAIR)"}. */
    public String call() {
        return call;
    }

    /** The errno value the kernel returned. */
    public int errno() {
        return errno;
    }

    /** Builds the typed exception for {@code errno}. */
    static ErrnoException of(String call, int errno) {
        if (errno == EPERM || errno == EACCES) {
            return new PermissionDeniedException(call, errno);
        }
        return new ErrnoException(call, errno);
    }
}
