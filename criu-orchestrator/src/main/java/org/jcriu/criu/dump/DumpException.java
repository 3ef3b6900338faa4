package org.jcriu.criu.dump;

/**
 * A dump that cannot go on. The message is the one line the CLI prints after
 * "Error: "; it names the task, the fd or area and the kind where there is one.
 */
public final class DumpException extends Exception {
    public DumpException(String message) {
        super(message);
    }

    public DumpException(String message, Throwable cause) {
        super(message, cause);
    }
}
