package org.jcriu.criu.restore;

import static org.jcriu.criu.restore.RestorePlan.uint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcriu.compel.Compel;
import org.jcriu.compel.CompelException;
import org.jcriu.compel.Logger;
import org.jcriu.compel.SyscallBatch;
import org.jcriu.compel.Tracee;
import org.jcriu.compel.Tracer;
import org.jcriu.compel.TraceeThread;
import org.jcriu.compel.UserRegs;
import org.jcriu.compel.XState;
import org.jcriu.compel.sys.ErrnoException;
import org.jcriu.compel.sys.NoSuchProcessException;
import org.jcriu.compel.sys.Prctl;
import org.jcriu.compel.sys.Signal;
import org.jcriu.compel.sys.Wait;
import org.jcriu.criu.util.Log;
import org.jcriu.images.proto.*;

/**
 * The restore engine. Reads and validates the images ({@link RestorePlan}),
 * spawns the native stub, which clone3()s the root task with its saved pid
 * and maps an area for compel's remote code into it (at an address no saved
 * vma uses); then drives every task through compel, from one tracer thread:
 * remote clone3 (set_tid) for children and threads, and compel's
 * {@link SyscallBatch}es, run by the in-task interpreter, to rebuild each
 * address space, fill pages (pread64 in the task from pages-N.img), open
 * files, set signals, timers, limits. Last, the area is unmapped at the exit
 * of its own munmap, the saved registers, xstate and signal mask are loaded
 * and every task detached.
 *
 * <p>On failure every task created is killed (SIGKILL, then reaped) before
 * the exception leaves; the area dies with them.
 */
public final class Restorer {
    /** What the caller asked for: CRIU's restore options. */
    public record Options(Path imagesDir, boolean shellJob, org.jcriu.criu.net.NetworkLockMethod networkLock) {}

    /** What came out: the root pid, timings for stats-restore, counters. */
    public record Result(int rootPid, long forkingNanos, long restoreNanos, long pagesRestored, long remoteSyscalls,
                         long roundTrips) {}

    static final long CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800,
            CLONE_THREAD = 0x10000, CLONE_SYSVSEM = 0x40000;
    static final int NR_read = 0, NR_write = 1, NR_close = 3, NR_lseek = 8, NR_mmap = 9, NR_mprotect = 10,
            NR_munmap = 11, NR_rt_sigaction = 13, NR_rt_sigprocmask = 14, NR_pread64 = 17, NR_mremap = 25,
            NR_madvise = 28, NR_dup2 = 33, NR_setitimer = 38, NR_socketpair = 53, NR_exit = 60, NR_fcntl = 72,
            NR_chdir = 80, NR_umask = 95, NR_setpgid = 109, NR_setsid = 112, NR_sigaltstack = 131,
            NR_personality = 135, NR_prctl = 157, NR_chroot = 161, NR_set_tid_address = 218, NR_exit_group = 231,
            NR_epoll_ctl = 233, NR_openat = 257, NR_set_robust_list = 273, NR_timerfd_create = 283,
            NR_timerfd_settime = 286, NR_signalfd4 = 289, NR_eventfd2 = 290, NR_epoll_create1 = 291, NR_dup3 = 292,
            NR_pipe2 = 293, NR_prlimit64 = 302, NR_rseq = 334, NR_clone3 = 435, NR_close_range = 436;
    static final long AT_FDCWD = -100;
    static final int O_ACCMODE = 3, O_NONBLOCK = 04000, O_CLOEXEC = 02000000, O_CREAT = 0100, O_EXCL = 0200,
            O_TRUNC = 01000;
    static final int PROT_WRITE = 2, MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20,
            MAP_GROWSDOWN = 0x100, MAP_NORESERVE = 0x4000, MAP_LOCKED = 0x2000;
    static final int NR_mlock = 149;
    static final long MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;
    static final int PR_SET_NAME = 15, PR_SET_MM = 35, PR_SET_MM_MAP = 14;
    /** The area compel's remote code and batches run from in every restored task (unmapped last). */
    static final long AREA_SIZE = 8L << 20;

    private final Options opts;
    private final Log log = Log.get();
    private RestorePlan plan;
    private long area;
    /** This thread, the one ptrace tracer of the whole restored tree. */
    private Tracer tracer;
    /** Every task (thread-group leader) created, in creation order: killed on failure. */
    private final Map<Integer, TraceeThread> leaders = new LinkedHashMap<>();
    /** Every thread, leaders included, keyed by tid. */
    private final Map<Integer, TraceeThread> threads = new LinkedHashMap<>();
    private final Remote remote = new Remote();
    private long roundTrips;
    /** Open file descriptions already restored, for the tasks that share them. */
    private final FdRestorer.Shared sharedFds = new FdRestorer.Shared();
    /** Shared anonymous memory mapped so far: shmid -> {pid, start, end, pgoff}. */
    private final Map<Long, long[]> sharedAnon = new HashMap<>();
    /** Shared memory the task being restored maps from another task (already filled there). */
    private final java.util.Set<Long> shmFromOthers = new java.util.HashSet<>();
    private final SeccompRestorer seccomp;
    /** Pseudo-terminals made for the tree (TtyRestorer), open from before the tree exists until the end. */
    private TtyRestorer ttys;

    private Restorer(Options opts) {
        this.opts = opts;
        this.seccomp = new SeccompRestorer(opts.imagesDir());
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
     * {@link #restore} waits for it before spawning the stub. A second thread
     * initializes the images module's generated classes (building their
     * protobuf descriptors costs tens of ms in a fresh JVM) while the CLI
     * still parses its options; the image reader then finds them ready, or
     * waits for that class initialization instead of repeating it.
     */
    public static synchronized void prepare() {
        if (warmUp != null) return;
        warmUp = new Thread(Restorer::becomeSubreaper, "jcriu-restore-prepare");
        warmUp.setDaemon(true);
        warmUp.start();
        Thread images = new Thread(() -> org.jcriu.images.ImageType.values(), "jcriu-restore-prepare-images");
        images.setDaemon(true);
        images.start();
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
        plan = RestorePlan.read(opts.imagesDir());
        log.log(Log.DEBUG, "images read and checked");
        log.log(Log.INFO, "restore: " + plan.tasks.size() + " task(s), " + plan.totalPages + " pages");
        area = chooseArea();
        awaitPrepared();
        long tFork, tEnd;
        ttys = TtyRestorer.open(opts.imagesDir(), opts.shellJob());
        ttys.handOver(sharedFds.where);
        tracer = Compel.tracerOnThisThread(Restorer::compelLog);
        try {
            createTree();
            tFork = System.nanoTime();
            log.log(Log.DEBUG, "tree created");
            createGhosts();
            try {
                for (TaskPlan t : plan.tasks) {
                    if (!t.zombie()) restoreTask(t);
                }
                sharedFds.closeSpares(leaders, remote);
                ttys.shellForeground(plan.root);
                finishMemfds();
            } finally {
                removeGhosts();
            }
            finish();
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
            tracer.close();
            ttys.close();
        }
        return new Result(plan.root.pid, tFork - t0, tEnd - t0, plan.totalPages, remote.syscalls(), roundTrips);
    }

    private static void compelLog(Logger.Level level, String msg) {
        Log.get().log(switch (level) {
            case ERROR -> Log.ERROR;
            case WARN -> Log.WARN;
            case INFO -> Log.INFO;
            case DEBUG -> Log.DEBUG;
        }, msg);
    }

    // ---------------------------------------------------------------- tree

    /** A gap in every task's saved layout for compel's code area and the vDSO's temporary home. */
    private long chooseArea() throws RestoreException {
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

    private void createTree() throws RestoreException {
        TaskPlan root = plan.root;
        Path stub = stubBinary();
        try {
            Process p = new ProcessBuilder(stub.toString(), Integer.toString(root.pid), "0x" + Long.toHexString(area),
                    "0x" + Long.toHexString(AREA_SIZE)).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
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
            leaders.put(root.pid, rt);
            t.killOnTracerExit();
            t.useArea(area, AREA_SIZE);
        } catch (CompelException e) {
            if (!leaders.containsKey(root.pid)) {
                try {
                    Signal.kill(root.pid, Signal.SIGKILL);
                } catch (ErrnoException ignored) {
                    // gone already
                }
            }
            throw e;
        }
        threads.put(root.pid, rt);
        setupTask(root, rt);
        dropGroupHelpers();
        ttys.foreground(leaders, plan.tasks);
    }

    /** Session and group of a new task, then its children, depth first (sessions before what lives in them). */
    private void setupTask(TaskPlan t, TraceeThread rt) throws RestoreException {
        if (t.sid == t.pid) {
            remote.syscall(rt, "setsid() for task " + t.pid, NR_setsid);
            ttys.claimCtty(t, rt); // before its children exist: they inherit the controlling terminal
        } else if (t.pgid == t.pid) {
            remote.syscall(rt, "setpgid(0, 0) for task " + t.pid, NR_setpgid, 0, 0);
        } else if (t.parent != null && t.pgid != t.parent.pgid) {
            remote.syscall(rt, "setpgid(0, " + t.pgid + ") for task " + t.pid, NR_setpgid, 0, t.pgid);
        }
        roundTrips++;
        for (TaskPlan c : t.children) {
            if (c.pgid != c.pid && c.pgid != t.pgid && !inTree(c.pgid) && !groupHelpers.containsKey(c.pgid)) {
                // a process group whose leader is gone: a helper with the leader's pid holds it while members join
                TraceeThread helper = cloneRemote(rt, c.pgid, 0, Signal.SIGCHLD, "the leader of process group " + c.pgid + " (pstree.img)");
                int h = helper.tid();
                leaders.put(h, helper);
                threads.put(h, helper);
                groupHelpers.put(h, rt);
                remote.syscall(helper, "setpgid(0, 0) for the helper of group " + h, NR_setpgid, 0, 0);
                roundTrips += 2;
            }
            TraceeThread child = cloneRemote(rt, c.pid, 0, Signal.SIGCHLD, "task " + c.pid + " (pstree.img)");
            int tid = child.tid();
            leaders.put(tid, child);
            threads.put(tid, child);
            setupTask(c, child);
        }
    }

    /** Helpers holding process groups whose leader is gone: helper pid -> its parent. */
    private final Map<Integer, TraceeThread> groupHelpers = new LinkedHashMap<>();

    private boolean inTree(int pid) {
        for (TaskPlan x : plan.tasks) if (x.pid == pid) return true;
        return false;
    }

    /** Once every task is in its group: the helpers exit and their parents reap them. */
    private void dropGroupHelpers() throws RestoreException {
        for (var e : groupHelpers.entrySet()) {
            TraceeThread h = leaders.get(e.getKey());
            // exit_group(0) from the area's syscall instruction, once let go
            h.setRegs(h.getRegs().copy().rip(area).rax(NR_exit_group).rdi(0).origRax(-1));
            h.tracee().detach(Tracee.AfterDetach.AS_FOUND);
            leaders.remove(e.getKey());
            threads.remove(e.getKey());
            long w = e.getValue().syscall(61 /* wait4 */, e.getKey(), 0, 0x40000000L /* __WALL */, 0);
            if (w != e.getKey()) throw RestoreException.errno("wait4(group helper " + e.getKey() + ") in task " + e.getValue().tid(), (int) -w);
            roundTrips++;
        }
        groupHelpers.clear();
    }

    /** Remote clone3 with set_tid = tid from task rt; returns the new thread, stopped and traced. */
    private TraceeThread cloneRemote(TraceeThread rt, int tid, long flags, int exitSignal, String what) throws RestoreException {
        SyscallBatch b = new SyscallBatch(rt);
        long setTid = b.longs(tid);
        long args = b.longs(flags, 0, 0, 0, exitSignal, 0, 0, 0, setTid, 1, 0);
        b.writeData();
        roundTrips++;
        TraceeThread.CloneResult c = rt.syscallClone(NR_clone3, args, 88);
        long r = c.result();
        if (r == -Errnos.EEXIST) throw new RestoreException("pid " + tid + " of " + what + " is already taken (clone3 set_tid: EEXIST)");
        if (r < 0) throw RestoreException.errno("clone3(set_tid=" + tid + ") for " + what, (int) -r);
        if (r != tid) throw new RestoreException("clone3(set_tid=" + tid + ") for " + what + " gave pid " + r);
        return c.child();
    }

    // ---------------------------------------------------------------- one task

    private void restoreTask(TaskPlan t) throws RestoreException {
        TraceeThread rt = leaders.get(t.pid);
        rebuildMemory(t, rt);
        restoreFds(t, rt);
        restoreTaskState(t, rt);
        createThreads(t, rt);
    }

    private void rebuildMemory(TaskPlan t, TraceeThread rt) throws RestoreException {
        // 1. signals off, the stub's mappings gone, the vDSO where the task expects it
        SyscallBatch b = new SyscallBatch(rt);
        b.op("rt_sigprocmask(SIG_SETMASK, all)", NR_rt_sigprocmask, 2, b.longs(-1L), 0, 8);
        List<long[]> vdso = new ArrayList<>(); // {start, end, kind} kind 0 vvar*, 1 vdso
        for (String line : procMaps(t.pid)) {
            String[] f = line.trim().split("\\s+");
            String[] se = f[0].split("-");
            long s = Long.parseUnsignedLong(se[0], 16), e = Long.parseUnsignedLong(se[1], 16);
            String name = f.length > 5 ? f[5] : "";
            if (s == area) continue;
            if (name.startsWith("[vvar")) vdso.add(new long[] {s, e, 0});
            else if (name.equals("[vdso]")) vdso.add(new long[] {s, e, 1});
            else if (!name.equals("[vsyscall]")) b.op("munmap(0x" + Long.toHexString(s) + ") of the stub", NR_munmap, s, e - s);
        }
        moveVdso(t, b, vdso);
        remote.run(b);
        roundTrips++;

        // 2. every vma at its address; files opened in the task, once each
        ensureMemfds(t, rt);
        b = new SyscallBatch(rt);
        Map<String, Integer> opened = new HashMap<>();
        shmFromOthers.clear();
        Map<Long, Integer> protFix = new LinkedHashMap<>();
        boolean[] filled = filledVmas(t);
        int vi = 0;
        for (TaskPlan.VmaPlan v : t.vmas) {
            int idx = vi++;
            if (v.is(TaskPlan.VmaPlan.VDSO) || v.is(TaskPlan.VmaPlan.VVAR) || v.is(TaskPlan.VmaPlan.VSYSCALL)) continue;
            int prot = v.prot();
            if (filled[idx] && (prot & PROT_WRITE) == 0) {
                prot |= PROT_WRITE;
                protFix.put(v.start(), idx);
            }
            int flags = (v.flags() & (MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_NORESERVE)) | MAP_FIXED;
            String what = "mmap(0x" + Long.toHexString(v.start()) + "-0x" + Long.toHexString(v.end()) + ")";
            if (v.path() != null) {
                Integer fdOp = opened.get(v.path());
                int accmode = (v.flags() & MAP_SHARED) != 0 && (v.prot() & PROT_WRITE) != 0 ? 2 : 0;
                String key = v.path() + "#" + accmode;
                fdOp = opened.get(key);
                if (fdOp == null) {
                    fdOp = b.op("open(" + v.path() + ") for mappings", NR_openat, AT_FDCWD, b.str(v.path()), accmode | O_CLOEXEC, 0);
                    opened.put(key, fdOp);
                }
                int op = b.op(what + " of " + v.path(), NR_mmap, v.start(), v.len(), prot, flags & ~MAP_ANONYMOUS, 0, v.pgoff());
                b.useResult(op, 16, fdOp);
            } else if (v.is(TaskPlan.VmaPlan.MEMFD)) {
                int[] obj = sharedFds.memfds.get(v.shmid());
                int fdOp;
                if (obj[0] == t.pid) {
                    fdOp = -1;
                } else {
                    int pfd = b.op("pidfd_open(" + obj[0] + ") for a memfd", 434, obj[0], 0);
                    fdOp = b.op("pidfd_getfd(memfd) for mapping 0x" + Long.toHexString(v.start()), 438, 0, obj[1], 0);
                    b.useResult(fdOp, 1, pfd);
                    b.useResult(b.op("close(pidfd)", NR_close, 0), 1, pfd);
                    opened.put("memfd#" + v.start(), fdOp);
                }
                int op = b.op(what + " of memfd inode " + v.shmid(), NR_mmap, v.start(), v.len(), prot, flags & ~MAP_ANONYMOUS,
                        obj[1], v.pgoff());
                if (fdOp >= 0) b.useResult(op, 16, fdOp);
            } else if (v.is(TaskPlan.VmaPlan.ANON_SHARED) && sharedAnon.containsKey(v.shmid())) {
                // the same shared memory another task of the tree already has: map that object
                long[] src = sharedAnon.get(v.shmid());
                String mf = "/proc/" + src[0] + "/map_files/" + Long.toHexString(src[1]) + "-" + Long.toHexString(src[2]);
                int fdOp = b.op("open(" + mf + ") for shared memory", NR_openat, AT_FDCWD, b.str(mf), 2 | O_CLOEXEC, 0);
                opened.put(mf, fdOp);
                int op = b.op(what + " shared with task " + src[0], NR_mmap, v.start(), v.len(), prot,
                        (flags & ~MAP_ANONYMOUS) | MAP_SHARED, 0, v.pgoff() - src[3]);
                b.useResult(op, 16, fdOp);
                shmFromOthers.add(v.shmid());
            } else {
                b.op(what, NR_mmap, v.start(), v.len(), prot, flags | MAP_ANONYMOUS, -1, 0);
                if (v.is(TaskPlan.VmaPlan.ANON_SHARED)) sharedAnon.put(v.shmid(), new long[] {t.pid, v.start(), v.end(), v.pgoff()});
            }
        }
        int exeOp = t.exePath == null ? -1 : b.op("open(" + t.exePath + ") for PR_SET_MM_MAP", NR_openat, AT_FDCWD, b.str(t.exePath), O_CLOEXEC, 0);
        remote.run(b);
        roundTrips++;
        long exeFd = exeOp >= 0 ? b.result(exeOp) : -1;
        List<Long> toClose = new ArrayList<>();
        for (int op : opened.values()) toClose.add(b.result(op));

        // 3. pages: pread64 in the task, straight from pages-N.img into place
        log.log(Log.DEBUG, "task " + t.pid + ": vmas mapped; filling pages");
        fillPages(t, rt);
        log.log(Log.DEBUG, "task " + t.pid + ": pages filled");

        // 4. protections back, madvise, files closed, mm fields
        b = new SyscallBatch(rt);
        for (int idx : protFix.values()) {
            TaskPlan.VmaPlan v = t.vmas.get(idx);
            b.op("mprotect(0x" + Long.toHexString(v.start()) + ")", NR_mprotect, v.start(), v.len(), v.prot());
        }
        for (TaskPlan.VmaPlan v : t.vmas) {
            if (v.madv() == 0 || v.is(TaskPlan.VmaPlan.VDSO) || v.is(TaskPlan.VmaPlan.VVAR) || v.is(TaskPlan.VmaPlan.VSYSCALL)) continue;
            for (int bit = 0; bit < 64; bit++) {
                if ((v.madv() & (1L << bit)) != 0) {
                    b.op("madvise(0x" + Long.toHexString(v.start()) + ", " + bit + ")", NR_madvise, v.start(), v.len(), bit);
                }
            }
        }
        for (TaskPlan.VmaPlan v : t.vmas) {
            if ((v.flags() & MAP_LOCKED) != 0) b.op("mlock(0x" + Long.toHexString(v.start()) + ")", NR_mlock, v.start(), v.len());
        }
        for (long fd : toClose) b.op("close", NR_close, fd);
        if (t.oomScoreAdj != 0) {
            try {
                Files.writeString(Path.of("/proc/" + t.pid + "/oom_score_adj"), Integer.toString(t.oomScoreAdj));
            } catch (IOException e) {
                throw new RestoreException("cannot set oom_score_adj of task " + t.pid + ": " + e.getMessage());
            }
        }
        if (exeFd >= 0) {
            long auxv = b.longs(t.auxv);
            long[] mf = t.mmFields;
            // struct prctl_mm_map: 11 u64 fields, auxv pointer, u32 auxv_size, u32 exe_fd
            long map = b.longs(mf[0], mf[1], mf[2], mf[3], mf[5], mf[6], mf[4], mf[7], mf[8], mf[9], mf[10], auxv,
                    (8L * t.auxv.length) | (exeFd << 32));
            b.op("prctl(PR_SET_MM_MAP) for task " + t.pid + " (mm-" + t.pid + ".img)", NR_prctl, PR_SET_MM, PR_SET_MM_MAP, map, 104, 0);
            b.op("close(exe)", NR_close, exeFd);
        }
        remote.run(b);
        roundTrips++;
    }

    static final int NR_memfd_create = 319, NR_ftruncate = 77, NR_fcntl_ = 72, F_ADD_SEALS = 1033, F_SEAL_SEAL = 1;
    private int memfdSlot = -1;

    /**
     * memfd objects this task uses and no task made yet: memfd_create, size,
     * content read in through a temporary shared mapping, then kept at a
     * spare fd (above any fd the tree uses) for mappings and fds, here and
     * in other tasks, until {@link #finishMemfds} seals and closes them.
     */
    private void ensureMemfds(TaskPlan t, TraceeThread rt) throws RestoreException {
        if (memfdSlot < 0) {
            int max = 0;
            for (TaskPlan x : plan.tasks) for (TaskPlan.FdPlan f : x.fds) max = Math.max(max, f.fd());
            memfdSlot = max + 4096;
        }
        for (long inode : t.memfds) {
            if (sharedFds.memfds.containsKey(inode)) continue;
            RestorePlan.MemfdPlan m = plan.memfds.get(inode);
            boolean sealable = m.seals() != F_SEAL_SEAL;
            int slot = memfdSlot++;
            SyscallBatch b = new SyscallBatch(rt);
            int fd = b.op("memfd_create(" + m.name() + ")", NR_memfd_create, b.str(m.name()), sealable ? 2 : 0);
            b.useResult(b.op("ftruncate(memfd " + m.name() + ", " + m.size() + ")", NR_ftruncate, 0, m.size()), 1, fd);
            b.useResult(b.op("dup3(memfd, spare)", NR_dup3, 0, slot, O_CLOEXEC), 1, fd);
            b.useResult(b.op("close", NR_close, 0), 1, fd);
            int map = -1;
            if (!m.content().isEmpty() && m.size() > 0) {
                map = b.op("mmap(memfd " + m.name() + ") for its content", NR_mmap, 0, (m.size() + 4095) & ~4095L, 3, MAP_SHARED, slot, 0);
            }
            remote.run(b);
            roundTrips++;
            sharedFds.memfds.put(inode, new int[] {t.pid, slot});
            if (map < 0) continue;
            long base = b.result(map);
            SyscallBatch f = new SyscallBatch(rt);
            Map<Long, Integer> pages = new HashMap<>();
            for (long[] c : m.content()) {
                Integer po = pages.get(c[3]);
                if (po == null) {
                    Path p = plan.images.dir.resolve("pages-" + c[3] + ".img").toAbsolutePath();
                    po = f.op("open(" + p + ")", NR_openat, AT_FDCWD, f.str(p.toString()), O_CLOEXEC, 0);
                    pages.put(c[3], po);
                }
                long len = Math.min(c[1], m.size() - c[0]);
                if (len <= 0) continue;
                int r = f.op("pread64(memfd " + m.name() + " content)", NR_pread64, 0, base + c[0], len, c[2]);
                f.useResult(r, 1, po).flags(r, SyscallBatch.FULL_LENGTH);
            }
            for (int po : pages.values()) f.useResult(f.op("close(pages)", NR_close, 0), 1, po);
            f.op("munmap(memfd content window)", NR_munmap, base, (m.size() + 4095) & ~4095L);
            remote.run(f);
            roundTrips++;
        }
    }

    /** Seals on (the last thing a memfd gets) and the spare fds closed. */
    private void finishMemfds() throws RestoreException {
        for (var e : sharedFds.memfds.entrySet()) {
            RestorePlan.MemfdPlan m = plan.memfds.get(e.getKey());
            TraceeThread rt = leaders.get(e.getValue()[0]);
            SyscallBatch b = new SyscallBatch(rt);
            if (m.seals() != 0 && m.seals() != F_SEAL_SEAL) {
                b.op("fcntl(F_ADD_SEALS, 0x" + Long.toHexString(m.seals()) + ") memfd " + m.name(), NR_fcntl_, e.getValue()[1], F_ADD_SEALS, m.seals());
            }
            b.op("close(memfd spare)", NR_close, e.getValue()[1]);
            remote.run(b);
            roundTrips++;
        }
        sharedFds.memfds.clear();
    }

    /** Which vmas get pages from the image (they are mapped writable until filled). */
    private static boolean[] filledVmas(TaskPlan t) {
        boolean[] f = new boolean[t.vmas.size()];
        int vi = 0;
        for (long[] pm : t.pagemap) {
            long s = pm[0], e = pm[0] + pm[1] * 4096;
            while (vi < t.vmas.size() && t.vmas.get(vi).end() <= s) vi++;
            for (int j = vi; j < t.vmas.size() && t.vmas.get(j).start() < e; j++) f[j] = true;
        }
        return f;
    }

    /**
     * Moves the running kernel's [vvar], [vvar_vclock] and [vdso] to the saved
     * addresses: saved vvar areas are one block (CRIU 4.2 saves them as one
     * vma, others as two), the current ones keep their offsets inside it.
     */
    private void moveVdso(TaskPlan t, SyscallBatch b, List<long[]> cur) throws RestoreException {
        long svs = Long.MAX_VALUE, sve = 0, sds = 0, sde = 0;
        for (TaskPlan.VmaPlan v : t.vmas) {
            if (v.is(TaskPlan.VmaPlan.VVAR)) {
                svs = Math.min(svs, v.start());
                sve = Math.max(sve, v.end());
            } else if (v.is(TaskPlan.VmaPlan.VDSO)) {
                sds = v.start();
                sde = v.end();
            }
        }
        long cvs = Long.MAX_VALUE, cve = 0, cds = 0, cde = 0;
        for (long[] c : cur) {
            if (c[2] == 0) {
                cvs = Math.min(cvs, c[0]);
                cve = Math.max(cve, c[1]);
            } else {
                cds = c[0];
                cde = c[1];
            }
        }
        if (sds == 0) {
            // the task had no vDSO: drop ours
            for (long[] c : cur) b.op("munmap(vdso)", NR_munmap, c[0], c[1] - c[0]);
            return;
        }
        if (sde - sds != cde - cds || (sve > 0 && sve - svs != cve - cvs)) {
            throw new RestoreException("the vDSO of this kernel differs in size from the one in mm-" + t.pid
                    + ".img (saved vdso " + (sde - sds) + " bytes, vvar " + (sve - svs) + "; here " + (cde - cds) + ", " + (cve - cvs) + ")");
        }
        long tmp = area + AREA_SIZE;
        List<long[]> moves = new ArrayList<>();
        for (long[] c : cur) {
            long dst = c[2] == 1 ? sds : (sve > 0 ? svs + (c[0] - cvs) : -1);
            if (dst < 0) {
                b.op("munmap(vvar)", NR_munmap, c[0], c[1] - c[0]);
                continue;
            }
            long tdst = tmp + (c[0] - Math.min(cvs, cds));
            b.op("mremap(vdso to temp)", NR_mremap, c[0], c[1] - c[0], c[1] - c[0], MREMAP_MAYMOVE | MREMAP_FIXED, tdst);
            moves.add(new long[] {tdst, c[1] - c[0], dst});
        }
        for (long[] m : moves) {
            b.op("mremap(vdso to 0x" + Long.toHexString(m[2]) + ")", NR_mremap, m[0], m[1], m[1], MREMAP_MAYMOVE | MREMAP_FIXED, m[2]);
        }
    }

    /** Below this many bytes one thread fills; above, a helper thread of the task takes half. */
    static final long PARALLEL_FILL_MIN = 128L << 20;
    static final long FILL_CHUNK = 32L << 20;
    static final boolean POPULATE = Boolean.parseBoolean(System.getProperty("jcriu.restore.populate", "true"));
    /** Threads filling pages: one per CPU, at most 4 (-Djcriu.restore.fillThreads=N overrides). */
    static final int FILL_THREADS = Integer.getInteger("jcriu.restore.fillThreads",
            Math.min(4, Runtime.getRuntime().availableProcessors()));

    /**
     * Pages go from pages-N.img straight into place with pread64 run by the
     * task itself. Large images are filled by two threads of the task at once
     * (a helper made by remote clone3, gone before anything else runs): the
     * kernel allocating and zeroing pages is the cost, and it scales with CPUs.
     */
    private void fillPages(TaskPlan t, TraceeThread rt) throws RestoreException {
        if (t.pagemap.isEmpty()) return;
        SyscallBatch pre = new SyscallBatch(rt);
        Map<Long, Integer> fdOps = new LinkedHashMap<>();
        long total = 0;
        for (long[] pm : t.pagemap) {
            if (pm[4] >= 0 && shmFromOthers.contains(pm[4])) continue;
            total += pm[1] * 4096;
            if (!fdOps.containsKey(pm[3])) {
                Path pages = plan.images.dir.resolve("pages-" + pm[3] + ".img").toAbsolutePath();
                fdOps.put(pm[3], pre.op("open(" + pages + ")", NR_openat, AT_FDCWD, pre.str(pages.toString()), O_CLOEXEC, 0));
            }
        }
        remote.run(pre);
        roundTrips++;
        Map<Long, Long> fds = new HashMap<>();
        for (var e : fdOps.entrySet()) fds.put(e.getKey(), pre.result(e.getValue()));
        // the work: pread64 ops of at most FILL_CHUNK bytes
        List<long[]> work = new ArrayList<>(); // {fd, addr, len, off, pagesId}
        for (long[] pm : t.pagemap) {
            if (pm[4] >= 0 && shmFromOthers.contains(pm[4])) continue;
            long addr = pm[0], len = pm[1] * 4096, off = pm[2];
            while (len > 0) {
                long n = Math.min(len, FILL_CHUNK);
                work.add(new long[] {fds.get(pm[3]), addr, n, off, pm[3]});
                addr += n;
                off += n;
                len -= n;
            }
        }
        int workers = total >= PARALLEL_FILL_MIN ? (int) Math.max(1, Math.min(FILL_THREADS, work.size())) : 1;
        List<TraceeThread> helpers = new ArrayList<>();
        try {
            for (int w = 1; w < workers; w++) {
                TraceeThread h = cloneHelper(rt);
                threads.put(h.tid(), h);
                helpers.add(h);
            }
            SyscallBatch[] bs = new SyscallBatch[workers];
            for (int w = 0; w < workers; w++) bs[w] = new SyscallBatch(w == 0 ? rt : helpers.get(w - 1), w, workers);
            int i = 0;
            while (i < work.size()) {
                for (int w = 0; w < workers; w++) {
                    // chunks dealt in turn, so both threads finish together
                    for (int j = i + w; j < work.size() && bs[w].size() < bs[w].capacity(); j += workers) {
                        long[] c = work.get(j);
                        if (POPULATE) {
                            // allocate the pages in one call instead of one fault per page
                            bs[w].flags(bs[w].op("madvise(MADV_POPULATE_WRITE)", NR_madvise, c[1], c[2], 23), SyscallBatch.ANY_RESULT);
                        }
                        int op = bs[w].op("pread64(pages-" + c[4] + ".img, 0x" + Long.toHexString(c[1]) + ")", NR_pread64, c[0], c[1], c[2], c[3]);
                        bs[w].flags(op, SyscallBatch.FULL_LENGTH);
                    }
                }
                int taken = 0;
                int[] sizes = new int[workers];
                for (int w = 0; w < workers; w++) {
                    sizes[w] = bs[w].size();
                    taken += sizes[w];
                }
                for (SyscallBatch b : bs) if (b.size() > 0) b.start();
                RestoreException failed = null;
                // the leader's batch is finished last: compel's wait for a leader with live threads
                // reaps their exits, which would also take a helper's trap stop (see SyscallBatch)
                for (int w = workers - 1; w >= 0; w--) {
                    if (sizes[w] == 0) continue;
                    try {
                        remote.finish(bs[w], sizes[w]);
                    } catch (RestoreException e) {
                        if (failed == null) failed = e;
                    }
                }
                if (failed != null) throw failed;
                roundTrips++;
                i += taken;
            }
        } finally {
            for (TraceeThread h : helpers) {
                threads.remove(h.tid());
                try {
                    h.syscall(NR_exit, 0);
                } catch (NoSuchProcessException gone) {
                    // its exit, collected: what we wanted
                }
            }
        }
        SyscallBatch b = new SyscallBatch(rt);
        for (long fd : fds.values()) b.op("close(pages)", NR_close, fd);
        remote.run(b);
        roundTrips++;
    }

    /** A helper thread for the page fill: remote clone3 of a thread, any tid. */
    private TraceeThread cloneHelper(TraceeThread rt) throws RestoreException {
        SyscallBatch b = new SyscallBatch(rt);
        long args = b.longs(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        b.writeData();
        TraceeThread.CloneResult c = rt.syscallClone(NR_clone3, args, 88);
        if (c.result() < 0) throw RestoreException.errno("clone3(helper thread) in task " + rt.tid(), (int) -c.result());
        roundTrips++;
        return c.child();
    }

    // ---------------------------------------------------------------- fds

    private void restoreFds(TaskPlan t, TraceeThread rt) throws RestoreException {
        new FdRestorer(sharedFds, plan, t, rt, remote, opts.networkLock()).restore();
        roundTrips += 3;
        restoreLocks(t, rt);
    }

    /** File locks the task held (filelocks.img), taken again on its restored fds. */
    private void restoreLocks(TaskPlan t, TraceeThread rt) throws RestoreException {
        SyscallBatch b = new SyscallBatch(rt);
        for (FileLockEntry l : plan.fileLocks) {
            if (l.getPid() != t.pid) continue;
            long flag = uint(l.getFlag()), type = uint(l.getType()), fd = l.getFd();
            String what = "lock (flag " + flag + ", type " + type + ") on fd " + fd + " of task " + t.pid + " (filelocks.img)";
            if ((flag & 2) != 0) {
                b.op("flock: " + what, 73, fd, type | 4 /* LOCK_NB */);
            } else {
                // struct flock: short l_type, short l_whence, off_t l_start, off_t l_len, pid_t l_pid
                long fl = b.longs((type & 0xffff), l.getStart(), l.getLen(), 0);
                boolean ofd = (flag & 1024) != 0;
                b.op("fcntl(" + (ofd ? "F_OFD_SETLK" : "F_SETLK") + "): " + what, NR_fcntl, fd, ofd ? 37 : 6, fl);
            }
        }
        if (b.size() > 0) {
            remote.run(b);
            roundTrips++;
        }
    }

    // ---------------------------------------------------------------- task state

    private void restoreTaskState(TaskPlan t, TraceeThread rt) throws RestoreException {
        TaskCoreEntry tc = taskCore(t.cores.get(0));
        SyscallBatch b = new SyscallBatch(rt);
        if (tc != null) {
            List<SaEntry> sas = tc.getSigactionsList();
            // one entry per signal from 1 up, SIGKILL and SIGSTOP left out
            int sig = 0;
            for (int i = 0; i < sas.size(); i++) {
                sig++;
                if (sig == 9 || sig == 19) sig++;
                SaEntry sa = sas.get(i);
                if (sa.getSigaction() == 0 && sa.getFlags() == 0) continue;
                long act = b.longs(sa.getSigaction(), sa.getFlags(), sa.getRestorer(), sa.getMask());
                b.op("rt_sigaction(" + sig + ")", NR_rt_sigaction, sig, act, 0, 8);
            }
            if (tc.hasRlimits()) {
                List<RlimitEntry> l = tc.getRlimits().getRlimitsList();
                for (int i = 0; i < l.size(); i++) {
                    long v = b.longs(l.get(i).getCur(), l.get(i).getMax());
                    int op = b.op("prlimit64(" + i + ")", 302, 0, i, v, 0);
                    b.flags(op, SyscallBatch.ANY_RESULT);
                }
            }
            if (tc.getPersonality() != 0) b.op("personality", NR_personality, uint(tc.getPersonality()));
            if (tc.hasComm()) b.op("prctl(PR_SET_NAME)", NR_prctl, PR_SET_NAME, b.str(tc.getComm()), 0, 0, 0);
        }
        b.op("umask", NR_umask, t.umask);
        // paths are as seen from our root: cwd first, then the root (chroot keeps the cwd)
        if (t.cwd != null) b.op("chdir(" + t.cwd + ")", NR_chdir, b.str(t.cwd));
        if (t.root != null && !t.root.equals("/")) b.op("chroot(" + t.root + ")", NR_chroot, b.str(t.root));
        remote.run(b);
        roundTrips++;
    }

    /** Timers last: an itimer must not fire while the task is still being built. */
    private void restoreTimers(TaskPlan t, TraceeThread rt) throws RestoreException {
        TaskCoreEntry tc = taskCore(t.cores.get(0));
        if (tc == null || !tc.hasTimers()) return;
        TaskTimersEntry timers = tc.getTimers();
        SyscallBatch b = new SyscallBatch(rt);
        for (int which = 0; which < 3; which++) {
            ItimerEntry it = itimer(timers, which);
            if (it.getVsec() == 0 && it.getVusec() == 0) continue;
            long v = b.longs(it.getIsec(), it.getIusec(), it.getVsec(), it.getVusec());
            b.op("setitimer(" + which + ")", NR_setitimer, which, v, 0);
        }
        TaskState.posixTimers(b, timers.getPosixList(), t.pid);
        remote.run(b);
        roundTrips++;
        // CPU-time itimers are rounded up by a tick when set: read back, take the tick off again
        SyscallBatch g = new SyscallBatch(rt);
        long[] got = new long[3];
        for (int which = 1; which < 3; which++) {
            ItimerEntry it = itimer(timers, which);
            if (it.getVsec() == 0 && it.getVusec() == 0) continue;
            got[which] = g.alloc(32);
            g.op("getitimer(" + which + ")", 36, which, got[which]);
        }
        if (g.size() == 0) return;
        remote.run(g);
        SyscallBatch fix = new SyscallBatch(rt);
        for (int which = 1; which < 3; which++) {
            if (got[which] == 0) continue;
            ItimerEntry it = itimer(timers, which);
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(g.read(got[which], 32)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            bb.position(16);
            long want = it.getVsec() * 1_000_000 + it.getVusec();
            long have = bb.getLong() * 1_000_000 + bb.getLong();
            long tick = have - want;
            if (tick <= 0 || tick > 20_000 || want <= tick) continue;
            long v = want - tick;
            long val = fix.longs(it.getIsec(), it.getIusec(), v / 1_000_000, v % 1_000_000);
            fix.op("setitimer(" + which + ")", NR_setitimer, which, val, 0);
        }
        remote.run(fix);
        roundTrips += 2;
    }

    private void createThreads(TaskPlan t, TraceeThread main) throws RestoreException {
        for (int i = 1; i < t.threads.length; i++) {
            TraceeThread th = cloneRemote(main, t.threads[i], CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD
                    | CLONE_SYSVSEM, 0, "thread " + t.threads[i] + " of task " + t.pid);
            threads.put(th.tid(), th);
        }
        for (int i = 0; i < t.threads.length; i++) threadState(t, threads.get(t.threads[i]), t.cores.get(i));
    }

    /** Per-thread state, set by the thread itself: clear_tid, robust list, sigaltstack, rseq, name. */
    private void threadState(TaskPlan t, TraceeThread rt, CoreEntry core) throws RestoreException {
        SyscallBatch b = new SyscallBatch(rt);
        ThreadInfoX86 ti = core.getThreadInfo();
        b.op("set_tid_address", NR_set_tid_address, ti.getClearTidAddr());
        ThreadCoreEntry th = core.hasThreadCore() ? core.getThreadCore() : null;
        if (th != null) {
            if (th.getFutexRla() != 0) b.op("set_robust_list", NR_set_robust_list, th.getFutexRla(), uint(th.getFutexRlaLen()));
            ThreadSasEntry sas = th.hasSas() ? th.getSas() : null;
            if (sas != null && (sas.getSsFlags() & 2) == 0 && sas.getSsSp() != 0) {
                long ss = b.longs(sas.getSsSp(), uint(sas.getSsFlags()), sas.getSsSize());
                b.op("sigaltstack", NR_sigaltstack, ss, 0);
            }
            RseqEntry rs = th.hasRseqEntry() ? th.getRseqEntry() : null;
            if (rs != null && rs.getRseqAbiPointer() != 0) {
                b.op("rseq(0x" + Long.toHexString(rs.getRseqAbiPointer()) + ")", NR_rseq, rs.getRseqAbiPointer(), uint(rs.getRseqAbiSize()), 0,
                        uint(rs.getSignature()));
            }
            if (th.hasComm() && rt.tid() != t.pid) b.op("prctl(PR_SET_NAME)", NR_prctl, PR_SET_NAME, b.str(th.getComm()), 0, 0, 0);
        }
        remote.run(b);
        roundTrips++;
    }

    // ---------------------------------------------------------------- final

    private void finish() throws RestoreException {
        // zombies: exit with their code, become zombies of their parents
        for (TaskPlan t : plan.tasks) {
            if (!t.zombie()) continue;
            TraceeThread rt = leaders.get(t.pid);
            TaskCoreEntry tc = taskCore(t.cores.get(0));
            if (tc != null && tc.hasComm()) {
                SyscallBatch b = new SyscallBatch(rt);
                b.op("prctl(PR_SET_NAME)", NR_prctl, PR_SET_NAME, b.str(tc.getComm()), 0, 0, 0);
                remote.run(b);
                roundTrips++;
            }
            // exit_code is the wait status: exited with (code >> 8), or killed by (code & 0x7f);
            // the syscall runs from the area's syscall instruction once the task is let go
            UserRegs r = rt.getRegs().copy().rip(area).origRax(-1);
            if ((t.exitCode & 0x7f) == 0) {
                r.rax(NR_exit_group).rdi((t.exitCode >> 8) & 0xff);
            } else {
                // kill(pid, sig): dies of it once detached, signals unblocked
                r.rax(62).rdi(t.pid).rsi(t.exitCode & 0x7f);
                rt.setSigmask(0);
            }
            rt.setRegs(r);
        }
        for (TaskPlan t : plan.tasks) {
            if (t.zombie()) continue;
            TraceeThread main = leaders.get(t.pid);
            restoreTimers(t, main);
            // pending signals and creds, by each thread itself, last before its registers
            for (int i = 0; i < t.threads.length; i++) {
                TraceeThread th = threads.get(t.threads[i]);
                SyscallBatch b = new SyscallBatch(th);
                TaskCoreEntry tc = taskCore(t.cores.get(0));
                if (i == 0 && tc != null && tc.hasSignalsS()) {
                    TaskState.pendingSignals(b, tc.getSignalsS(), t.pid, th.tid(), true);
                }
                ThreadCoreEntry tcore = t.cores.get(i).hasThreadCore() ? t.cores.get(i).getThreadCore() : null;
                if (i == 0) TaskState.processMisc(b, tc, t);
                TaskState.threadMisc(b, tcore, th.tid());
                if (tcore != null) {
                    if (tcore.hasSignalsP()) TaskState.pendingSignals(b, tcore.getSignalsP(), t.pid, th.tid(), false);
                    if (tcore.hasCreds()) TaskState.creds(b, tcore.getCreds());
                    seccomp.apply(b, th, tcore, t.pid); // the last: no_new_privs, then the filters
                }
                remote.run(b);
                roundTrips++;
            }
            for (int i = 1; i < t.threads.length; i++) loadFinal(threads.get(t.threads[i]), t.cores.get(i), t.cores.get(0));
            // the area goes at the exit of its own munmap: nothing runs from it after
            main.setRegs(main.getRegs().copy().rip(area).rax(NR_munmap).rdi(area).rsi(AREA_SIZE).origRax(-1));
            long res = main.runToSyscallExit().rax();
            main.tracee().forgetArea();
            if (res != 0) throw RestoreException.errno("munmap(remote code area) in task " + t.pid, (int) -res);
            roundTrips += 2;
            loadFinal(main, t.cores.get(0), t.cores.get(0));
        }
        // detach children before parents, threads before their leader; stopped tasks stay stopped
        java.util.Set<Integer> stopped = new java.util.HashSet<>();
        for (TaskPlan t : plan.tasks) {
            if (t.state == TaskPlan.TASK_STOPPED) for (int tid : t.threads) stopped.add(tid);
        }
        List<TraceeThread> all = new ArrayList<>(leaders.values());
        for (int i = all.size() - 1; i >= 0; i--) {
            TraceeThread rt = all.get(i);
            rt.tracee().detach(stopped.contains(rt.tid()) ? Tracee.AfterDetach.STOPPED : Tracee.AfterDetach.AS_FOUND);
        }
        awaitZombies();
    }

    /**
     * A zombie runs its exit_group only once detached: wait (up to 2 s) until each shows Z, so
     * that whoever looks right after the restore returns sees the tree as it was saved.
     */
    private void awaitZombies() {
        long end = System.nanoTime() + 2_000_000_000L;
        for (TaskPlan t : plan.tasks) {
            if (!t.zombie()) continue;
            Path stat = Path.of("/proc/" + t.pid + "/stat");
            while (System.nanoTime() < end) {
                try {
                    String st = Files.readString(stat);
                    char c = st.charAt(st.lastIndexOf(')') + 2);
                    if (c == 'Z' || c == 'X') break;
                } catch (IOException | RuntimeException gone) {
                    break; // reaped already
                }
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
        }
    }

    /** Saved registers (restartable syscalls handled), xstate and signal mask into a stopped thread. */
    private void loadFinal(TraceeThread rt, CoreEntry core, CoreEntry leaderCore) throws RestoreException {
        ThreadInfoX86 ti = core.getThreadInfo();
        UserRegs r = gpregs(ti.getGpregs());
        long ax = r.rax(), orig = r.origRax();
        if (orig >= 0) {
            if (ax == -512 || ax == -513 || ax == -514) { // ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND
                r.rax(orig).rip(r.rip() - 2);
            } else if (ax == -516) { // ERESTART_RESTARTBLOCK
                r.rax(-Errnos.EINTR);
            }
        }
        r.origRax(-1);
        rt.setRegs(r);
        UserX86FpregsEntry fp = ti.hasFpregs() ? ti.getFpregs() : null;
        if (fp != null) {
            byte[] xs = rt.getXState().bytes();
            Xsave.fill(java.nio.ByteBuffer.wrap(xs).order(java.nio.ByteOrder.LITTLE_ENDIAN), fp);
            rt.setXState(new XState(xs));
            if (log.enabled(Log.DEBUG)) {
                byte[] back = rt.getXState().bytes();
                int diff = 0, first = -1;
                for (int o = 0; o < Math.min(back.length, xs.length); o++) {
                    if (back[o] != xs[o] && (o < 464 || o >= 512)) {
                        diff++;
                        if (first < 0) first = o;
                    }
                }
                if (diff > 0) log.log(Log.DEBUG, "thread " + rt.tid() + ": xstate read back differs in " + diff + " bytes from offset " + first
                        + " (size " + xs.length + ")");
            }
        }
        ThreadCoreEntry th = core.hasThreadCore() ? core.getThreadCore() : null;
        TaskCoreEntry tc = taskCore(leaderCore);
        long mask = th != null && th.hasBlkSigset() ? th.getBlkSigset() : (tc != null ? tc.getBlkSigset() : 0);
        rt.setSigmask(mask);
        roundTrips++;
    }

    /** SIGKILL to every task made so far, each reaped (compel collects every thread's end). */
    /** user_regs_struct from the image's x86 registers (the same order as the kernel's). */
    private static UserRegs gpregs(UserX86RegsEntry g) {
        return new UserRegs().r15(g.getR15()).r14(g.getR14()).r13(g.getR13()).r12(g.getR12()).rbp(g.getBp()).rbx(g.getBx())
                .r11(g.getR11()).r10(g.getR10()).r9(g.getR9()).r8(g.getR8()).rax(g.getAx()).rcx(g.getCx()).rdx(g.getDx())
                .rsi(g.getSi()).rdi(g.getDi()).origRax(g.getOrigAx()).rip(g.getIp()).cs(g.getCs()).eflags(g.getFlags())
                .rsp(g.getSp()).ss(g.getSs()).fsBase(g.getFsBase()).gsBase(g.getGsBase()).ds(g.getDs()).es(g.getEs())
                .fs(g.getFs()).gs(g.getGs());
    }

    private static TaskCoreEntry taskCore(CoreEntry c) {
        return c.hasTc() ? c.getTc() : null;
    }

    /** ITIMER_REAL, _VIRTUAL, _PROF: task_timers_entry fields real, virt, prof. */
    private static ItimerEntry itimer(TaskTimersEntry t, int which) {
        return which == 0 ? t.getReal() : which == 1 ? t.getVirt() : t.getProf();
    }

    private void killAll() {
        for (TraceeThread rt : leaders.values()) {
            try {
                rt.tracee().kill();
            } catch (CompelException e) {
                log.log(Log.WARN, "task " + rt.tid() + ": " + e.getMessage());
            }
        }
    }

    private final List<Path> ghostsMade = new ArrayList<>();

    /** Unlinked files come back at their old path just long enough for the tasks to open them. */
    private void createGhosts() throws RestoreException {
        for (RestorePlan.Ghost g : plan.ghosts.values()) {
            Path p = Path.of(g.path());
            if (ghostsMade.contains(p)) continue; // one unlinked file behind several ids (an fd and a mapping)
            if (Files.exists(p)) throw new RestoreException("cannot re-create unlinked file " + p + ": the path exists (ghost-file image)");
            try {
                Files.write(p, g.content());
                ghostsMade.add(p);
                Files.setPosixFilePermissions(p, perms(g.mode()));
            } catch (IOException e) {
                throw new RestoreException("cannot re-create unlinked file " + p + ": " + e.getMessage());
            }
        }
    }

    private void removeGhosts() {
        for (Path p : ghostsMade) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                log.log(Log.WARN, "cannot unlink " + p + ": " + e.getMessage());
            }
        }
        ghostsMade.clear();
    }

    private static java.util.Set<java.nio.file.attribute.PosixFilePermission> perms(int mode) {
        StringBuilder sb = new StringBuilder();
        String rwx = "rwx";
        for (int i = 8; i >= 0; i--) sb.append((mode & (1 << i)) != 0 ? rwx.charAt(2 - i % 3) : '-');
        return PosixFilePermissions.fromString(sb.toString());
    }

    // ---------------------------------------------------------------- stub

    /** The stub binary from our resources, copied to a private temp dir (deleted once the stub has run). */
    private static Path stubBinary() throws RestoreException {
        String res = "/org/jcriu/nativeasm/jcriu-restorer";
        try (InputStream in = Restorer.class.getResourceAsStream(res)) {
            if (in == null) throw new RestoreException("the restore stub " + res + " is missing from the jar (native-asm not built?)");
            Path dir = Files.createTempDirectory("jcriu-restore", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path p = dir.resolve("jcriu-restorer");
            Files.copy(in, p);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
            return p;
        } catch (IOException e) {
            throw new RestoreException("cannot install the restore stub: " + e.getMessage());
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

    private static List<String> procMaps(int pid) throws RestoreException {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/maps"));
        } catch (IOException e) {
            throw new RestoreException("cannot read /proc/" + pid + "/maps: " + e.getMessage());
        }
    }
}
