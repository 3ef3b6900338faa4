package org.jcriu.compel.sys;

/** ESRCH: the task does not exist (any more), or is not traced by this thread. */
public class NoSuchProcessException extends ErrnoException {
    private static final long serialVersionUID = 1L;

    NoSuchProcessException(String call, int errno, String detail) {
        super(call, errno, detail);
    }

    /**
     * For a task found gone other than by a failed call (exited while being waited for).
     *
     * @param call the call that found it gone, e.g. {@code "waitpid"}
     * @param detail what happened, e.g. {@code "task 12 exited with 0"}
     * @return an exception with errno ESRCH
     */
    public static NoSuchProcessException gone(String call, String detail) {
        return new NoSuchProcessException(call, Errno.ESRCH, detail);
    }
}
