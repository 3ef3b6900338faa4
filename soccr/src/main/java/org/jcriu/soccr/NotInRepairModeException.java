package org.jcriu.soccr;

/** An operation that needs TCP repair mode found the socket outside it (e.g. after resume() or when another party turned it off). */
public final class NotInRepairModeException extends SoccrException {
    /** A one-line message naming the fd. */
    public NotInRepairModeException(String message) {
        super(message);
    }
}
