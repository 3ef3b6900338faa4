package org.jcriu.criu.restore;

import java.nio.file.Path;
import org.jcriu.compel.Compel;
import org.jcriu.compel.CompelException;
import org.jcriu.compel.Logger;
import org.jcriu.compel.Tracer;
import org.jcriu.compel.TraceeThread;
import org.jcriu.compel.sys.ErrnoException;
import org.jcriu.compel.sys.Prctl;
import org.jcriu.compel.sys.Wait;
import org.jcriu.criu.util.Log;

/**
 * The restore engine. Reads and validates the images ({@link RestorePlan}),
 * then drives every task through compel from one tracer thread, stage by
 * stage: {@link TaskTree} (the native stub makes the root with its saved pid
 * and maps an area for compel's remote code at an address no saved vma uses;
 * each task then makes its children by remote clone3 with set_tid, after
 * {@link MemoryRestorer} has rebuilt its address space, so children inherit
 * what they shared), {@link TaskRestorer} (fds, locks, process state,
 * threads), {@link Finisher} (timers, signals, creds, seccomp, registers,
 * detach). The remote work runs as compel {@link org.jcriu.compel.SyscallBatch}es
 * in the tasks' own interpreter.
 *
 * <p>On failure every task created is killed (SIGKILL, then reaped) before
 * the exception leaves; the area dies with them.
 */
public final class Restorer {
    /** What the caller asked for: CRIU's restore options. */
    public record Options(Path imagesDir, boolean shellJob, org.jcriu.criu.net.NetworkLockMethod networkLock) {}

    /** What came out: the root pid, timings for stats-restore, counters. */
    public record Result(int rootPid, long forkingNanos, long restoreNanos, long pagesRestored, long remoteSyscalls,
                         long roundTrips, long pagesCompared, long pagesSkippedCow) {}

    /** The area compel's remote code and batches run from in every restored task (unmapped last). */
    static final long AREA_SIZE = 8L << 20;

    private final Options opts;
    private final Log log = Log.get();
    private RestoreContext ctx;

    private Restorer(Options opts) {
        this.opts = opts;
    }

    /**
     * Restores the tree saved in opts.imagesDir. Runs on a dedicated tracer
     * thread (ptrace requests must come from the thread that attached) and
     * returns once every task runs, detached from us.
     */
    public static Result restore(Options opts) throws RestoreException {
        Restorer r = new Restorer(opts);
        Object[] out = new Object[2];
        Thread t = new Thread(() -> {
            try {
                out[0] = r.run();
            } catch (Throwable e) {
                out[1] = e;
            }
        }, "jcriu-restore-tracer");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RestoreException("interrupted");
        }
        if (out[1] instanceof RestoreException re) throw re;
        if (out[1] instanceof RuntimeException rt) throw rt;
        if (out[1] instanceof Error er) throw er;
        return (Result) out[0];
    }

    private static volatile Thread warmUp;

    /**
     * Starts, in the background, what the restore needs before its first
     * task exists: the native bindings (JNA's start-up is a good part of the
     * JVM's) and the child-subreaper flag. The images are read meanwhile;
     * {@link #restore} waits for it before spawning the stub. (The images
     * module initialises only the message classes an image read needs, at
     * first use: nothing of it to warm here.)
     */
    public static synchronized void prepare() {
        if (warmUp != null) return;
        warmUp = new Thread(Restorer::becomeSubreaper, "jcriu-restore-prepare");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    private static void awaitPrepared() {
        prepare();
        try {
            warmUp.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Makes the JVM a child subreaper, so orphans of the stub (the restored root) become our children. */
    public static void becomeSubreaper() {
        try {
            Prctl.prctl(Prctl.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        } catch (ErrnoException e) {
            Log.warn(e.getMessage());
        }
    }


    private Result run() throws RestoreException {
        long t0 = System.nanoTime();
        RestorePlan plan = RestorePlan.read(opts.imagesDir());
        log.log(Log.DEBUG, "images read and checked");
        log.log(Log.INFO, "restore: " + plan.tasks.size() + " task(s), " + plan.totalPages + " pages");
        ctx = new RestoreContext(opts, plan, chooseArea(plan));
        awaitPrepared();
        long tTree, tEnd;
        ctx.ttys = TtyRestorer.open(opts.imagesDir(), opts.shellJob());
        ctx.ttys.handOver(ctx.sharedFds.where);
        Tracer tracer = Compel.tracerOnThisThread(Restorer::compelLog);
        MemoryRestorer memory = new MemoryRestorer(ctx);
        TaskTree tree = new TaskTree(ctx, memory);
        try (Ghosts ghosts = new Ghosts(plan)) {
            // unlinked files first: mappings of them are made while the tree is
            ghosts.create();
            tree.create(tracer);
            tTree = System.nanoTime();
            log.log(Log.DEBUG, "tree created, memory rebuilt");
            TaskRestorer tasks = new TaskRestorer(ctx);
            for (TaskPlan t : plan.tasks) {
                if (!t.zombie()) tasks.restore(t);
            }
            ctx.sharedFds.closeSpares(ctx.leaders, ctx.remote);
            ctx.ttys.shellForeground(plan.root);
            memory.finishMemfds();
            ghosts.close();
            new Finisher(ctx).finish();
            org.jcriu.criu.net.InetSockets.restored(opts.imagesDir());
            tEnd = System.nanoTime();
        } catch (CompelException e) {
            org.jcriu.criu.net.InetSockets.restoreFailed(opts.imagesDir(), opts.networkLock());
            killAll();
            // ptrace or a task gone: one line, with the errno when a kernel call failed
            throw new RestoreException("restore: " + e.getMessage(), e instanceof ErrnoException ee ? ee.errno() : 0, e);
        } catch (RestoreException | RuntimeException | Error e) {
            org.jcriu.criu.net.InetSockets.restoreFailed(opts.imagesDir(), opts.networkLock());
            killAll();
            throw e;
        } finally {
            memory.close();
            tracer.close();
            ctx.ttys.close();
        }
        long forking = tTree - t0 - tree.memoryNanos;
        return new Result(plan.root.pid, forking, tEnd - t0, plan.totalPages, ctx.remote.syscalls(), ctx.roundTrips,
                ctx.pagesCompared, ctx.pagesSkippedCow);
    }

    private static void compelLog(Logger.Level level, String msg) {
        Log.get().log(switch (level) {
            case ERROR -> Log.ERROR;
            case WARN -> Log.WARN;
            case INFO -> Log.INFO;
            case DEBUG -> Log.DEBUG;
        }, msg);
    }

    /** A gap in every task's saved layout for compel's code area and the vDSO's temporary home. */
    private static long chooseArea(RestorePlan plan) throws RestoreException {
        long need = AREA_SIZE + (4L << 20);
        outer:
        for (long a = 0x100000000L; a < 0x7f0000000000L; a += 0x40000000L) {
            for (TaskPlan t : plan.tasks) {
                for (TaskPlan.VmaPlan v : t.vmas) {
                    if (v.start() < a + need && v.end() > a) continue outer;
                }
            }
            return a;
        }
        throw new RestoreException("no address range free in every saved layout for compel's code area");
    }

    /** SIGKILL to every task made so far, each reaped (compel collects every thread's end). */
    private void killAll() {
        if (ctx == null) return;
        for (TraceeThread rt : ctx.leaders.values()) {
            try {
                rt.tracee().kill();
            } catch (CompelException e) {
                log.log(Log.WARN, "task " + rt.tid() + ": " + e.getMessage());
            }
        }
    }

    /** Waits for the restored root (our child as subreaper) and returns its exit code, 128+signal if killed. */
    public static int waitForRoot(int pid) throws RestoreException {
        for (;;) {
            long w;
            try {
                w = Wait.waitpid(pid, 0);
            } catch (ErrnoException e) {
                if (e.errno() == Errnos.EINTR) continue;
                throw RestoreException.errno("waitpid(" + pid + ")", e.errno());
            }
            int s = Wait.status(w);
            if ((s & 0x7f) == 0) return (s >> 8) & 0xff;
            if ((s & 0xff) != 0x7f) return 128 + (s & 0x7f);
        }
    }
}
