package org.jcriu.criu.dump;

import java.nio.file.Path;

/**
 * What the user asked of one dump, under CRIU's option names.
 *
 * @param pid root of the tree (-t)
 * @param imagesDir where images go (-D)
 * @param leaveRunning resume the tree afterwards instead of killing it (-R)
 * @param shellJob allow a root whose session leader is outside the tree (-j)
 * @param extUnixSk allow unix sockets whose peer is outside the tree
 * @param fileLocks save file locks (-l)
 * @param tcpEstablished save established TCP connections (not available yet)
 * @param pidfile write the root pid here, or null
 * @param progress print a progress line while pages are written (a terminal)
 */
public record DumpOptions(int pid, Path imagesDir, boolean leaveRunning, boolean shellJob, boolean extUnixSk,
                          boolean fileLocks, boolean tcpEstablished, Path pidfile, boolean progress) {

    /** Defaults for a plain dump of pid into dir. */
    public static DumpOptions of(int pid, Path dir) {
        return new DumpOptions(pid, dir, false, false, false, false, false, null, false);
    }

    /** The same with --leave-running. */
    public DumpOptions leaveRunning(boolean on) {
        return new DumpOptions(pid, imagesDir, on, shellJob, extUnixSk, fileLocks, tcpEstablished, pidfile, progress);
    }

    /** The same with --shell-job. */
    public DumpOptions shellJob(boolean on) {
        return new DumpOptions(pid, imagesDir, leaveRunning, on, extUnixSk, fileLocks, tcpEstablished, pidfile, progress);
    }

    /** The same with --file-locks. */
    public DumpOptions fileLocks(boolean on) {
        return new DumpOptions(pid, imagesDir, leaveRunning, shellJob, extUnixSk, on, tcpEstablished, pidfile, progress);
    }

    /** The same with --ext-unix-sk. */
    public DumpOptions extUnixSk(boolean on) {
        return new DumpOptions(pid, imagesDir, leaveRunning, shellJob, on, fileLocks, tcpEstablished, pidfile, progress);
    }
}
