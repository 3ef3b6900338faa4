package org.jcriu.criu.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcriu.compel.TraceeThread;
import org.jcriu.criu.util.Log;

/**
 * What the restore's stages share: the validated images, the area compel's
 * remote code runs from in every task, every task and thread made so far,
 * the descriptions already restored, and the counters stats-restore reports.
 * One per restore, used from the one tracer thread only.
 */
final class RestoreContext {
    final Restorer.Options opts;
    final RestorePlan plan;
    /** Where compel's code area sits in every restored task (a range no saved vma uses). */
    final long area;
    final Log log = Log.get();
    /** Every task (thread-group leader) created, in creation order: killed on failure. */
    final Map<Integer, TraceeThread> leaders = new LinkedHashMap<>();
    /** Every thread, leaders included, keyed by tid. */
    final Map<Integer, TraceeThread> threads = new LinkedHashMap<>();
    final Remote remote = new Remote();
    /** Open file descriptions already restored, for the tasks that share them. */
    final FdRestorer.Shared sharedFds = new FdRestorer.Shared();
    /** Pseudo-terminals made for the tree, open from before the tree exists until the end. */
    TtyRestorer ttys;
    /** Ptrace stops and resumes, for stats and the -v4 log. */
    long roundTrips;
    /** Pages compared with the parent's and pages left shared with it (stats-restore). */
    long pagesCompared, pagesSkippedCow;

    RestoreContext(Restorer.Options opts, RestorePlan plan, long area) {
        this.opts = opts;
        this.plan = plan;
        this.area = area;
    }

    /** Whether some task, thread, group or session of the saved tree has this id: a helper must not take it. */
    boolean idInTree(int id) {
        for (TaskPlan t : plan.tasks) {
            if (t.pid == id || t.pgid == id || t.sid == id) return true;
            for (int tid : t.threads) if (tid == id) return true;
        }
        return false;
    }

    static List<String> procMaps(int pid) throws RestoreException {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/maps"));
        } catch (IOException e) {
            throw new RestoreException("cannot read /proc/" + pid + "/maps: " + e.getMessage());
        }
    }
}
