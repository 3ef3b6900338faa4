package org.jcriu.soccr;

import java.nio.file.Path;

/**
 * How to restore: in which network namespace the new socket is created, and
 * where to log. Immutable; each {@code with} method returns a changed copy.
 */
public final class RestoreOptions {
    /** Restore in the caller's own network namespace, logging nothing. */
    public static final RestoreOptions DEFAULT = new RestoreOptions(null, -1, SoccrLogger.NONE, true);

    private final Path netns;
    private final int netnsFd;
    private final SoccrLogger logger;
    private final boolean windowProbe;

    private RestoreOptions(Path netns, int netnsFd, SoccrLogger logger, boolean windowProbe) {
        this.netns = netns;
        this.netnsFd = netnsFd;
        this.logger = logger;
        this.windowProbe = windowProbe;
    }

    /** Create the socket in the network namespace at {@code path} (e.g. /run/netns/NAME, /proc/PID/ns/net). */
    public RestoreOptions withNetns(Path path) {
        return new RestoreOptions(path, -1, logger, windowProbe);
    }

    /** Create the socket in the network namespace open as {@code fd} (not closed by soccr). */
    public RestoreOptions withNetnsFd(int fd) {
        return new RestoreOptions(null, fd, logger, windowProbe);
    }

    /** Where restore reports (null: nowhere). */
    public RestoreOptions withLogger(SoccrLogger log) {
        return new RestoreOptions(netns, netnsFd, log == null ? SoccrLogger.NONE : log, windowProbe);
    }

    /** Whether leaving repair mode sends a window probe to the peer (default true: wakes the peer at once). */
    public RestoreOptions withWindowProbe(boolean on) {
        return new RestoreOptions(netns, netnsFd, logger, on);
    }

    /** The namespace path, or null. */
    public Path netns() {
        return netns;
    }

    /** The namespace fd, or -1. */
    public int netnsFd() {
        return netnsFd;
    }

    /** The logger (never null). */
    public SoccrLogger logger() {
        return logger;
    }

    /** Whether leaving repair mode sends a window probe. */
    public boolean windowProbe() {
        return windowProbe;
    }

    boolean hasNetns() {
        return netns != null || netnsFd >= 0;
    }

    NetNs enter() throws ErrnoException {
        return hasNetns() ? NetNs.enter(netns != null ? netns.toString() : null, netnsFd) : null;
    }
}
