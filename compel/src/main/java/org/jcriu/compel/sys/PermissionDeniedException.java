package org.jcriu.compel.sys;

/** EPERM or EACCES: not allowed, or (for ptrace attach) the task is traced by someone else. */
public class PermissionDeniedException extends ErrnoException {
    private static final long serialVersionUID = 1L;

    PermissionDeniedException(String call, int errno, String detail) {
        super(call, errno, detail);
    }
}
