package org.jcriu.criu.dump;

import java.nio.file.Path;
import org.jcriu.criu.net.NetworkLockMethod;

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
 * @param networkLock how established connections are locked (--network-lock)
 */
public record DumpOptions(int pid, Path imagesDir, boolean leaveRunning, boolean shellJob, boolean extUnixSk,
                          boolean fileLocks, boolean tcpEstablished, Path pidfile, boolean progress,
                          NetworkLockMethod networkLock) {

    /** Defaults for a plain dump of pid into dir. */
    public static DumpOptions of(int pid, Path dir) {
        return new DumpOptions(pid, dir, false, false, false, false, false, null, false, NetworkLockMethod.DEFAULT);
    }

    /** The same with --leave-running. */
    public DumpOptions leaveRunning(boolean on) {
        return new DumpOptions(pid, imagesDir, on, shellJob, extUnixSk, fileLocks, tcpEstablished, pidfile, progress, networkLock);
    }

    /** The same with --shell-job. */
    public DumpOptions shellJob(boolean on) {
        return new DumpOptions(pid, imagesDir, leaveRunning, on, extUnixSk, fileLocks, tcpEstablished, pidfile, progress, networkLock);
    }

    /** The same with --file-locks. */
    public DumpOptions fileLocks(boolean on) {
        return new DumpOptions(pid, imagesDir, leaveRunning, shellJob, extUnixSk, on, tcpEstablished, pidfile, progress, networkLock);
    }

    /** The same with --ext-unix-sk. */
    public DumpOptions extUnixSk(boolean on) {
        return new DumpOptions(pid, imagesDir, leaveRunning, shellJob, on, fileLocks, tcpEstablished, pidfile, progress, networkLock);
    }
}
