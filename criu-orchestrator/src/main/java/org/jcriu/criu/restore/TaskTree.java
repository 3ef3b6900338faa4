package org.jcriu.criu.restore;

import static org.jcriu.criu.restore.Abi.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jcriu.compel.CompelException;
import org.jcriu.compel.Tracee;
import org.jcriu.compel.Tracer;
import org.jcriu.compel.TraceeThread;
import org.jcriu.compel.sys.ErrnoException;
import org.jcriu.compel.sys.Signal;

/**
 * The process tree with its saved ids: the native stub clone3()s the root
 * with its pid and maps compel's code area into it; every other task is
 * made by its parent (remote clone3 with set_tid), sessions and groups set
 * on the way down. A parent's memory is rebuilt before its children are
 * made, so what they shared copy-on-write stays shared.
 */
final class TaskTree {
    private final RestoreContext ctx;
    private final MemoryRestorer memory;
    /** Helpers holding process groups whose leader is gone: helper pid -> its parent. */
    private final Map<Integer, TraceeThread> groupHelpers = new LinkedHashMap<>();
    /** Time spent rebuilding memory while the tree was made (not forking time). */
    long memoryNanos;

    TaskTree(RestoreContext ctx, MemoryRestorer memory) {
        this.ctx = ctx;
        this.memory = memory;
    }

    /** Makes the whole tree from the root down, each task's memory rebuilt before its children exist. */
    void create(Tracer tracer) throws RestoreException {
        TaskPlan root = ctx.plan.root;
        Path stub = stubBinary();
        try {
            Process p = new ProcessBuilder(stub.toString(), Integer.toString(root.pid), "0x" + Long.toHexString(ctx.area),
                    "0x" + Long.toHexString(Restorer.AREA_SIZE)).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            int rc = p.waitFor();
            if (rc == Errnos.EEXIST) {
                throw new RestoreException("pid " + root.pid + " of the root task (pstree.img) is already taken (clone3 set_tid: EEXIST)");
            }
            if (rc != 0) throw new RestoreException("restore stub failed: " + (err.isEmpty() ? "exit " + rc : err));
        } catch (IOException e) {
            throw new RestoreException("cannot start the restore stub " + stub + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RestoreException("interrupted");
        } finally {
            try {
                Files.deleteIfExists(stub);
                Files.deleteIfExists(stub.getParent());
            } catch (IOException ignored) {
                // best effort: a private temp dir
            }
        }
        TraceeThread rt;
        try {
            Tracee t = tracer.seize(root.pid);
            rt = t.leader();
            ctx.leaders.put(root.pid, rt);
            t.killOnTracerExit();
            t.useArea(ctx.area, Restorer.AREA_SIZE);
        } catch (CompelException e) {
            if (!ctx.leaders.containsKey(root.pid)) {
                try {
                    Signal.kill(root.pid, Signal.SIGKILL);
                } catch (ErrnoException ignored) {
                    // gone already
                }
            }
            throw e;
        }
        ctx.threads.put(root.pid, rt);
        setupTask(root, rt);
        dropGroupHelpers();
        ctx.ttys.foreground(ctx.leaders, ctx.plan.tasks);
    }

    /** Session and group of a new task, then its children, depth first (sessions before what lives in them). */
    private void setupTask(TaskPlan t, TraceeThread rt) throws RestoreException {
        if (t.sid == t.pid) {
            ctx.remote.syscall(rt, "setsid() for task " + t.pid, NR_setsid);
            ctx.ttys.claimCtty(t, rt); // before its children exist: they inherit the controlling terminal
        } else if (t.pgid == t.pid) {
            ctx.remote.syscall(rt, "setpgid(0, 0) for task " + t.pid, NR_setpgid, 0, 0);
        } else if (t.parent != null && t.pgid != t.parent.pgid) {
            ctx.remote.syscall(rt, "setpgid(0, " + t.pgid + ") for task " + t.pid, NR_setpgid, 0, t.pgid);
        }
        ctx.roundTrips++;
        if (!t.zombie()) {
            long m0 = System.nanoTime();
            memory.rebuild(t, rt);
            memoryNanos += System.nanoTime() - m0;
        }
        for (TaskPlan c : t.children) {
            if (c.pgid != c.pid && c.pgid != t.pgid && !inTree(c.pgid) && !groupHelpers.containsKey(c.pgid)) {
                // a process group whose leader is gone: a helper with the leader's pid holds it while members join
                TraceeThread helper = RemoteClone.withTid(ctx, rt, c.pgid, 0, Signal.SIGCHLD, "the leader of process group " + c.pgid + " (pstree.img)");
                int h = helper.tid();
                ctx.leaders.put(h, helper);
                ctx.threads.put(h, helper);
                groupHelpers.put(h, rt);
                ctx.remote.syscall(helper, "setpgid(0, 0) for the helper of group " + h, NR_setpgid, 0, 0);
                ctx.roundTrips += 2;
            }
            TraceeThread child = RemoteClone.withTid(ctx, rt, c.pid, 0, Signal.SIGCHLD, "task " + c.pid + " (pstree.img)");
            int tid = child.tid();
            ctx.leaders.put(tid, child);
            ctx.threads.put(tid, child);
            setupTask(c, child);
        }
    }

    private boolean inTree(int pid) {
        for (TaskPlan x : ctx.plan.tasks) if (x.pid == pid) return true;
        return false;
    }

    /** Once every task is in its group: the helpers exit and their parents reap them. */
    private void dropGroupHelpers() throws RestoreException {
        for (var e : groupHelpers.entrySet()) {
            TraceeThread h = ctx.leaders.get(e.getKey());
            // exit_group(0) from the area's syscall instruction, once let go
            h.setRegs(h.getRegs().copy().rip(ctx.area).rax(NR_exit_group).rdi(0).origRax(-1));
            h.tracee().detach(Tracee.AfterDetach.AS_FOUND);
            ctx.leaders.remove(e.getKey());
            ctx.threads.remove(e.getKey());
            long w = e.getValue().syscall(NR_wait4, e.getKey(), 0, WALL, 0);
            if (w != e.getKey()) throw RestoreException.errno("wait4(group helper " + e.getKey() + ") in task " + e.getValue().tid(), (int) -w);
            ctx.roundTrips++;
        }
        groupHelpers.clear();
    }

    /** The stub binary from our resources, copied to a private temp dir (deleted once the stub has run). */
    private static Path stubBinary() throws RestoreException {
        String res = "/org/jcriu/nativeasm/jcriu-restorer";
        try (InputStream in = TaskTree.class.getResourceAsStream(res)) {
            if (in == null) throw new RestoreException("the restore stub " + res + " is missing from the jar (native-asm not built?)");
            Path dir = privateDir();
            Path p = dir.resolve("jcriu-restorer");
            Files.copy(in, p);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
            return p;
        } catch (IOException e) {
            throw new RestoreException("cannot install the restore stub: " + e.getMessage());
        }
    }

    /**
     * A new directory of ours (0700) under java.io.tmpdir, named by our pid and a counter:
     * Files.createTempDirectory would seed SecureRandom for the name first, 10 to 30 ms of a
     * fresh JVM. mkdir fails on any existing name (a symlink included), so a name taken by
     * someone else only moves us to the next one.
     */
    private static Path privateDir() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long pid = ProcessHandle.current().pid(), t = System.nanoTime();
        for (int i = 0; ; i++) {
            try {
                return Files.createDirectory(tmp.resolve("jcriu-restore-" + pid + "-" + Long.toHexString(t + i)),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException taken) {
                if (i >= 100) throw taken;
            }
        }
    }

}
