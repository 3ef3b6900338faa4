package org.jcriu.compel;

/**
 * Base of every exception compel throws: a failure of ptrace, of the injection or of the
 * parasite protocol. Failures of a kernel call are {@link org.jcriu.compel.sys.ErrnoException}s
 * and carry the errno and the call's name.
 */
public class CompelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed, one line */
    public CompelException(String message) {
        super(message);
    }

    /**
     * @param message what failed, one line
     * @param cause the underlying failure
     */
    public CompelException(String message, Throwable cause) {
        super(message, cause);
    }
}
