package org.jcriu.soccr;

import java.io.IOException;

/** Base of every failure soccr reports; the message is one line. */
public class SoccrException extends IOException {
    /** A one-line message. */
    public SoccrException(String message) {
        super(message);
    }

    /** A one-line message and its cause. */
    public SoccrException(String message, Throwable cause) {
        super(message, cause);
    }
}
