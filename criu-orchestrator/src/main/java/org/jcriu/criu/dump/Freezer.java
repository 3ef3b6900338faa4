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
import org.jcriu.criu.sys.Errno;
import org.jcriu.criu.sys.Trace;
import org.jcriu.criu.util.Log;

/**
 * Finds and freezes the whole tree: PTRACE_SEIZE + PTRACE_INTERRUPT of every
 * thread of every process under the root, re-scanning task/ and children until a
 * pass finds nothing new. Zombies are recorded, not seized. Every ptrace call is
 * made on the thread that created this object. {@link #release()} detaches all
 * (the tree runs on as before); {@link #kill()} SIGKILLs every process and waits
 * until each is dead.
 */
final class Freezer {
    private static final int SIGKILL = 9, SIGTRAP = 5, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22;

    private final Map<Integer, TaskNode> tasks = new LinkedHashMap<>();
    private final List<Integer> seized = new ArrayList<>();
    private final Thread owner = Thread.currentThread();
    private TaskNode root;

    /** Seizes the tree rooted at pid; on failure everything seized so far is released. */
    TaskNode freeze(int rootPid) throws DumpException {
        try {
            ProcStat rs = ProcStat.read(rootPid);
            if (rs.isZombie()) throw new DumpException("task " + rootPid + " is a zombie; cannot dump its tree");
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
        } catch (IOException e) {
            release();
            throw new DumpException("cannot freeze the tree of task " + rootPid + ": " + e.getMessage(), e);
        }
    }

    /** One pass: seize new threads and discover new children; true if anything changed. */
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
            } else {
                for (int tid : ProcFs.threads(t.pid)) {
                    if (t.threads.contains(tid)) continue;
                    if (seizeThread(t, tid)) changed = true;
                }
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

    private boolean seizeThread(TaskNode t, int tid) throws DumpException {
        try {
            Trace.ptrace("ptrace(PTRACE_SEIZE)", Trace.PTRACE_SEIZE, tid, 0, 0);
        } catch (Errno e) {
            if (e.errno() == Errno.ESRCH) return false; // the thread exited meanwhile
            throw new DumpException("cannot seize thread " + tid + " of task " + t.pid + ": " + e.getMessage(), e);
        }
        seized.add(tid);
        t.threads.add(tid);
        try {
            Trace.ptrace("ptrace(PTRACE_INTERRUPT)", Trace.PTRACE_INTERRUPT, tid, 0, 0);
            for (;;) {
                int[] w = Trace.waitpid(tid, Trace.WALL);
                int status = w[1];
                if ((status & 0xff) != 0x7f) {
                    // exited or killed
                    seized.remove(Integer.valueOf(tid));
                    t.threads.remove(tid);
                    if (tid == t.pid) throw new DumpException("task " + t.pid + " exited while being frozen");
                    return false;
                }
                int sig = (status >> 8) & 0xff;
                int event = (status >> 16) & 0xffff;
                if (event == Trace.PTRACE_EVENT_STOP) {
                    if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
                        t.stopped = true;
                        t.stopSignal = sig;
                    }
                    return true;
                }
                // a signal-delivery stop: let the signal go on as it would have, the interrupt follows
                Trace.ptrace("ptrace(PTRACE_CONT)", Trace.PTRACE_CONT, tid, 0, sig == SIGTRAP ? 0 : sig);
            }
        } catch (Errno e) {
            throw new DumpException("cannot stop thread " + tid + " of task " + t.pid + ": " + e.getMessage(), e);
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

    /** Detaches every seized thread: the tree runs on as before. Safe to call twice. */
    void release() {
        checkOwner();
        for (int tid : seized) {
            try {
                Trace.ptrace("ptrace(PTRACE_DETACH)", Trace.PTRACE_DETACH, tid, 0, 0);
            } catch (Errno e) {
                Log.warn("cannot detach thread " + tid + ": " + e.getMessage());
            }
        }
        seized.clear();
    }

    /** SIGKILLs every process of the tree and waits until each seized thread is dead. */
    void kill() {
        checkOwner();
        for (TaskNode t : tasks()) {
            try {
                Trace.kill(t.pid, SIGKILL);
            } catch (Errno e) {
                Log.warn("cannot kill task " + t.pid + ": " + e.getMessage());
            }
        }
        for (int tid : seized) {
            try {
                for (;;) {
                    int[] w = Trace.waitpid(tid, Trace.WALL);
                    int status = w[1];
                    if ((status & 0xff) != 0x7f) break; // exited or signaled
                }
            } catch (Errno e) {
                // already reaped or not ours any more
            }
        }
        seized.clear();
    }

    private void checkOwner() {
        if (Thread.currentThread() != owner) throw new IllegalStateException("ptrace from a thread other than the tracer");
    }
}
