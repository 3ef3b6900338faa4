package org.jcriu.soccr;

import java.io.IOException;

/** Base of every failure soccr reports; the message is one line. */
public class SoccrException extends IOException {
    public SoccrException(String message) {
        super(message);
    }

    public SoccrException(String message, Throwable cause) {
        super(message, cause);
    }
}
