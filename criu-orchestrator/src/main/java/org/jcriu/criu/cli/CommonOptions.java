package org.jcriu.criu.cli;

import java.nio.file.Path;
import org.jcriu.criu.net.NetworkLockMethod;
import picocli.CommandLine.Option;

/** Options every action shares, under CRIU's names. */
public final class CommonOptions {

    /** Commands that carry the common options, so the failure handler can read -v. */
    public interface Holder {
        CommonOptions common();
    }

    @Option(names = {"-D", "--images-dir"}, paramLabel = "DIR", description = "directory for image files (default: .)")
    Path imagesDir = Path.of(".");

    @Option(names = {"-W", "--work-dir"}, paramLabel = "DIR", description = "directory for logs and stats (default: images dir)")
    Path workDir;

    @Option(names = {"-o", "--log-file"}, paramLabel = "FILE", description = "log file, relative to the work dir")
    String logFile;

    @Option(names = "-v", arity = "0..1", fallbackValue = "4", paramLabel = "N",
            description = "verbosity 0..4 (-v alone means 4; default 2)")
    Integer verbosity;

    @Option(names = "--pidfile", paramLabel = "FILE", description = "write the root task's pid here")
    Path pidfile;

    @Option(names = {"-j", "--shell-job"}, description = "allow a task from a shell session (tty, session leader elsewhere)")
    boolean shellJob;

    @Option(names = "--ext-unix-sk", description = "allow unix sockets connected to peers outside the tree")
    boolean extUnixSk;

    @Option(names = {"-l", "--file-locks"}, description = "save and restore file locks")
    boolean fileLocks;

    @Option(names = "--tcp-established", description = "checkpoint and restore established TCP connections")
    boolean tcpEstablished;

    NetworkLockMethod networkLock = NetworkLockMethod.DEFAULT;

    @Option(names = "--network-lock", paramLabel = "METHOD", defaultValue = "iptables",
            description = "how connections are locked with --tcp-established: iptables (default), nftables or skip")
    void networkLock(String method) { networkLock = NetworkLockMethod.parse(method); }

    @Option(names = "--display-stats", description = "print the stats after the action")
    boolean displayStats;

    public Path imagesDir() { return imagesDir; }
    public Path workDir() { return workDir != null ? workDir : imagesDir; }
    public int verbosity() { return verbosity == null ? 2 : Math.max(0, Math.min(4, verbosity)); }
    public Path pidfile() { return pidfile; }
    public boolean shellJob() { return shellJob; }
    public boolean extUnixSk() { return extUnixSk; }
    public boolean fileLocks() { return fileLocks; }
    public boolean tcpEstablished() { return tcpEstablished; }
    public NetworkLockMethod networkLock() { return networkLock; }
    public boolean displayStats() { return displayStats; }

    /** The log file's path, or null for stderr: relative names live in the work dir, like CRIU's. */
    public Path logPath() {
        if (logFile == null || logFile.equals("-")) return null;
        Path p = Path.of(logFile);
        return p.isAbsolute() ? p : workDir().resolve(p);
    }
}
