package org.jcriu.criu.restore;

/**
 * A restore failure, with a one-line message that names the cause and, where
 * there is one, the image (the CLI prints it as is). {@link #errno()} is the
 * errno of the failed call, 0 when the cause is not a system call.
 */
public final class RestoreException extends Exception {
    private final int errno;

    public RestoreException(String message) {
        this(message, 0, null);
    }

    public RestoreException(String message, int errno, Throwable cause) {
        super(message, cause);
        this.errno = errno;
    }

    /** "call(..) failed with error(N): text", the project's one errno format. */
    static RestoreException errno(String call, int errno) {
        return new RestoreException(call + " failed with error(" + errno + "): " + Errnos.text(errno), errno, null);
    }

    public int errno() {
        return errno;
    }
}
