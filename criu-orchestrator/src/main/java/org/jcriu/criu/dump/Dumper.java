package org.jcriu.criu.dump;

import org.jcriu.images.ImageType;
import org.jcriu.images.ImageWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcriu.criu.proc.PosixTimers;
import org.jcriu.criu.proc.ProcFs;
import org.jcriu.criu.proc.ProcMaps;
import org.jcriu.criu.proc.ProcMisc;
import org.jcriu.criu.proc.ProcStat;
import org.jcriu.criu.proc.ProcStatus;
import org.jcriu.criu.proc.Vma;
import org.jcriu.criu.sys.Errno;
import org.jcriu.criu.util.Log;
import org.jcriu.compel.TraceeThread;
import org.jcriu.images.proto.FdTypes;
import org.jcriu.images.proto.FdinfoEntry;
import org.jcriu.images.proto.FileEntry;
import org.jcriu.images.proto.FsEntry;
import org.jcriu.images.proto.MmEntry;
import org.jcriu.images.proto.PstreeEntry;
import org.jcriu.images.proto.RegFileEntry;
import org.jcriu.images.proto.TaskKobjIdsEntry;
import org.jcriu.images.proto.ThreadInfoX86;

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
    private final SeccompDumper seccomp = new SeccompDumper();
    private final CoreWriter cores;
    private final CommonImages common;
    private KobjIds kobj;
    private int nextPagesId = 1;

    private Dumper(DumpOptions opts) {
        this.opts = opts;
        this.dir = opts.imagesDir();
        cores = new CoreWriter(dir, freezer);
        common = new CommonImages(dir);
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
            kobj = new KobjIds();
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
            Log.debug("stage images");
            common.write(pstree, kobj, files, extra, seccomp);
            ttys.write(dir);
            stats.frozenTime = (System.nanoTime() - tf) / 1000;
            common.writeStats(stats);
            if (opts.pidfile() != null) Files.writeString(opts.pidfile(), Integer.toString(opts.pid()));
            Fault.at("finish");
            Log.debug("stage finish");
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
                mem.beforeKill(tree, cores.exitAddrs);
                freezer.kill();
            }
            done = true;
            // the pinned pages go to their (reserved) files now that the tree is dead;
            // stats-dump is written again with the time that took
            mem.drain();
            common.writeStats(stats);
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

    private final Map<Integer, Boolean> filesDone = new HashMap<>();
    private final Map<Integer, Boolean> vmDone = new HashMap<>();
    private final Map<Integer, Boolean> fsDone = new HashMap<>();

    private void dumpTask(TaskNode t) throws DumpException, IOException {
        if (t.zombie) {
            cores.writeZombie(t);
            return;
        }
        int pid = t.pid;
        ProcStatus status = ProcStatus.read(pid);
        TaskKobjIdsEntry ids = kobj.ids(pid);
        try (ImageWriter o = ImageWriter.create(dir.resolve("ids-" + pid + ".img"), ImageType.IDS)) {
            o.write(ids);
        }
        kobj.checkSameNamespaces(pid);
        // the address space as it is before compel adds its scratch area
        List<Vma> vmas = ProcMaps.readSmaps(pid);
        // registers and per-thread state
        Fault.at("regs");
        Log.debug("stage regs");
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
        Log.debug("stage parasite");
        CoreWriter.TaskInfo info = new CoreWriter.TaskInfo();
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
        Log.debug("stage files");
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
        Log.debug("stage memory");
        if (vmDone.putIfAbsent(ids.getVmId(), Boolean.TRUE) == null) {
            dumpMm(t, status, vmas, info.dumpable);
        }
        for (Map.Entry<Integer, ThreadRegs> e : regs.entrySet()) cores.write(t, e.getKey(), e.getValue(), e.getKey() == pid, status, info);
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


}
