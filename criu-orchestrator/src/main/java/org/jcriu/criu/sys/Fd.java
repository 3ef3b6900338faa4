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

    /** open(path, flags): a file of /proc, a pipe's other end, /dev/ptmx... as an Fd of ours. */
    public static Fd open(String path, int flags) throws Errno {
        try {
            return new Fd(LibC.open(path, flags));
        } catch (LastErrorException e) {
            throw new Errno("open(" + path + ")", e.getErrorCode());
        }
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
