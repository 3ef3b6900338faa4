package org.jcriu.soccr;

/** The socket cannot be saved or restored: not TCP (e.g. UDP), listening, or in a state repair cannot rebuild. */
public final class UnsupportedSocketException extends SoccrException {
    /** A one-line message naming the fd and why. */
    public UnsupportedSocketException(String message) {
        super(message);
    }
}
