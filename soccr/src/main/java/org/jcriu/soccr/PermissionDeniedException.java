package org.jcriu.soccr;

/** EPERM or EACCES: typically TCP_REPAIR without CAP_NET_ADMIN in the socket's network namespace. */
public final class PermissionDeniedException extends ErrnoException {
    PermissionDeniedException(String call, int errno) {
        super(call, errno);
    }
}
