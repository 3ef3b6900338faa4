package org.jcriu.criu.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jcriu.criu.restore.RestoreException;
import org.jcriu.criu.restore.RestoreStats;
import org.jcriu.criu.restore.Restorer;
import org.jcriu.criu.util.Log;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code criu restore -D DIR}: bring a dumped tree back to life. Without -d,
 * waits for the restored root (our child: the JVM is a child subreaper) and
 * exits with its exit code (128+signal if killed); with -d, exits 0 once the
 * tree runs.
 */
@Command(name = "restore", description = "restore a process tree from images")
final class RestoreCommand implements Callable<Integer>, CommonOptions.Holder {
    @Mixin CommonOptions common;

    @Option(names = {"-d", "--restore-detached"}, description = "detach from the restored tree and exit")
    boolean detached;

    @Override
    public CommonOptions common() {
        return common;
    }

    @Override
    public Integer call() throws Exception {
        Restorer.prepare();
        try (Log log = Log.open(common.logPath(), common.verbosity())) {
            Restorer.Result r;
            try {
                r = Restorer.restore(new Restorer.Options(common.imagesDir(), common.shellJob(), common.networkLock()));
            } catch (RestoreException e) {
                Log.error(e.getMessage());
                throw e;
            }
            Log.info("restore: tree of " + r.rootPid() + " runs; " + r.pagesRestored() + " pages, "
                    + r.remoteSyscalls() + " remote syscalls in " + r.roundTrips() + " round trips, "
                    + r.restoreNanos() / 1000 + " us");
            try {
                RestoreStats.write(common.workDir(), r);
            } catch (java.io.IOException e) {
                Log.warn("cannot write stats-restore: " + e.getMessage());
            }
            if (common.pidfile() != null) {
                Path pf = common.pidfile().isAbsolute() ? common.pidfile() : common.workDir().resolve(common.pidfile());
                Files.writeString(pf, r.rootPid() + "\n");
            }
            if (common.displayStats()) {
                System.out.println("Restore time: " + r.restoreNanos() / 1000 + " us, forking " + r.forkingNanos() / 1000
                        + " us, pages restored " + r.pagesRestored());
            }
            if (detached) return 0;
            return Restorer.waitForRoot(r.rootPid());
        }
    }
}
