package org.jcriu.criu.net;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jcriu.criu.restore.RestoreException;
import org.jcriu.criu.util.Log;
import org.jcriu.images.ImageDir;
import org.jcriu.soccr.SoccrLogger;

/**
 * Inet (TCP and UDP, IPv4 and IPv6) sockets in criu dump and restore, and
 * --tcp-established. The engines call:
 *
 * <pre>
 * dump (tree frozen):   InetDump d = InetSockets.beginDump(dir, rootPid, pids, tcpEstablished, lockMethod);
 *                       per fd:  d.isInet(pid, fd) ? d.entry(pid, fd, id, flags) -> files.img (+ tcp-stream-INO.img)
 *                       success: d.finish(leaveRunning)   before the tree is resumed or killed
 *                       failure: d.abort()                before the tree is released
 * restore (per fd):     int[] from = InetSockets.handOver(dir, fileId, lockMethod)   {our pid, our fd}: the task takes a
 *                                                                       copy with pidfd_getfd
 *                       success: InetSockets.restored(dir)      failure: InetSockets.restoreFailed(dir, lockMethod)
 * </pre>
 *
 * Connections (TCP in ESTABLISHED, FIN_WAIT1/2, CLOSE_WAIT, LAST_ACK,
 * CLOSING) are saved with soccr under a per-connection network lock
 * ({@link NetworkLock}, CRIU's --network-lock iptables|nftables|skip given by
 * the caller as a {@link NetworkLockMethod}, named after the root pid); the lock stays from a killing dump to the restore.
 * Without --tcp-established a connection fails the dump naming task, fd and
 * kind. Everything happens in the orchestrator's network namespace.
 */
public final class InetSockets {
    private static final Map<Path, InetRestore> restores = new ConcurrentHashMap<>();

    private InetSockets() {}

    /**
     * Finds every inet socket of the frozen tasks pids, checks each can be
     * saved, and locks and pauses the connections. Fails (with nothing
     * left paused or locked) with one line naming task, fd and kind.
     */
    public static InetDump beginDump(Path imagesDir, int rootPid, List<Integer> pids, boolean tcpEstablished,
            NetworkLockMethod lockMethod) throws IOException {
        InetDump d = new InetDump(imagesDir, lockMethod, Integer.toString(rootPid));
        d.collect(pids, tcpEstablished);
        return d;
    }

    /** The restore session of an images directory, created on first use (locking with lockMethod). */
    public static InetRestore restoring(Path imagesDir, NetworkLockMethod lockMethod) throws RestoreException {
        Path key = imagesDir.toAbsolutePath().normalize();
        InetRestore r = restores.get(key);
        if (r != null) return r;
        try {
            r = new InetRestore(key, lockMethod);
        } catch (IOException e) {
            throw new RestoreException("inet sockets: " + e.getMessage());
        }
        restores.put(key, r);
        return r;
    }

    /** For the restore engine: {pid, fd} from which a task takes the socket of files.img entry fileId. */
    public static int[] handOver(Path imagesDir, long fileId, NetworkLockMethod lockMethod) throws RestoreException {
        return new int[] {(int) ProcessHandle.current().pid(), restoring(imagesDir, lockMethod).open(fileId)};
    }

    /** The tree runs: our copies close and the network is unlocked. Never throws (the tree runs already). */
    public static void restored(Path imagesDir) {
        InetRestore r = restores.remove(imagesDir.toAbsolutePath().normalize());
        if (r == null) return;
        try {
            r.finish();
        } catch (RestoreException e) {
            Log.error("inet sockets: " + e.getMessage());
        }
    }

    /**
     * The restore failed: restored connections are put back into repair mode
     * (they vanish silently with their tasks), and the lock goes, also the one
     * a killing dump left when the restore failed before reaching the sockets.
     * Never throws.
     */
    public static void restoreFailed(Path imagesDir, NetworkLockMethod lockMethod) {
        InetRestore r = restores.remove(imagesDir.toAbsolutePath().normalize());
        if (r != null) {
            r.abort();
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(imagesDir, "tcp-stream-*.img")) {
            if (!ds.iterator().hasNext()) return;
            NetworkLock.unlock(lockMethod, InetRestore.lockName(new ImageDir(imagesDir)));
        } catch (IOException | RuntimeException e) {
            Log.error("inet sockets: cannot unlock the network: " + e.getMessage());
        }
    }

    static SoccrLogger soccrLogger() {
        return new SoccrLogger() {
            @Override
            public boolean isEnabled(Level level) {
                return Log.get().enabled(level(level));
            }

            @Override
            public void log(Level level, String message) {
                Log.get().log(level(level), "soccr: " + message);
            }
        };
    }

    private static int level(SoccrLogger.Level l) {
        return switch (l) {
            case ERROR -> Log.ERROR;
            case WARN -> Log.WARN;
            case INFO -> Log.INFO;
            default -> Log.DEBUG;
        };
    }
}
