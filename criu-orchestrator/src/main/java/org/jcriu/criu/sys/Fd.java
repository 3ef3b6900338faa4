package org.jcriu.criu.sys;

import com.sun.jna.LastErrorException;

/**
 * An fd owned by the orchestrator (for instance a copy taken from a task with
 * pidfd_getfd). close() is safe twice.
 */
public final class Fd implements AutoCloseable {
    private int fd;

    public Fd(int fd) {
        this.fd = fd;
    }

    /** The number, or -1 once closed. */
    public int fd() {
        return fd;
    }

    @Override
    public void close() {
        if (fd >= 0) {
            try {
                LibC.close(fd);
            } catch (LastErrorException ignored) {
                // nothing to do: the number is released either way
            }
            fd = -1;
        }
    }

    @Override
    public String toString() {
        return "fd " + fd;
    }
}
