package org.jcriu.compel.sys;

import org.jcriu.compel.CompelException;

/**
 * A kernel call failed: carries the errno and the call, with the message
 * {@code "call(..) failed with error(N): text"}. Created only by {@link #of(String, int)},
 * which picks the subclass callers branch on.
 */
public class ErrnoException extends CompelException {
    private static final long serialVersionUID = 1L;
    private final int errno;
    private final String call;

    protected ErrnoException(String call, int errno) {
        this(call, errno, null);
    }

    protected ErrnoException(String call, int errno, String detail) {
        super(call + "(..) failed with error(" + errno + "): " + Errno.text(errno)
                + (detail == null ? "" : " (" + detail + ")"));
        this.call = call;
        this.errno = errno;
    }

    /**
     * The exception for a failed call.
     *
     * @param call the call's name as the kernel or libc spells it, e.g. {@code "ptrace(PTRACE_SEIZE)"}
     * @param errno the positive errno
     * @return a {@link NoSuchProcessException} for ESRCH, a {@link PermissionDeniedException} for
     *     EPERM and EACCES, else a plain ErrnoException
     */
    public static ErrnoException of(String call, int errno) {
        return of(call, errno, null);
    }

    /**
     * Like {@link #of(String, int)} with a detail appended to the message in parentheses.
     *
     * @param call the call's name
     * @param errno the positive errno
     * @param detail what the caller knows more, e.g. {@code "task 12 is traced by 34"}; may be null
     * @return the exception
     */
    public static ErrnoException of(String call, int errno, String detail) {
        switch (errno) {
            case Errno.ESRCH:
                return new NoSuchProcessException(call, errno, detail);
            case Errno.EPERM:
            case Errno.EACCES:
                return new PermissionDeniedException(call, errno, detail);
            default:
                return new ErrnoException(call, errno, detail);
        }
    }

    /** @return the positive errno */
    public int errno() {
        return errno;
    }

    /** @return the name of the call that failed */
    public String call() {
        return call;
    }
}
