package org.jcriu.criu.dump;

import org.jcriu.images.ImageType;
import org.jcriu.images.ImageWriter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcriu.criu.proc.Namespaces;
import org.jcriu.criu.proc.PosixTimers;
import org.jcriu.criu.proc.ProcFs;
import org.jcriu.criu.proc.ProcMaps;
import org.jcriu.criu.proc.ProcMisc;
import org.jcriu.criu.proc.ProcStat;
import org.jcriu.criu.proc.ProcStatus;
import org.jcriu.criu.proc.Vma;
import org.jcriu.criu.sys.Errno;
import org.jcriu.criu.sys.Trace;
import org.jcriu.criu.util.Log;
import org.jcriu.compel.TraceeThread;
import org.jcriu.images.proto.CoreEntry;
import org.jcriu.images.proto.CredsEntry;
import org.jcriu.images.proto.DumpStatsEntry;
import org.jcriu.images.proto.FdTypes;
import org.jcriu.images.proto.FdinfoEntry;
import org.jcriu.images.proto.FileEntry;
import org.jcriu.images.proto.FsEntry;
import org.jcriu.images.proto.GhostFileEntry;
import org.jcriu.images.proto.InventoryEntry;
import org.jcriu.images.proto.ItimerEntry;
import org.jcriu.images.proto.Lsmtype;
import org.jcriu.images.proto.MmEntry;
import org.jcriu.images.proto.PipeDataEntry;
import org.jcriu.images.proto.PluginsEntry;
import org.jcriu.images.proto.PstreeEntry;
import org.jcriu.images.proto.RegFileEntry;
import org.jcriu.images.proto.RemapFilePathEntry;
import org.jcriu.images.proto.RlimitEntry;
import org.jcriu.images.proto.SaEntry;
import org.jcriu.images.proto.SeccompMode;
import org.jcriu.images.proto.SignalQueueEntry;
import org.jcriu.images.proto.StatsEntry;
import org.jcriu.images.proto.TaskCoreEntry;
import org.jcriu.images.proto.TaskKobjIdsEntry;
import org.jcriu.images.proto.TaskRlimitsEntry;
import org.jcriu.images.proto.TaskTimersEntry;
import org.jcriu.images.proto.ThreadCoreEntry;
import org.jcriu.images.proto.ThreadInfoX86;
import org.jcriu.images.proto.ThreadSasEntry;
import org.jcriu.images.proto.TimensEntry;
import org.jcriu.images.proto.Timespec;

/**
 * criu dump: freeze the tree, collect, save, then kill or resume it.
 *
 * <pre>
 *   DumpStats s = Dumper.dump(DumpOptions.of(pid, dir));
 * </pre>
 * All ptrace work happens on the calling thread. Whatever fails, the tree is
 * released (detached, running as before) and a {@link DumpException} with a
 * one-line message is thrown.
 */
public final class Dumper {
    /** compel's task states as CRIU's images carry them; a zombie is saved as DEAD. */
    private static final int TASK_ALIVE = 1, TASK_DEAD = 2, TASK_STOPPED = 3;
    private static final int RLIM_NLIMITS = 16;

    private final DumpOptions opts;
    private final Path dir;
    private final DumpStats stats = new DumpStats();
    private final Freezer freezer = new Freezer();
    private final FileTable files = new FileTable();
    private final FdDumper.Extra extra = new FdDumper.Extra();
    private final ShmemDumper shmem = new ShmemDumper(stats);
    private final FdDumper fds = new FdDumper(files, extra, shmem);
    private final TtyDumper ttys;
    private final MemoryDumper mem = new MemoryDumper(stats, shmem);
    /** tid -> {clear_child_tid, robust list head, its length}, as saved in the cores: put back if the kill is called off */
    private final java.util.Map<Integer, long[]> exitAddrs = new java.util.HashMap<>();
    private final SeccompDumper seccomp = new SeccompDumper();
    private final Map<String, Integer> nsIds = new LinkedHashMap<>();
    private final Map<String, Integer> kobjNext = new HashMap<>();
    private final List<int[]> kobjSeen = new ArrayList<>(); // {type, pid, id}
    private int nextPagesId = 1;
    private int nextNsId = 1;

    private Dumper(DumpOptions opts) {
        this.opts = opts;
        this.dir = opts.imagesDir();
        fds.fileLocks = opts.fileLocks();
        ttys = new TtyDumper(opts.shellJob());
        fds.ttys = ttys;
        mem.ghosts = fds;
        mem.progress = opts.progress();
        // killing the tree lets the page copy wait until after the kill (see PinnedPages)
        if (!opts.leaveRunning()) mem.pins = new PinnedPages(stats, opts.pid());
    }

    /** Dumps the tree rooted at opts.pid(); returns the stats written to stats-dump. */
    public static DumpStats dump(DumpOptions opts) throws DumpException {
        return new Dumper(opts).run();
    }

    private DumpStats run() throws DumpException {
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DumpException("cannot create the images directory " + dir + ": " + e.getMessage(), e);
        }
        if (!ProcFs.exists(opts.pid())) throw new DumpException("task " + opts.pid() + " does not exist");
        Log.info("Dumping processes (pid: " + opts.pid() + ")");
        Fault.at("freeze");
        Natives.warmUp();
        long tf = System.nanoTime();
        TaskNode root = freezer.freeze(opts.pid());
        long frozenAt = System.nanoTime();
        stats.freezingTime = (frozenAt - tf) / 1000;
        boolean done = false;
        try {
            List<TaskNode> tree = freezer.tasks();
            Log.info("Frozen " + tree.size() + " task(s) in " + stats.freezingTime + " us");
            checkSessions(tree);
            extra.leaveRunning = opts.leaveRunning();
            extra.inet = org.jcriu.criu.net.InetSockets.beginDump(dir, opts.pid(),
                    tree.stream().filter(t -> !t.zombie).map(t -> t.pid).toList(), opts.tcpEstablished(), opts.networkLock());
            Fault.at("collect");
            inventoryNamespaces();
            List<PstreeEntry> pstree = new ArrayList<>();
            for (TaskNode t : tree) {
                pstree.add(PstreeEntry.newBuilder().setPid(t.pid).setPpid(t.parent == null ? 0 : t.parent.pid)
                        .setPgid(t.stat.pgid).setSid(t.stat.sid).addAllThreads(t.threadList()).build());
            }
            for (TaskNode t : tree) dumpTask(t);
            fds.checkPeers(opts.extUnixSk());
            ttys.check(tree);
            nextPagesId = shmem.write(dir, nextPagesId);
            Fault.at("images");
        Log.debug("stage " + "images");
            writeCommon(pstree);
            ttys.write(dir);
            stats.frozenTime = (System.nanoTime() - tf) / 1000;
            writeStats();
            if (opts.pidfile() != null) Files.writeString(opts.pidfile(), Integer.toString(opts.pid()));
            Fault.at("finish");
        Log.debug("stage " + "finish");
            extra.inet.finish(opts.leaveRunning());
            Log.debug("stage release/kill");
            // pages still in pipes: should this process die between the kill and the end of
            // the copy, the images must not restore as a task with zeroed memory, so
            // inventory.img gets its name only once the pages are in
            Path inventory = dir.resolve("inventory.img"), held = dir.resolve("inventory.img.part");
            boolean hold = mem.pinned();
            if (hold) Files.move(inventory, held, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            if (opts.leaveRunning()) {
                freezer.release();
            } else {
                mem.beforeKill(tree, exitAddrs);
                freezer.kill();
            }
            done = true;
            // the pinned pages go to their (reserved) files now that the tree is dead;
            // stats-dump is written again with the time that took
            mem.drain();
            writeStats();
            if (hold) Files.move(held, inventory, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            stats.wallTime = (System.nanoTime() - t0) / 1000;
            Log.info("Dumping finished successfully");
            return stats;
        } catch (IOException e) {
            throw new DumpException(e.getMessage(), e);
        } finally {
            if (!done && extra.inet != null) extra.inet.abort();
            if (!done) mem.discard();
            if (!done) freezer.release();
        }
    }

    /**
     * As CRIU: the root must lead its session unless --shell-job (a session leader deeper
     * in the tree is then impossible). Group leaders that are gone are the restore's
     * business (helper tasks), not a reason to refuse the dump.
     */
    private void checkSessions(List<TaskNode> tree) throws DumpException {
        if (opts.shellJob()) return;
        TaskNode root = tree.get(0);
        if (root.stat.sid != root.pid) {
            throw new DumpException("task " + root.pid + ": the root is not a session leader (its session leader "
                    + root.stat.sid + " is outside the tree); use --shell-job for a task started from a shell");
        }
    }

    private static final String[] NS_ORDER = {"pid", "net", "ipc", "uts", "time", "mnt", "user", "cgroup"};

    /** Namespace ids numbered from our own namespaces, in CRIU's order. */
    private void inventoryNamespaces() throws IOException {
        int self = (int) ProcessHandle.current().pid();
        for (String k : NS_ORDER) nsId(self, k);
    }

    private int nsId(int pid, String kind) throws IOException {
        long ino = Namespaces.inode(pid, kind);
        String key = kind + ":" + ino;
        Integer id = nsIds.get(key);
        if (id == null) {
            id = nextNsId++;
            nsIds.put(key, id);
        }
        return id;
    }

    /** Kernel-object ids (vm, files, fs, sighand): equal when kcmp says the tasks share the object. */
    private int kobjId(int type, int pid) throws Errno {
        for (int[] s : kobjSeen) {
            if (s[0] == type && Trace.kcmp(s[1], pid, type, 0, 0) == 0) return s[2];
        }
        int id = kobjNext.merge(Integer.toString(type), 1, Integer::sum) + 1; // 1 is the dumper's own
        kobjSeen.add(new int[] {type, pid, id});
        return id;
    }

    private TaskKobjIdsEntry ids(int pid) throws IOException {
        return TaskKobjIdsEntry.newBuilder().setVmId(kobjId(Trace.KCMP_VM, pid)).setFilesId(kobjId(Trace.KCMP_FILES, pid))
                .setFsId(kobjId(Trace.KCMP_FS, pid)).setSighandId(kobjId(Trace.KCMP_SIGHAND, pid))
                .setPidNsId(nsId(pid, "pid")).setNetNsId(nsId(pid, "net")).setIpcNsId(nsId(pid, "ipc"))
                .setUtsNsId(nsId(pid, "uts")).setMntNsId(nsId(pid, "mnt")).setUserNsId(nsId(pid, "user"))
                .setCgroupNsId(nsId(pid, "cgroup")).setTimeNsId(nsId(pid, "time")).build();
    }

    private final Map<Integer, Boolean> filesDone = new HashMap<>();
    private final Map<Integer, Boolean> vmDone = new HashMap<>();
    private final Map<Integer, Boolean> fsDone = new HashMap<>();

    private void dumpTask(TaskNode t) throws DumpException, IOException {
        if (t.zombie) {
            dumpZombie(t);
            return;
        }
        int pid = t.pid;
        ProcStatus status = ProcStatus.read(pid);
        TaskKobjIdsEntry ids = ids(pid);
        try (ImageWriter o = ImageWriter.create(dir.resolve("ids-" + pid + ".img"), ImageType.IDS)) {
            o.write(ids);
        }
        int self = (int) ProcessHandle.current().pid();
        for (String kind : NS_ORDER) {
            long mine = Namespaces.inode(self, kind), theirs = Namespaces.inode(pid, kind);
            if (mine != theirs) {
                throw new DumpException("task " + pid + ": is in another " + kind + " namespace (" + kind + ":[" + theirs
                        + "]), which jcriu cannot save yet");
            }
        }
        // the address space as it is before compel adds its scratch area
        List<Vma> vmas = ProcMaps.readSmaps(pid);
        // registers and per-thread state
        Fault.at("regs");
        Log.debug("stage " + "regs");
        Map<Integer, ThreadRegs> regs = new LinkedHashMap<>();
        for (int tid : t.threadList()) {
            TraceeThread th = t.tracee.thread(tid);
            try {
                regs.put(tid, ThreadRegs.read(th, freezer));
            } catch (Errno | RuntimeException e) {
                throw new DumpException("task " + pid + ": thread " + tid + ": cannot read registers: " + e.getMessage(), e);
            }
        }
        Map<Integer, int[]> seccompOf = new HashMap<>(); // tid -> {mode, its first filter to install or -1}
        for (int tid : t.threadList()) {
            int mode = ProcStatus.read(pid, tid).seccompMode();
            int filter = -1;
            if (mode == SeccompDumper.SECCOMP_MODE_FILTER) {
                try {
                    filter = seccomp.addThread(freezer, tid);
                } catch (Errno e) {
                    throw new DumpException("task " + pid + ": thread " + tid + ": cannot read its seccomp filters: "
                            + e.getMessage(), e);
                }
            }
            seccompOf.put(tid, new int[] {mode, filter});
        }
        Fault.at("parasite");
        Log.debug("stage " + "parasite");
        TaskInfo info = new TaskInfo();
        info.seccomp = seccompOf;
        try {
            TaskProbe probe = new TaskProbe(t.tracee);
            info.sigactions = probe.sigactions();
            List<PosixTimers.Timer> posix;
            try {
                posix = PosixTimers.read(pid);
            } catch (java.nio.file.NoSuchFileException e) {
                posix = List.of();
            }
            info.timers = probe.timers(posix);
            info.dumpable = probe.dumpable();
            info.childSubreaper = probe.childSubreaper();
            info.membarrier = probe.membarrierRegistrations();
            for (int tid : t.threadList()) {
                TraceeThread th = t.tracee.thread(tid);
                info.sas.put(tid, probe.sigaltstack(th));
                info.clearTid.put(tid, probe.clearTid(th));
                info.secbits.put(tid, probe.securebits(th));
                info.pdeathsig.put(tid, probe.pdeathsig(th));
            }
        } catch (RuntimeException e) {
            throw new DumpException("task " + pid + ": cannot ask the task for its state: " + e.getMessage(), e);
        }
        // files
        Fault.at("files");
        Log.debug("stage " + "files");
        if (filesDone.putIfAbsent(ids.getFilesId(), Boolean.TRUE) == null) {
            fds.netNsId = ids.getNetNsId();
            List<FdinfoEntry> fdi = fds.dump(t);
            try (ImageWriter o = ImageWriter.create(dir.resolve("fdinfo-" + ids.getFilesId() + ".img"), ImageType.FDINFO)) {
                for (FdinfoEntry e : fdi) o.write(e);
            }
        }
        if (fsDone.putIfAbsent(ids.getFsId(), Boolean.TRUE) == null) {
            int cwd = dirEntry(ProcMisc.cwd(pid), ProcFs.pid(pid).resolve("cwd"));
            int rootId = dirEntry(ProcMisc.root(pid), ProcFs.pid(pid).resolve("root"));
            try (ImageWriter o = ImageWriter.create(dir.resolve("fs-" + pid + ".img"), ImageType.FS)) {
                o.write(FsEntry.newBuilder().setCwdId(cwd).setRootId(rootId).setUmask(status.umask()).build());
            }
        }
        // memory
        Fault.at("memory");
        Log.debug("stage " + "memory");
        if (vmDone.putIfAbsent(ids.getVmId(), Boolean.TRUE) == null) {
            dumpMm(t, status, vmas, info.dumpable);
        }
        // cores
        int i = 0;
        for (Map.Entry<Integer, ThreadRegs> e : regs.entrySet()) {
            int tid = e.getKey();
            boolean leader = tid == pid;
            writeCore(t, tid, e.getValue(), leader, status, info);
            i++;
        }
    }

    private int dirEntry(String path, Path link) throws IOException {
        Map<String, Object> a = Files.readAttributes(link, "unix:mode,dev,ino");
        String key = "dir:" + a.get("dev") + ":" + a.get("ino") + ":" + path;
        Integer id = files.opened.get(key);
        if (id != null) return id;
        id = files.newId();
        files.opened.put(key, id);
        files.add(FileEntry.newBuilder().setType(FdTypes.REG).setId(id).setReg(RegFileEntry.newBuilder().setId(id)
                .setFlags(0).setPos(0).setFown(FileTable.NO_FOWN).setName(path).setMode((Integer) a.get("mode"))).build());
        return id;
    }

    private void dumpMm(TaskNode t, ProcStatus status, List<Vma> vmas, int dumpable) throws DumpException, IOException {
        int pid = t.pid;
        List<MemoryDumper.Area> areas = mem.areas(t, vmas, files);
        ProcStat st = ProcStat.read(pid);
        long brk = st.startBrk;
        for (Vma v : vmas) if (v.path().equals("[heap]")) brk = Math.max(brk, v.end());
        // exe: the mapped file with the same dev/ino as /proc/PID/exe
        Map<String, Object> ea = Files.readAttributes(ProcFs.pid(pid).resolve("exe"), "unix:dev,ino");
        Integer exeId = files.mapped.get(ea.get("dev") + ":" + ea.get("ino") + ":0");
        if (exeId == null) {
            exeId = files.newId();
            files.mapped.put(ea.get("dev") + ":" + ea.get("ino") + ":0", exeId);
            Map<String, Object> a = Files.readAttributes(ProcFs.pid(pid).resolve("exe"), "unix:mode,size");
            files.add(FileEntry.newBuilder().setType(FdTypes.REG).setId(exeId).setReg(RegFileEntry.newBuilder()
                    .setId(exeId).setFlags(0).setPos(0).setFown(FileTable.NO_FOWN).setName(ProcMisc.exe(pid))
                    .setSize((Long) a.get("size")).setMode((Integer) a.get("mode"))).build());
        }
        String thp = status.get("THP_enabled");
        MmEntry.Builder mm = MmEntry.newBuilder().setMmStartCode(st.startCode).setMmEndCode(st.endCode)
                .setMmStartData(st.startData).setMmEndData(st.endData).setMmStartStack(st.startStack)
                .setMmStartBrk(st.startBrk).setMmBrk(brk).setMmArgStart(st.argStart).setMmArgEnd(st.argEnd)
                .setMmEnvStart(st.envStart).setMmEnvEnd(st.envEnd).setExeFileId(exeId)
                .setDumpable(dumpable).setThpDisabled("0".equals(thp));
        for (long v : ProcMisc.auxv(pid)) mm.addMmSavedAuxv(v);
        for (MemoryDumper.Area a : areas) mm.addVmas(a.entry());
        try (ImageWriter o = ImageWriter.create(dir.resolve("mm-" + pid + ".img"), ImageType.MM)) {
            o.write(mm.build());
        }
        long m0 = System.nanoTime();
        MemoryDumper.Runs runs = mem.scan(t, areas);
        long m1 = System.nanoTime();
        stats.memdumpTime += (m1 - m0) / 1000;
        int pagesId = nextPagesId++;
        mem.expect(runs.bytes());
        mem.write(t, runs, dir, pagesId);
        Log.info("task " + pid + ": " + (runs.bytes() >>> 12) + " pages saved");
    }

    private void writeCore(TaskNode t, int tid, ThreadRegs r, boolean leader, ProcStatus pstatus, TaskInfo info)
            throws IOException {
        int pid = t.pid;
        ProcStatus ts = ProcStatus.read(pid, tid);
        ProcStat tst = ProcStat.read(pid, tid);
        ThreadInfoX86.Builder ti = ThreadInfoX86.newBuilder().setClearTidAddr(info.clearTid.get(tid)).setGpregs(r.gpregs)
                .setFpregs(r.fpregs);
        for (int e = 12; e <= 14; e++) ti.addTls(ThreadRegs.emptyTls(e));
        long[] rl = robustList(tid);
        exitAddrs.put(tid, new long[] {info.clearTid.get(tid), rl[0], rl[1]});
        CredsEntry creds = creds(ts).toBuilder().setSecbits(info.secbits.get(tid))
                .setNoNewPrivs(ts.noNewPrivs() ? 1 : 0).build();
        ThreadCoreEntry.Builder tc = ThreadCoreEntry.newBuilder().setFutexRla(rl[0]).setFutexRlaLen((int) rl[1])
                .setSchedNice(tst.nice).setSchedPolicy(tst.policy)
                .setSas(info.sas.get(tid))
                .setSignalsP(pendingSignals(tid, false, t.tracee.thread(tid).heldSignals())).setCreds(creds)
                .setComm(ProcMisc.comm(pid, tid)).setCgSet(1);
        if (tst.policy != 0) tc.setSchedPrio(tst.rtPriority);
        int pds = info.pdeathsig.getOrDefault(tid, 0);
        if (pds != 0) tc.setPdeathSig(pds);
        if (!leader) tc.setBlkSigset(r.sigmask);
        if (r.rseq != null) tc.setRseqEntry(r.rseq);
        int[] sc = info.seccomp.getOrDefault(tid, new int[] {0, -1});
        if (sc[0] != SeccompDumper.SECCOMP_MODE_DISABLED) tc.setSeccompMode(SeccompMode.forNumber(sc[0]));
        if (sc[1] >= 0) tc.setSeccompFilter(sc[1]);
        tc.setTimerslackNs(ProcMisc.timerslackNs(tid));
        CoreEntry.Builder core = CoreEntry.newBuilder().setMtype(CoreEntry.March.X86_64).setThreadInfo(ti);
        if (leader) {
            TaskCoreEntry.Builder task = TaskCoreEntry.newBuilder()
                    .setTaskState(t.stopped ? TASK_STOPPED : TASK_ALIVE).setExitCode(0)
                    .setPersonality(ProcMisc.personality(pid)).setFlags((int) t.stat.flags).setBlkSigset(r.sigmask)
                    .setComm(t.stat.comm).setTimers(info.timers).setRlimits(rlimits(pid))
                    .setSignalsS(pendingSignals(tid, true, List.of())).setLoginuid((int) ProcMisc.loginuid(pid))
                    .setOomScoreAdj(ProcMisc.oomScoreAdj(pid)).addAllSigactions(info.sigactions)
                    .setChildSubreaper(info.childSubreaper);
            if (t.stopped && t.stopSignal != 0) task.setStopSigno(t.stopSignal);
            if (info.membarrier != 0) task.setMembarrierRegistrationMask(info.membarrier);
            core.setTc(task);
        }
        core.setThreadCore(tc);
        try (ImageWriter o = ImageWriter.create(dir.resolve("core-" + tid + ".img"), ImageType.CORE)) {
            o.write(core.build());
        }
    }

    private static long[] robustList(int tid) {
        try {
            com.sun.jna.Memory head = new com.sun.jna.Memory(8), len = new com.sun.jna.Memory(8);
            Trace.getRobustList(tid, head, len);
            return new long[] {head.getLong(0), len.getLong(0)};
        } catch (Errno e) {
            return new long[] {0, 0};
        }
    }

    /**
     * Signals queued to the thread (or, shared, to the process), as siginfo_t bytes: PTRACE_PEEKSIGINFO;
     * after {@code held}, those compel took out of the queues while it ran code in the thread.
     */
    private SignalQueueEntry pendingSignals(int tid, boolean shared, List<byte[]> held) throws IOException {
        SignalQueueEntry.Builder q = SignalQueueEntry.newBuilder();
        for (byte[] b : held) {
            q.addSignals(org.jcriu.images.proto.SiginfoEntry.newBuilder()
                    .setSiginfo(com.google.protobuf.ByteString.copyFrom(b)));
        }
        List<byte[]> infos = freezer.onTracer(() -> {
            List<byte[]> out = new ArrayList<>();
            com.sun.jna.Memory arg = new com.sun.jna.Memory(16), buf = new com.sun.jna.Memory(128L * 32);
            for (long off = 0; ; ) {
                arg.setLong(0, off);
                arg.setInt(8, shared ? 1 : 0);
                arg.setInt(12, 32);
                long n = Trace.ptrace("ptrace(PTRACE_PEEKSIGINFO)", Trace.PTRACE_PEEKSIGINFO, tid,
                        com.sun.jna.Pointer.nativeValue(arg), com.sun.jna.Pointer.nativeValue(buf));
                if (n <= 0) break;
                for (int i = 0; i < n; i++) out.add(buf.getByteArray(128L * i, 128));
                off += n;
            }
            return out;
        });
        for (byte[] b : infos) {
            q.addSignals(org.jcriu.images.proto.SiginfoEntry.newBuilder()
                    .setSiginfo(com.google.protobuf.ByteString.copyFrom(b)));
        }
        return q.build();
    }

    /** What the task told through compel. */
    private static final class TaskInfo {
        List<SaEntry> sigactions;
        TaskTimersEntry timers;
        int dumpable = 1;
        boolean childSubreaper;
        int membarrier;
        final Map<Integer, ThreadSasEntry> sas = new HashMap<>();
        final Map<Integer, Long> clearTid = new HashMap<>();
        final Map<Integer, Integer> secbits = new HashMap<>();
        final Map<Integer, Integer> pdeathsig = new HashMap<>();
        /** tid -> {seccomp mode, index in seccomp.img of its first filter to install (oldest) or -1} */
        Map<Integer, int[]> seccomp = Map.of();
    }


    /** The 16 rlimits, from /proc/PID/limits (prlimit on another task needs CAP_SYS_RESOURCE). */
    private static TaskRlimitsEntry rlimits(int pid) throws IOException {
        TaskRlimitsEntry.Builder b = TaskRlimitsEntry.newBuilder();
        long[][] l = ProcMisc.limits(pid);
        for (int r = 0; r < RLIM_NLIMITS && r < l.length; r++) {
            b.addRlimits(RlimitEntry.newBuilder().setCur(l[r][0]).setMax(l[r][1]));
        }
        return b.build();
    }

    private static CredsEntry creds(ProcStatus s) {
        long[] u = s.uids(), g = s.gids();
        CredsEntry.Builder c = CredsEntry.newBuilder().setUid((int) u[0]).setGid((int) g[0]).setEuid((int) u[1])
                .setEgid((int) g[1]).setSuid((int) u[2]).setSgid((int) g[2]).setFsuid((int) u[3]).setFsgid((int) g[3])
                .setSecbits(0);
        caps(c::addCapInh, s.capInh());
        caps(c::addCapPrm, s.capPrm());
        caps(c::addCapEff, s.capEff());
        caps(c::addCapBnd, s.capBnd());
        caps(c::addCapAmb, s.capAmb());
        for (long gr : s.groups()) c.addGroups((int) gr);
        return c.build();
    }

    private static void caps(java.util.function.IntConsumer add, long v) {
        add.accept((int) v);
        add.accept((int) (v >>> 32));
    }

    private void dumpZombie(TaskNode t) throws IOException {
        int pid = t.pid;
        CoreEntry core = CoreEntry.newBuilder().setMtype(CoreEntry.March.X86_64)
                .setTc(TaskCoreEntry.newBuilder().setTaskState(TASK_DEAD).setExitCode(t.stat.exitCode)
                        .setPersonality(0).setFlags((int) t.stat.flags).setBlkSigset(0).setComm(t.stat.comm))
                .build();
        try (ImageWriter o = ImageWriter.create(dir.resolve("core-" + pid + ".img"), ImageType.CORE)) {
            o.write(core);
        }
    }

    private void writeCommon(List<PstreeEntry> pstree) throws IOException {
        int self = (int) ProcessHandle.current().pid();
        TaskKobjIdsEntry rootIds = TaskKobjIdsEntry.newBuilder().setVmId(1).setFilesId(1).setFsId(1).setSighandId(1)
                .setPidNsId(nsId(self, "pid")).setNetNsId(nsId(self, "net")).setIpcNsId(nsId(self, "ipc"))
                .setUtsNsId(nsId(self, "uts")).setMntNsId(nsId(self, "mnt")).setUserNsId(nsId(self, "user"))
                .setCgroupNsId(nsId(self, "cgroup")).setTimeNsId(nsId(self, "time")).build();
        try (ImageWriter o = ImageWriter.create(dir.resolve("inventory.img"), ImageType.INVENTORY)) {
            o.write(InventoryEntry.newBuilder().setImgVersion(2).setFdinfoPerId(true).setRootIds(rootIds)
                    .setNsPerId(true).setRootCgSet(1).setLsmtype(Lsmtype.NO_LSM).setNetworkLockMethod(0)
                    .setPluginsEntry(PluginsEntry.newBuilder()).setDumpCriuRunId(RunId.random()).build());
        }
        try (ImageWriter o = ImageWriter.create(dir.resolve("pstree.img"), ImageType.PSTREE)) {
            for (PstreeEntry e : pstree) o.write(e);
        }
        try (ImageWriter o = ImageWriter.create(dir.resolve("files.img"), ImageType.FILES)) {
            for (FileEntry e : files.entries) o.write(e);
        }
        if (!extra.pipeData.isEmpty()) {
            try (ImageWriter o = ImageWriter.create(dir.resolve("pipes-data.img"), ImageType.PIPES_DATA)) {
                for (Object[] pd : extra.pipeData) {
                    o.write((PipeDataEntry) pd[0]);
                    o.writeRaw(((ByteBuffer) pd[1]).rewind());
                }
            }
        }
        if (!extra.locks.isEmpty()) {
            try (ImageWriter o = ImageWriter.create(dir.resolve("filelocks.img"), ImageType.FILE_LOCKS)) {
                for (org.jcriu.images.proto.FileLockEntry e : extra.locks) o.write(e);
            }
        }
        if (!extra.skQueues.isEmpty()) {
            try (ImageWriter o = ImageWriter.create(dir.resolve("sk-queues.img"), ImageType.SK_QUEUES)) {
                for (Object[] q : extra.skQueues) {
                    o.write((org.jcriu.images.proto.SkPacketEntry) q[0]);
                    o.writeRaw(((ByteBuffer) q[1]).rewind());
                }
            }
        }
        if (!extra.fifoData.isEmpty()) {
            try (ImageWriter o = ImageWriter.create(dir.resolve("fifo-data.img"), ImageType.FIFO_DATA)) {
                for (Object[] pd : extra.fifoData) {
                    o.write((PipeDataEntry) pd[0]);
                    o.writeRaw(((ByteBuffer) pd[1]).rewind());
                }
            }
        }
        if (!extra.remaps.isEmpty()) {
            try (ImageWriter o = ImageWriter.create(dir.resolve("remap-fpath.img"), ImageType.REMAP_FPATH)) {
                for (RemapFilePathEntry e : extra.remaps) o.write(e);
            }
        }
        for (Object[] g : extra.ghosts) {
            // CRIU names it by the remap id in hex (ghost-file-%x.img), as the restore reads it
            try (ImageWriter o = ImageWriter.create(dir.resolve(ImageType.GHOST_FILE.fileName((Integer) g[2])), ImageType.GHOST_FILE)) {
                o.write((GhostFileEntry) g[0]);
                o.writeRaw(((ByteBuffer) g[1]).rewind());
            }
        }
        seccomp.write(dir);
        long[] mono = Clock.now(1), boot = Clock.now(7);
        try (ImageWriter o = ImageWriter.create(dir.resolve("timens-0.img"), ImageType.TIMENS)) {
            o.write(TimensEntry.newBuilder().setMonotonic(Timespec.newBuilder().setTvSec(mono[0]).setTvNsec(mono[1]))
                    .setBoottime(Timespec.newBuilder().setTvSec(boot[0]).setTvNsec(boot[1])).build());
        }
    }

    private void writeStats() throws IOException {
        DumpStatsEntry d = DumpStatsEntry.newBuilder().setFreezingTime((int) stats.freezingTime)
                .setFrozenTime((int) stats.frozenTime).setMemdumpTime((int) stats.memdumpTime)
                .setMemwriteTime((int) stats.memwriteTime).setPagesScanned(stats.pagesScanned)
                .setPagesSkippedParent(0).setPagesWritten(stats.pagesWritten).setIrmapResolve(0)
                .setPagesLazy(stats.pagesLazy).setPagePipes(stats.pagePipeBufs).setPagePipeBufs(stats.pagePipeBufs)
                .setShpagesScanned(stats.shpagesScanned).setShpagesSkippedParent(0)
                .setShpagesWritten(stats.shpagesWritten).build();
        try (ImageWriter o = ImageWriter.create(dir.resolve("stats-dump"), ImageType.STATS)) {
            o.write(StatsEntry.newBuilder().setDump(d).build());
        }
    }
}
