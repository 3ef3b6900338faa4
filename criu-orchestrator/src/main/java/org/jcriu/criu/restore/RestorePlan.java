package org.jcriu.criu.restore;

import com.google.protobuf.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jcriu.images.ImageType;
import org.jcriu.images.proto.CoreEntry;
import org.jcriu.images.proto.FdinfoEntry;
import org.jcriu.images.proto.FileEntry;
import org.jcriu.images.proto.FileLockEntry;
import org.jcriu.images.proto.FsEntry;
import org.jcriu.images.proto.GhostFileEntry;
import org.jcriu.images.proto.InotifyWdEntry;
import org.jcriu.images.proto.InventoryEntry;
import org.jcriu.images.proto.MemfdFileEntry;
import org.jcriu.images.proto.MemfdInodeEntry;
import org.jcriu.images.proto.MmEntry;
import org.jcriu.images.proto.PagemapEntry;
import org.jcriu.images.proto.PagemapHead;
import org.jcriu.images.proto.PipeDataEntry;
import org.jcriu.images.proto.PstreeEntry;
import org.jcriu.images.proto.RegFileEntry;
import org.jcriu.images.proto.RemapFilePathEntry;
import org.jcriu.images.proto.RemapType;
import org.jcriu.images.proto.SkPacketEntry;
import org.jcriu.images.proto.TaskCoreEntry;
import org.jcriu.images.proto.TaskKobjIdsEntry;
import org.jcriu.images.proto.UnixSkEntry;
import org.jcriu.images.proto.VmaEntry;

/**
 * Reads and validates every image of a dumped tree before anything is
 * created: pstree, inventory, core-*, mm-*, pagemap-* and pages-*, ids-*,
 * fdinfo-*, files, fs-*. A missing, truncated or corrupt image, a pages
 * file shorter than its pagemap says, or a backing file moved away fails
 * here with one line naming the image. Images are read by the images
 * module's reader into its generated classes; ids (uint32 on the wire) are
 * kept as unsigned longs.
 */
final class RestorePlan {
    static final int PE_PARENT = 1, PE_LAZY = 2, PE_PRESENT = 4;
    static final int FD_FIFO = 3, FD_MEMFD = 18, FD_INOTIFY = 8;
    static final int FD_REG = 1, FD_PIPE = 2, FD_INETSK = 4, FD_UNIXSK = 5, FD_EVENTFD = 6, FD_EVENTPOLL = 7, FD_SIGNALFD = 9,
            FD_TIMERFD = 17;

    final Images images;
    final List<TaskPlan> tasks = new ArrayList<>();
    final Map<Long, FileEntry> files = new HashMap<>();
    final Map<Long, byte[]> pipeData = new HashMap<>();
    /** filelocks.img: flag (FL_POSIX 1, FL_FLOCK 2, FL_OFDLCK 1024), type, pid, fd, start, len. */
    final List<FileLockEntry> fileLocks = new ArrayList<>();
    /** Data queued in FIFOs, by pipe_id. */
    final Map<Long, byte[]> fifoData = new HashMap<>();
    /** Pipe buffer sizes (F_SETPIPE_SZ) by pipe_id. */
    final Map<Long, Long> pipeSize = new HashMap<>();
    /** Unlinked files, by files.img id: re-created from ghost-file-N.img while the fds are opened, then unlinked. */
    final Map<Long, Ghost> ghosts = new HashMap<>();
    /** memfd.img inodes by inode_id. */
    final Map<Long, MemfdInodeEntry> memfdInodes = new HashMap<>();

    record Ghost(String path, int mode, byte[] content) {}
    TaskPlan root;
    long totalPages;

    private RestorePlan(Path dir) {
        this.images = new Images(dir);
    }

    static RestorePlan read(Path dir) throws RestoreException {
        if (!Files.isDirectory(dir)) throw new RestoreException("images directory " + dir + " does not exist");
        RestorePlan p = new RestorePlan(dir);
        p.load();
        return p;
    }

    /** An unsigned 32-bit field (ids, inodes, flags) as a long. */
    static long uint(int v) {
        return v & 0xffffffffL;
    }

    private void load() throws RestoreException {
        images.one(ImageType.INVENTORY, 0, InventoryEntry.class);
        List<PstreeEntry> pstree = images.all(ImageType.PSTREE, 0, PstreeEntry.class);
        if (pstree.isEmpty()) throw new RestoreException("image " + images.dir.resolve("pstree.img") + " is corrupt: no tasks");
        Map<Integer, TaskPlan> byPid = new HashMap<>();
        for (PstreeEntry e : pstree) {
            TaskPlan t = new TaskPlan();
            t.pid = e.getPid();
            t.ppid = e.getPpid();
            t.pgid = e.getPgid();
            t.sid = e.getSid();
            List<Integer> th = e.getThreadsList();
            t.threads = new int[th.isEmpty() ? 1 : th.size()];
            if (th.isEmpty()) t.threads[0] = t.pid;
            for (int i = 0; i < th.size(); i++) t.threads[i] = th.get(i);
            if (t.pid <= 0) throw new RestoreException("image pstree.img is corrupt: pid " + t.pid);
            tasks.add(t);
            byPid.put(t.pid, t);
        }
        root = tasks.get(0);
        for (TaskPlan t : tasks) {
            if (t == root) continue;
            t.parent = byPid.get(t.ppid);
            if (t.parent == null) throw new RestoreException("image pstree.img is corrupt: parent " + t.ppid + " of " + t.pid + " is not in the tree");
            t.parent.children.add(t);
        }
        if (images.exists(ImageType.FILES)) {
            for (FileEntry f : images.all(ImageType.FILES, 0, FileEntry.class)) files.put(uint(f.getId()), f);
        }
        if (images.exists(ImageType.REMAP_FPATH)) {
            for (RemapFilePathEntry r : images.all(ImageType.REMAP_FPATH, 0, RemapFilePathEntry.class)) {
                if (r.getRemapType() != RemapType.GHOST) continue;
                long orig = uint(r.getOrigId()), remap = uint(r.getRemapId());
                String ghostImg = ImageType.GHOST_FILE.fileName(remap);
                if (!images.exists(ImageType.GHOST_FILE, remap)) throw new RestoreException("image " + images.dir.resolve(ghostImg) + " is missing");
                Images.Entry<GhostFileEntry> g = images.withPayloads(ImageType.GHOST_FILE, remap, GhostFileEntry.class).get(0);
                FileEntry f = files.get(orig);
                if (f == null || !f.hasReg()) throw new RestoreException("image remap-fpath.img refers to file id " + orig + " missing from files.img");
                String name = f.getReg().getName();
                if (!name.startsWith("/")) name = "/" + name;
                if (g.msg().getChunks()) throw new RestoreException("image " + ghostImg + " uses chunks, not supported yet");
                ghosts.put(orig, new Ghost(name, g.msg().getMode(), g.payload()));
            }
        }
        if (images.exists(ImageType.FILE_LOCKS)) fileLocks.addAll(images.all(ImageType.FILE_LOCKS, 0, FileLockEntry.class));
        if (images.exists(ImageType.FIFO_DATA)) {
            for (Images.Entry<PipeDataEntry> e : images.withPayloads(ImageType.FIFO_DATA, 0, PipeDataEntry.class)) {
                fifoData.put(uint(e.msg().getPipeId()), e.payload());
            }
        }
        if (images.exists(ImageType.MEMFD_INODE)) {
            for (MemfdInodeEntry m : images.all(ImageType.MEMFD_INODE, 0, MemfdInodeEntry.class)) memfdInodes.put(m.getInodeId(), m);
        }
        if (images.exists(ImageType.PIPES_DATA)) {
            for (Images.Entry<PipeDataEntry> e : images.withPayloads(ImageType.PIPES_DATA, 0, PipeDataEntry.class)) {
                pipeData.put(uint(e.msg().getPipeId()), e.payload());
                if (e.msg().hasSize()) pipeSize.put(uint(e.msg().getPipeId()), uint(e.msg().getSize()));
            }
        }
        for (TaskPlan t : tasks) loadTask(t);
    }

    private void loadTask(TaskPlan t) throws RestoreException {
        for (int tid : t.threads) {
            t.cores.add(images.one(ImageType.CORE, tid, CoreEntry.class));
        }
        TaskCoreEntry tc = t.cores.get(0).hasTc() ? t.cores.get(0).getTc() : null;
        t.state = tc == null ? TaskPlan.TASK_ALIVE : tc.getTaskState();
        t.exitCode = tc == null ? 0 : tc.getExitCode();
        // CRIU saves a zombie as DEAD (2); ZOMBIE (6) means the same here
        if (t.state == TaskPlan.TASK_DEAD) t.state = TaskPlan.TASK_ZOMBIE;
        if (t.zombie()) return;
        for (int i = 0; i < t.threads.length; i++) {
            CoreEntry core = t.cores.get(i);
            if (!core.hasThreadInfo() || !core.getThreadInfo().hasGpregs()) {
                throw new RestoreException("image core-" + t.threads[i] + ".img is corrupt: no x86 registers");
            }
        }

        MmEntry mm = images.one(ImageType.MM, t.pid, MmEntry.class);
        t.mmFields = new long[] {mm.getMmStartCode(), mm.getMmEndCode(), mm.getMmStartData(), mm.getMmEndData(),
            mm.getMmStartStack(), mm.getMmStartBrk(), mm.getMmBrk(), mm.getMmArgStart(), mm.getMmArgEnd(),
            mm.getMmEnvStart(), mm.getMmEnvEnd()};
        t.auxv = mm.getMmSavedAuxvList().stream().mapToLong(Long::longValue).toArray();
        t.thpDisabled = mm.getThpDisabled();
        if (mm.hasDumpable()) t.dumpable = mm.getDumpable();
        if (tc != null && tc.hasOomScoreAdj()) t.oomScoreAdj = tc.getOomScoreAdj();
        if (mm.hasExeFileId()) t.exePath = regPath(uint(mm.getExeFileId()), "exe of task " + t.pid + " (mm-" + t.pid + ".img)");
        for (VmaEntry v : mm.getVmasList()) {
            long status = uint(v.getStatus());
            String path = null;
            long shmid = v.getShmid();
            FileEntry backing = files.get(v.getShmid());
            if ((status & (TaskPlan.VmaPlan.FILE_PRIVATE | TaskPlan.VmaPlan.FILE_SHARED)) != 0
                    && backing != null && backing.getType().getNumber() == FD_MEMFD) {
                // a memfd mapping; CRIU 4.2 saves shared anonymous memory as a memfd named /dev/zero
                MemfdInodeEntry ino = memfdInodes.get(uint(backing.getMemfd().getInodeId()));
                if (ino != null && "/dev/zero".equals(ino.getName()) && (status & TaskPlan.VmaPlan.FILE_PRIVATE) != 0) {
                    // a private mapping of /dev/zero: the kernel makes it anonymous, backed by that file
                    t.vmas.add(new TaskPlan.VmaPlan(v.getStart(), v.getEnd(), v.getPgoff(), v.getProt(), v.getFlags() & ~0x20,
                            status & ~TaskPlan.VmaPlan.MEMFD, v.getMadv(), shmid, "/dev/zero"));
                    continue;
                }
                if (ino != null && !"/dev/zero".equals(ino.getName())) {
                    // a real memfd: the object is made once (MemfdPlan), the vma maps it; shmid carries the inode id
                    long inodeId = ino.getInodeId();
                    memfd(inodeId);
                    t.memfds.add(inodeId);
                    t.vmas.add(new TaskPlan.VmaPlan(v.getStart(), v.getEnd(), v.getPgoff(), v.getProt(), v.getFlags() & ~0x20,
                            status, v.getMadv(), inodeId, null));
                    continue;
                }
                if (ino == null || (status & TaskPlan.VmaPlan.FILE_SHARED) == 0) {
                    throw new RestoreException("mapping 0x" + Long.toHexString(v.getStart()) + " of task " + t.pid
                            + " (mm-" + t.pid + ".img) is backed by a memfd, not supported yet");
                }
                status = (status & ~(TaskPlan.VmaPlan.FILE_SHARED | TaskPlan.VmaPlan.MEMFD)) | TaskPlan.VmaPlan.ANON_SHARED;
                shmid = uint(ino.getShmid());
                t.vmas.add(new TaskPlan.VmaPlan(v.getStart(), v.getEnd(), v.getPgoff(), v.getProt(), v.getFlags() | 0x20, status,
                        v.getMadv(), shmid, null));
                continue;
            }
            if ((status & TaskPlan.VmaPlan.ANON_SHARED) != 0) {
                t.vmas.add(new TaskPlan.VmaPlan(v.getStart(), v.getEnd(), v.getPgoff(), v.getProt(), v.getFlags(), status,
                        v.getMadv(), shmid, null));
                continue;
            }
            if ((status & (TaskPlan.VmaPlan.FILE_PRIVATE | TaskPlan.VmaPlan.FILE_SHARED)) != 0) {
                if (backing == null || backing.getType().getNumber() != FD_REG) {
                    throw new RestoreException("mapping 0x" + Long.toHexString(v.getStart()) + " of task " + t.pid
                            + " (mm-" + t.pid + ".img) is backed by file id " + v.getShmid() + " of a kind not supported yet");
                }
                path = regPath(v.getShmid(), "mapping 0x" + Long.toHexString(v.getStart()) + " of task " + t.pid);
            } else if ((status & (TaskPlan.VmaPlan.SYSVIPC | TaskPlan.VmaPlan.SOCKET
                    | TaskPlan.VmaPlan.AIORING)) != 0 || (status & (1L << 31)) != 0) {
                throw new RestoreException("mapping 0x" + Long.toHexString(v.getStart()) + " of task " + t.pid
                        + " (mm-" + t.pid + ".img) is of a kind not supported yet (status 0x" + Long.toHexString(status) + ")");
            }
            t.vmas.add(new TaskPlan.VmaPlan(v.getStart(), v.getEnd(), v.getPgoff(), v.getProt(), v.getFlags(), status,
                    v.getMadv(), v.getShmid(), path));
        }

        List<Message> pm = images.all(ImageType.PAGEMAP, t.pid);
        if (pm.isEmpty()) throw new RestoreException("image pagemap-" + t.pid + ".img is corrupt: no header");
        t.pagesId = ((PagemapHead) pm.get(0)).getPagesId();
        long off = 0;
        for (int i = 1; i < pm.size(); i++) {
            PagemapEntry e = (PagemapEntry) pm.get(i);
            long nr = pages(e);
            long flags = e.hasFlags() ? uint(e.getFlags()) : (e.getInParent() ? PE_PARENT : PE_PRESENT);
            if ((flags & PE_PRESENT) == 0) {
                if ((flags & PE_PARENT) != 0) {
                    throw new RestoreException("image pagemap-" + t.pid + ".img refers to a parent image (pre-dump); not supported yet");
                }
                continue;
            }
            if (!inVdso(t, e.getVaddr())) t.pagemap.add(new long[] {e.getVaddr(), nr, off, t.pagesId, -1});
            off += nr * 4096;
        }
        String pages = "pages-" + t.pagesId + ".img";
        Path pp = images.dir.resolve(pages);
        long size;
        try {
            size = Files.size(pp);
        } catch (java.io.IOException ex) {
            throw new RestoreException("image " + pp + " is missing");
        }
        if (size < off) throw new RestoreException("image " + pp + " is truncated: " + size + " bytes, pagemap-" + t.pid + ".img needs " + off);
        totalPages += off / 4096;
        for (TaskPlan.VmaPlan v : t.vmas) {
            if (v.is(TaskPlan.VmaPlan.ANON_SHARED)) shmemPages(t, v);
        }

        TaskKobjIdsEntry ids = images.one(ImageType.IDS, t.pid, TaskKobjIdsEntry.class);
        long filesId = uint(ids.getFilesId());
        String fdinfo = ImageType.FDINFO.fileName(filesId);
        if (images.exists(ImageType.FDINFO, filesId)) {
            for (FdinfoEntry f : images.all(ImageType.FDINFO, filesId, FdinfoEntry.class)) {
                long id = uint(f.getId());
                int fdNo = f.getFd();
                FileEntry file = files.get(id);
                if (file == null) throw new RestoreException("image " + fdinfo + ": fd " + fdNo + " refers to file id " + id + " missing from files.img");
                int type = f.getType().getNumber();
                if (type == FD_REG) regPath(id, "fd " + fdNo + " of task " + t.pid);
                if (type == FD_UNIXSK) checkUnix(file, fdinfo, fdNo, t.pid);
                if (type == FD_MEMFD) {
                    MemfdFileEntry m = file.hasMemfd() ? file.getMemfd() : null;
                    if (m == null || !memfdInodes.containsKey(uint(m.getInodeId()))) {
                        throw new RestoreException("image memfd.img lacks inode " + (m == null ? "?" : uint(m.getInodeId())) + " of fd " + fdNo + " of task " + t.pid);
                    }
                    memfd(uint(m.getInodeId()));
                    t.memfds.add(uint(m.getInodeId()));
                }
                if (type == FD_INOTIFY) {
                    if (!file.hasIfy()) throw new RestoreException("image files.img is corrupt: inotify id " + id + " has no entry");
                    for (InotifyWdEntry w : file.getIfy().getWdList()) {
                        String path = w.getFHandle().hasPath() ? w.getFHandle().getPath() : null;
                        if (path == null) {
                            throw new RestoreException("inotify watch " + w.getWd() + " of fd " + fdNo + " of task " + t.pid
                                    + " has no path in files.img (file handles alone are not supported yet)");
                        }
                        if (!Files.exists(Path.of(path))) {
                            throw new RestoreException("file " + path + " (inotify watch " + w.getWd() + " of fd " + fdNo
                                    + " of task " + t.pid + ", files.img id " + id + ") has been moved away");
                        }
                    }
                }
                if (type == FD_FIFO) {
                    if (!file.hasFifo()) throw new RestoreException("image files.img is corrupt: fifo id " + id + " has no fifo entry");
                    regPath(uint(file.getFifo().getRegfId()), "FIFO of fd " + fdNo + " of task " + t.pid);
                }
                if (!java.util.Set.of(FD_REG, FD_PIPE, FD_FIFO, FD_MEMFD, FD_INOTIFY, FD_INETSK, FD_UNIXSK, FD_EVENTFD, FD_EVENTPOLL,
                        FD_SIGNALFD, FD_TIMERFD, 11 /* TTY: TtyRestorer */).contains(type)) {
                    throw new RestoreException("fd " + fdNo + " of task " + t.pid + " (" + fdinfo + ") is of kind "
                            + type + ", not supported yet");
                }
                t.fds.add(new TaskPlan.FdPlan(fdNo, (f.getFlags() & 1) != 0 || (f.getFlags() & 02000000) != 0, type, id, file));
            }
        }
        if (images.exists(ImageType.FS, t.pid)) {
            FsEntry fs = images.one(ImageType.FS, t.pid, FsEntry.class);
            t.cwd = regPath(uint(fs.getCwdId()), "cwd of task " + t.pid);
            t.root = regPath(uint(fs.getRootId()), "root of task " + t.pid);
            t.umask = fs.hasUmask() ? fs.getUmask() : 022;
        }
    }

    /** Pages of a pagemap run: nr_pages where CRIU 4 writes it, else the old u32 count. */
    private static long pages(PagemapEntry e) {
        return e.hasNrPages() ? e.getNrPages() : uint(e.getCompatNrPages());
    }

    /** The vDSO and vvar come from the running kernel: their saved pages are skipped. */
    private static boolean inVdso(TaskPlan t, long addr) {
        for (TaskPlan.VmaPlan v : t.vmas) {
            if ((v.is(TaskPlan.VmaPlan.VDSO) || v.is(TaskPlan.VmaPlan.VVAR) || v.is(TaskPlan.VmaPlan.VSYSCALL))
                    && addr >= v.start() && addr < v.end()) return true;
        }
        return false;
    }

    /** A memfd object: its inode entry and its content as {objOffset, bytes, fileOffset, pagesId}. */
    record MemfdPlan(long inodeId, String name, long size, long seals, List<long[]> content) {}

    final Map<Long, MemfdPlan> memfds = new HashMap<>();

    private MemfdPlan memfd(long inodeId) throws RestoreException {
        MemfdPlan m = memfds.get(inodeId);
        if (m != null) return m;
        MemfdInodeEntry ino = memfdInodes.get(inodeId);
        long shmid = uint(ino.getShmid());
        List<long[]> content = images.exists(ImageType.SHMEM_PAGEMAP, shmid) ? shmemRuns(shmid) : List.of();
        String n = ino.getName();
        if (n.startsWith("memfd:")) n = n.substring(6);
        m = new MemfdPlan(inodeId, n, ino.getSize(), uint(ino.getSeals()), content);
        memfds.put(inodeId, m);
        return m;
    }

    /** Pages of a shared anonymous vma, from pagemap-shmem-SHMID.img, as fills of this task's vma. */
    private void shmemPages(TaskPlan t, TaskPlan.VmaPlan v) throws RestoreException {
        if (!images.exists(ImageType.SHMEM_PAGEMAP, v.shmid())) return; // never touched: zeroes
        for (long[] run : shmemRuns(v.shmid())) {
            long objStart = run[0], objEnd = objStart + run[1];
            long s = Math.max(objStart, v.pgoff()), en = Math.min(objEnd, v.pgoff() + v.len());
            if (s < en) t.pagemap.add(new long[] {v.start() + s - v.pgoff(), (en - s) / 4096, run[2] + (s - objStart), run[3], v.shmid()});
        }
        t.pagemap.sort((a, b) -> Long.compareUnsigned(a[0], b[0]));
    }

    /**
     * The present runs of a shared-memory object's pagemap (pagemap-shmem-ID.img), each as
     * {offset in the object, bytes, offset in pages-N.img, N}, checked against the pages file's size.
     */
    private List<long[]> shmemRuns(long shmid) throws RestoreException {
        String name = ImageType.SHMEM_PAGEMAP.fileName(shmid);
        List<Message> pm = images.all(ImageType.SHMEM_PAGEMAP, shmid);
        if (pm.isEmpty()) throw new RestoreException("image " + name + " is corrupt: no header");
        int pagesId = ((PagemapHead) pm.get(0)).getPagesId();
        List<long[]> runs = new ArrayList<>();
        long off = 0;
        for (int i = 1; i < pm.size(); i++) {
            PagemapEntry e = (PagemapEntry) pm.get(i);
            long nr = pages(e);
            long flags = e.hasFlags() ? uint(e.getFlags()) : PE_PRESENT;
            if ((flags & PE_PRESENT) == 0) continue;
            runs.add(new long[] {e.getVaddr(), nr * 4096, off, pagesId});
            off += nr * 4096;
        }
        Path pp = images.dir.resolve("pages-" + pagesId + ".img");
        try {
            if (Files.size(pp) < off) throw new RestoreException("image " + pp + " is truncated: " + name + " needs " + off + " bytes");
        } catch (java.io.IOException ex) {
            throw new RestoreException("image " + pp + " is missing");
        }
        return runs;
    }

    /** Unix sockets the restore can make: any whose peer is in the tree (bound, listening, connected by name, socketpairs). */
    private void checkUnix(FileEntry file, String fdinfo, long fd, int pid) throws RestoreException {
        if (!file.hasUsk()) throw new RestoreException("image files.img is corrupt: unix socket id " + uint(file.getId()) + " has no usk entry");
        UnixSkEntry us = file.getUsk();
        String what = "fd " + fd + " of task " + pid + " (" + fdinfo + ") is a unix socket ";
        long peer = uint(us.getPeer());
        if (peer != 0) {
            boolean found = false;
            for (FileEntry f : files.values()) {
                if (f.getType().getNumber() == FD_UNIXSK && f.hasUsk() && uint(f.getUsk().getIno()) == peer) found = true;
            }
            if (!found) throw new RestoreException(what + "connected to a peer outside the tree (ino " + peer + "); not supported yet");
        }
    }

    private List<Images.Entry<SkPacketEntry>> sockQueues;

    /** sk-queues.img: data queued on unix sockets (id_for = the receiving socket), read once. */
    List<Images.Entry<SkPacketEntry>> sockQueues() throws RestoreException {
        if (sockQueues == null) {
            sockQueues = images.exists(ImageType.SK_QUEUES) ? images.withPayloads(ImageType.SK_QUEUES, 0, SkPacketEntry.class) : List.of();
        }
        return sockQueues;
    }

    /** The path of a REG entry of files.img, checked to exist (a ghost/unlinked file is not supported yet). */
    String regPath(long id, String what) throws RestoreException {
        FileEntry f = files.get(id);
        if (f == null) throw new RestoreException(what + ": file id " + id + " is missing from files.img");
        if (!f.hasReg()) throw new RestoreException(what + ": file id " + id + " in files.img is not a regular file");
        RegFileEntry reg = f.getReg();
        String name = reg.getName();
        if (!name.startsWith("/")) name = "/" + name;
        if (ghosts.containsKey(id)) return name;
        if (!Files.exists(Path.of(name))) {
            throw new RestoreException("file " + name + " (" + what + ", files.img id " + id + ") has been moved away");
        }
        return name;
    }
}
