package org.jcriu.criu.dump;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcriu.criu.proc.ProcFs;
import org.jcriu.criu.proc.ProcStat;
import org.jcriu.criu.proc.ProcStatus;
import org.jcriu.criu.sys.Errno;
import org.jcriu.criu.sys.Trace;
import org.jcriu.criu.util.Log;
import org.jcriu.compel.Compel;
import org.jcriu.compel.CompelException;
import org.jcriu.compel.Logger;
import org.jcriu.compel.SeizeOption;
import org.jcriu.compel.Tracee;
import org.jcriu.compel.TraceeThread;
import org.jcriu.compel.Tracer;

/**
 * Finds and freezes the whole tree with compel: every process under the root is
 * seized (all its threads stopped by PTRACE_SEIZE + PTRACE_INTERRUPT), re-scanning
 * children until a pass finds nothing new. Zombies are recorded, not seized.
 * compel's tracer thread makes every ptrace call; {@link #onTracer} runs other
 * ptrace work there. {@link #release()} detaches all (the tree runs on as
 * before); {@link #kill()} SIGKILLs every process and waits until each is dead.
 */
final class Freezer {
    private static final int CAP_SYS_ADMIN = 21;
    private final Map<Integer, TaskNode> tasks = new LinkedHashMap<>();
    private final List<Tracee> seized = new ArrayList<>();
    private Tracer tracer;
    private TaskNode root;
    /**
     * Seccomp must not act on compel's remote syscalls and parasite (strict mode would kill the
     * task): every task is seized with PTRACE_O_SUSPEND_SECCOMP when we may (CAP_SYS_ADMIN),
     * whatever its mode, so a task entering seccomp while the tree is frozen is covered too.
     */
    private boolean suspendSeccomp;

    /** Seizes the tree rooted at pid; on failure everything seized so far is released. */
    TaskNode freeze(int rootPid) throws DumpException {
        try {
            ProcStat rs = ProcStat.read(rootPid);
            if (rs.isZombie()) throw new DumpException("task " + rootPid + " is a zombie; cannot dump its tree");
            tracer = Compel.tracerOnThisThread(Freezer::log); // no hand-over per ptrace call
            suspendSeccomp = (ProcStatus.read((int) ProcessHandle.current().pid()).capEff() & (1L << CAP_SYS_ADMIN)) != 0;
            root = new TaskNode(rootPid, null);
            tasks.put(rootPid, root);
            for (int pass = 0; ; pass++) {
                if (pass > 100) throw new DumpException("the tree of task " + rootPid + " does not stop changing");
                if (!scan()) break;
            }
            return root;
        } catch (DumpException e) {
            release();
            throw e;
        } catch (IOException | RuntimeException e) {
            release();
            throw new DumpException("cannot freeze the tree of task " + rootPid + ": " + e.getMessage(), e);
        }
    }

    static void log(Logger.Level level, String msg) {
        switch (level) {
            case ERROR -> Log.error("compel: " + msg);
            case WARN -> Log.warn("compel: " + msg);
            case INFO -> Log.info("compel: " + msg);
            default -> Log.debug("compel: " + msg);
        }
    }

    /** One pass: seize new processes and discover new children; true if anything changed. */
    private boolean scan() throws IOException, DumpException {
        boolean changed = false;
        Deque<TaskNode> q = new ArrayDeque<>();
        q.add(root);
        while (!q.isEmpty()) {
            TaskNode t = q.poll();
            ProcStat st;
            try {
                st = ProcStat.read(t.pid);
            } catch (java.nio.file.NoSuchFileException e) {
                throw new DumpException("task " + t.pid + " exited while the tree was being frozen");
            }
            t.stat = st;
            if (st.isZombie()) {
                if (!t.zombie) changed = true;
                t.zombie = true;
            } else if (t.tracee == null) {
                try {
                    t.tracee = suspendSeccomp ? tracer.seize(t.pid, SeizeOption.SUSPEND_SECCOMP) : tracer.seize(t.pid);
                } catch (CompelException e) {
                    if (!ProcFs.exists(t.pid)) throw new DumpException("task " + t.pid + " exited while being frozen");
                    if (ProcStat.read(t.pid).isZombie()) {
                        t.zombie = true;
                        changed = true;
                        continue;
                    }
                    throw new DumpException("cannot seize task " + t.pid + ": " + e.getMessage(), e);
                }
                seized.add(t.tracee);
                changed = true;
                for (TraceeThread th : t.tracee.threads()) {
                    t.threads.add(th.tid());
                    if (th.found() == TraceeThread.Found.STOPPED) {
                        t.stopped = true;
                        t.stopSignal = th.foundStopSignal();
                    }
                }
                t.stat = ProcStat.read(t.pid);
            }
            List<Integer> kids = new ArrayList<>();
            for (int tid : t.zombie ? List.of(t.pid) : new ArrayList<>(t.threads)) {
                for (int c : ProcFs.children(t.pid, tid)) if (!kids.contains(c)) kids.add(c);
            }
            for (int c : kids) {
                TaskNode k = tasks.get(c);
                if (k == null) {
                    k = new TaskNode(c, t);
                    tasks.put(c, k);
                    t.children.add(k);
                    changed = true;
                }
            }
            q.addAll(t.children);
        }
        return changed;
    }

    /** Runs ptrace work of ours on compel's tracer thread. */
    <T> T onTracer(java.util.concurrent.Callable<T> work) throws Errno {
        try {
            return tracer.call(work);
        } catch (CompelException e) {
            if (e.getCause() instanceof Errno errno) throw errno;
            throw e;
        }
    }

    /** All processes found, root first, in tree (BFS) order. */
    List<TaskNode> tasks() {
        List<TaskNode> out = new ArrayList<>();
        Deque<TaskNode> q = new ArrayDeque<>();
        if (root != null) q.add(root);
        while (!q.isEmpty()) {
            TaskNode t = q.poll();
            out.add(t);
            q.addAll(t.children);
        }
        return out;
    }

    /** Detaches every seized process (compel cures and unmaps what it added): the tree runs on. Safe twice. */
    void release() {
        List<Tracee> l = new ArrayList<>(seized);
        java.util.Collections.reverse(l);
        for (Tracee t : l) {
            try {
                t.resume();
            } catch (RuntimeException e) {
                Log.warn("cannot release " + t + ": " + e.getMessage());
            }
        }
        seized.clear();
        closeTracer();
    }

    /** SIGKILLs every process of the tree and waits until each seized thread is dead. */
    void kill() {
        for (TaskNode t : tasks()) {
            if (t.tracee == null) {
                try {
                    Trace.kill(t.pid, 9);
                } catch (Errno e) {
                    // a zombie: nothing to kill
                }
            }
        }
        for (Tracee t : seized) {
            try {
                t.kill();
            } catch (RuntimeException e) {
                Log.warn("cannot kill " + t + ": " + e.getMessage());
            }
        }
        seized.clear();
        closeTracer();
    }

    private void closeTracer() {
        if (tracer != null) {
            tracer.close();
            tracer = null;
        }
    }
}
