package org.jcriu.criu.restore;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and validates every image of a dumped tree before anything is
 * created: pstree, inventory, core-*, mm-*, pagemap-* and pages-*, ids-*,
 * fdinfo-*, files, fs-*. A missing, truncated or corrupt image, a pages
 * file shorter than its pagemap says, or a backing file moved away fails
 * here with one line naming the image.
 */
final class RestorePlan {
    static final int PE_PARENT = 1, PE_LAZY = 2, PE_PRESENT = 4;
    static final int FD_FIFO = 3, FD_MEMFD = 18, FD_INOTIFY = 8;
    static final int FD_REG = 1, FD_PIPE = 2, FD_EVENTFD = 6, FD_EVENTPOLL = 7, FD_SIGNALFD = 9, FD_TIMERFD = 17;

    final Images images;
    final List<TaskPlan> tasks = new ArrayList<>();
    final Map<Long, ProtoMsg> files = new HashMap<>();
    final Map<Long, byte[]> pipeData = new HashMap<>();
    /** filelocks.img: flag (FL_POSIX 1, FL_FLOCK 2, FL_OFDLCK 1024), type, pid, fd, start, len. */
    final List<ProtoMsg> fileLocks = new ArrayList<>();
    /** Data queued in FIFOs, by pipe_id. */
    final Map<Long, byte[]> fifoData = new HashMap<>();
    /** Pipe buffer sizes (F_SETPIPE_SZ) by pipe_id. */
    final Map<Long, Long> pipeSize = new HashMap<>();
    /** Unlinked files, by files.img id: re-created from ghost-file-N.img while the fds are opened, then unlinked. */
    final Map<Long, Ghost> ghosts = new HashMap<>();
    /** memfd.img inodes by inode_id. */
    final Map<Long, ProtoMsg> memfdInodes = new HashMap<>();

    record Ghost(String path, int mode, byte[] content) {}
    TaskPlan root;
    long totalPages;

    private RestorePlan(Path dir) {
        this.images = new Images(dir);
    }

    static RestorePlan read(Path dir) throws RestoreException {
        if (!Files.isDirectory(dir)) throw new RestoreException("images directory " + dir + " does not exist");
        RestorePlan p = new RestorePlan(dir);
        try {
            p.load();
        } catch (InvalidProtocolBufferException e) {
            throw new RestoreException("corrupt image in " + dir + ": " + e.getMessage());
        }
        return p;
    }

    private void load() throws RestoreException, InvalidProtocolBufferException {
        images.one("inventory.img", Images.INVENTORY);
        List<ProtoMsg> pstree = images.read("pstree.img", Images.PSTREE);
        if (pstree.isEmpty()) throw new RestoreException("image " + images.dir.resolve("pstree.img") + " is corrupt: no tasks");
        Map<Integer, TaskPlan> byPid = new HashMap<>();
        for (ProtoMsg e : pstree) {
            TaskPlan t = new TaskPlan();
            t.pid = e.i32(1, 0);
            t.ppid = e.i32(2, 0);
            t.pgid = e.i32(3, 0);
            t.sid = e.i32(4, 0);
            long[] th = e.u64s(5);
            t.threads = new int[th.length == 0 ? 1 : th.length];
            if (th.length == 0) t.threads[0] = t.pid;
            for (int i = 0; i < th.length; i++) t.threads[i] = (int) th[i];
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
        if (images.exists("files.img")) {
            for (ProtoMsg f : images.read("files.img", Images.FILES)) files.put(f.u64(2), f);
        }
        if (images.exists("remap-fpath.img")) {
            for (ProtoMsg r : images.read("remap-fpath.img", Images.REMAP_FPATH)) {
                if (r.i32(3, 0) != 1) continue; // only ghosts
                long orig = r.u64(1), remap = r.u64(2);
                Images.Entry g = images.readWithTail("ghost-file-" + remap + ".img", Images.GHOST_FILE);
                ProtoMsg f = files.get(orig);
                if (f == null || f.msg(3) == null) throw new RestoreException("image remap-fpath.img refers to file id " + orig + " missing from files.img");
                String name = f.msg(3).str(6);
                if (!name.startsWith("/")) name = "/" + name;
                if (g.msg().u64(9) != 0) throw new RestoreException("image ghost-file-" + remap + ".img uses chunks, not supported yet");
                ghosts.put(orig, new Ghost(name, g.msg().i32(3, 0600), g.payload()));
            }
        }
        if (images.exists("filelocks.img")) fileLocks.addAll(images.read("filelocks.img", Images.FILE_LOCKS));
        if (images.exists("fifo-data.img")) {
            for (Images.Entry e : images.read("fifo-data.img", Images.FIFO_DATA, 2)) fifoData.put(e.msg().u64(1), e.payload());
        }
        if (images.exists("memfd.img")) {
            for (ProtoMsg m : images.read("memfd.img", Images.MEMFD_INODE)) memfdInodes.put(m.u64(7), m);
        }
        if (images.exists("pipes-data.img")) {
            for (Images.Entry e : images.read("pipes-data.img", Images.PIPES_DATA, 2)) {
                pipeData.put(e.msg().u64(1), e.payload());
                if (e.msg().has(3)) pipeSize.put(e.msg().u64(1), e.msg().u64(3));
            }
        }
        for (TaskPlan t : tasks) loadTask(t);
    }

    private void loadTask(TaskPlan t) throws RestoreException, InvalidProtocolBufferException {
        for (int tid : t.threads) {
            t.cores.add(images.one("core-" + tid + ".img", Images.CORE));
        }
        ProtoMsg tc = t.cores.get(0).msg(3);
        t.state = tc == null ? TaskPlan.TASK_ALIVE : tc.i32(1, TaskPlan.TASK_ALIVE);
        t.exitCode = tc == null ? 0 : tc.i32(2, 0);
        // CRIU saves a zombie as DEAD (2); ZOMBIE (6) means the same here
        if (t.state == TaskPlan.TASK_DEAD) t.state = TaskPlan.TASK_ZOMBIE;
        if (t.zombie()) return;
        for (int i = 0; i < t.threads.length; i++) {
            ProtoMsg core = t.cores.get(i);
            if (core.msg(2) == null || core.msg(2).msg(2) == null) {
                throw new RestoreException("image core-" + t.threads[i] + ".img is corrupt: no x86 registers");
            }
        }

        ProtoMsg mm = images.one("mm-" + t.pid + ".img", Images.MM);
        for (int i = 0; i < 11; i++) t.mmFields[i] = mm.u64(i + 1);
        t.auxv = mm.u64s(13);
        t.thpDisabled = mm.u64(17) != 0;
        if (mm.has(15)) t.dumpable = (int) mm.u64(15);
        if (tc != null && tc.has(14)) t.oomScoreAdj = (int) tc.u64(14);
        if (mm.has(12)) t.exePath = regPath(mm.u64(12), "exe of task " + t.pid + " (mm-" + t.pid + ".img)");
        for (ProtoMsg v : mm.msgs(14)) {
            long status = v.u64(7);
            String path = null;
            long shmid = v.u64(4);
            if ((status & (TaskPlan.VmaPlan.FILE_PRIVATE | TaskPlan.VmaPlan.FILE_SHARED)) != 0
                    && files.get(v.u64(4)) != null && files.get(v.u64(4)).i32(1, 0) == 18) {
                // a memfd mapping; CRIU 4.2 saves shared anonymous memory as a memfd named /dev/zero
                ProtoMsg ino = memfdInodes.get(files.get(v.u64(4)).msg(20).u64(5));
                if (ino != null && "/dev/zero".equals(ino.str(1)) && (status & TaskPlan.VmaPlan.FILE_PRIVATE) != 0) {
                    // a private mapping of /dev/zero: the kernel makes it anonymous, backed by that file
                    t.vmas.add(new TaskPlan.VmaPlan(v.u64(1), v.u64(2), v.u64(3), v.i32(5, 0), v.i32(6, 0) & ~0x20,
                            status & ~TaskPlan.VmaPlan.MEMFD, v.u64(9), shmid, "/dev/zero"));
                    continue;
                }
                if (ino != null && !"/dev/zero".equals(ino.str(1))) {
                    // a real memfd: the object is made once (MemfdPlan), the vma maps it; shmid carries the inode id
                    long inodeId = ino.u64(7);
                    memfd(inodeId);
                    t.memfds.add(inodeId);
                    t.vmas.add(new TaskPlan.VmaPlan(v.u64(1), v.u64(2), v.u64(3), v.i32(5, 0), v.i32(6, 0) & ~0x20,
                            status, v.u64(9), inodeId, null));
                    continue;
                }
                if (ino == null || !"/dev/zero".equals(ino.str(1)) || (status & TaskPlan.VmaPlan.FILE_SHARED) == 0) {
                    throw new RestoreException("mapping 0x" + Long.toHexString(v.u64(1)) + " of task " + t.pid
                            + " (mm-" + t.pid + ".img) is backed by a memfd, not supported yet");
                }
                status = (status & ~(TaskPlan.VmaPlan.FILE_SHARED | TaskPlan.VmaPlan.MEMFD)) | TaskPlan.VmaPlan.ANON_SHARED;
                shmid = ino.u64(5);
                t.vmas.add(new TaskPlan.VmaPlan(v.u64(1), v.u64(2), v.u64(3), v.i32(5, 0), v.i32(6, 0) | 0x20, status,
                        v.u64(9), shmid, null));
                continue;
            }
            if ((status & TaskPlan.VmaPlan.ANON_SHARED) != 0) {
                t.vmas.add(new TaskPlan.VmaPlan(v.u64(1), v.u64(2), v.u64(3), v.i32(5, 0), v.i32(6, 0), status,
                        v.u64(9), shmid, null));
                continue;
            }
            if ((status & (TaskPlan.VmaPlan.FILE_PRIVATE | TaskPlan.VmaPlan.FILE_SHARED)) != 0) {
                ProtoMsg f = files.get(v.u64(4));
                if (f == null || f.i32(1, 0) != FD_REG) {
                    throw new RestoreException("mapping 0x" + Long.toHexString(v.u64(1)) + " of task " + t.pid
                            + " (mm-" + t.pid + ".img) is backed by file id " + v.u64(4) + " of a kind not supported yet");
                }
                path = regPath(v.u64(4), "mapping 0x" + Long.toHexString(v.u64(1)) + " of task " + t.pid);
            } else if ((status & (TaskPlan.VmaPlan.SYSVIPC | TaskPlan.VmaPlan.SOCKET
                    | TaskPlan.VmaPlan.AIORING)) != 0 || status < 0 || (status & (1L << 31)) != 0) {
                throw new RestoreException("mapping 0x" + Long.toHexString(v.u64(1)) + " of task " + t.pid
                        + " (mm-" + t.pid + ".img) is of a kind not supported yet (status 0x" + Long.toHexString(status) + ")");
            }
            t.vmas.add(new TaskPlan.VmaPlan(v.u64(1), v.u64(2), v.u64(3), v.i32(5, 0), v.i32(6, 0), status,
                    v.u64(9), v.u64(4), path));
        }

        List<ProtoMsg> pm = images.read("pagemap-" + t.pid + ".img", Images.PAGEMAP);
        if (pm.isEmpty()) throw new RestoreException("image pagemap-" + t.pid + ".img is corrupt: no header");
        t.pagesId = pm.get(0).i32(1, 0);
        long off = 0;
        for (int i = 1; i < pm.size(); i++) {
            ProtoMsg e = pm.get(i);
            long nr = e.has(5) ? e.u64(5) : e.u64(2);
            long flags = e.has(4) ? e.u64(4) : (e.u64(3) != 0 ? PE_PARENT : PE_PRESENT);
            if ((flags & PE_PRESENT) == 0) {
                if ((flags & PE_PARENT) != 0) {
                    throw new RestoreException("image pagemap-" + t.pid + ".img refers to a parent image (pre-dump); not supported yet");
                }
                continue;
            }
            if (!inVdso(t, e.u64(1))) t.pagemap.add(new long[] {e.u64(1), nr, off, t.pagesId, -1});
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

        ProtoMsg ids = images.one("ids-" + t.pid + ".img", Images.IDS);
        long filesId = ids.u64(2);
        String fdinfo = "fdinfo-" + filesId + ".img";
        if (images.exists(fdinfo)) {
            for (ProtoMsg f : images.read(fdinfo, Images.FDINFO)) {
                long id = f.u64(1);
                ProtoMsg file = files.get(id);
                if (file == null) throw new RestoreException("image " + fdinfo + ": fd " + f.u64(4) + " refers to file id " + id + " missing from files.img");
                int type = f.i32(3, 0);
                if (type == FD_REG) regPath(id, "fd " + f.u64(4) + " of task " + t.pid);
                if (type == 5) checkUnix(file, fdinfo, f.u64(4), t.pid);
                if (type == FD_MEMFD) {
                    ProtoMsg m = file.msg(20);
                    if (m == null || !memfdInodes.containsKey(m.u64(5))) {
                        throw new RestoreException("image memfd.img lacks inode " + (m == null ? "?" : m.u64(5)) + " of fd " + f.u64(4) + " of task " + t.pid);
                    }
                    memfd(m.u64(5));
                    t.memfds.add(m.u64(5));
                }
                if (type == FD_INOTIFY) {
                    ProtoMsg ify = file.msg(13);
                    if (ify == null) throw new RestoreException("image files.img is corrupt: inotify id " + id + " has no entry");
                    for (ProtoMsg w : ify.msgs(5)) {
                        ProtoMsg fh = w.msg(7);
                        String path = fh == null ? null : fh.str(4);
                        if (path == null) {
                            throw new RestoreException("inotify watch " + w.u64(6) + " of fd " + f.u64(4) + " of task " + t.pid
                                    + " has no path in files.img (file handles alone are not supported yet)");
                        }
                        if (!Files.exists(Path.of(path))) {
                            throw new RestoreException("file " + path + " (inotify watch " + w.u64(6) + " of fd " + f.u64(4)
                                    + " of task " + t.pid + ", files.img id " + id + ") has been moved away");
                        }
                    }
                }
                if (type == FD_FIFO) {
                    if (file.msg(17) == null) throw new RestoreException("image files.img is corrupt: fifo id " + id + " has no fifo entry");
                    regPath(file.msg(17).u64(3), "FIFO of fd " + f.u64(4) + " of task " + t.pid);
                }
                if (!java.util.Set.of(FD_REG, FD_PIPE, FD_FIFO, FD_MEMFD, FD_INOTIFY, 4, 5, FD_EVENTFD, FD_EVENTPOLL, FD_SIGNALFD, FD_TIMERFD, 11 /* TTY: TtyRestorer */).contains(type)) {
                    throw new RestoreException("fd " + f.u64(4) + " of task " + t.pid + " (" + fdinfo + ") is of kind "
                            + type + ", not supported yet");
                }
                t.fds.add(new TaskPlan.FdPlan(f.i32(4, -1), (f.u64(2) & 1) != 0 || (f.u64(2) & 02000000) != 0, type, id, file));
            }
        }
        String fsImg = "fs-" + t.pid + ".img";
        if (images.exists(fsImg)) {
            ProtoMsg fs = images.one(fsImg, Images.FS);
            t.cwd = regPath(fs.u64(1), "cwd of task " + t.pid);
            t.root = regPath(fs.u64(2), "root of task " + t.pid);
            t.umask = fs.i32(3, 022);
        }
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

    private MemfdPlan memfd(long inodeId) throws RestoreException, InvalidProtocolBufferException {
        MemfdPlan m = memfds.get(inodeId);
        if (m != null) return m;
        ProtoMsg ino = memfdInodes.get(inodeId);
        String name = "pagemap-shmem-" + ino.u64(5) + ".img";
        List<long[]> content = images.exists(name) ? shmemRuns(name) : List.of();
        String n = ino.str(1) == null ? "" : ino.str(1);
        if (n.startsWith("memfd:")) n = n.substring(6);
        m = new MemfdPlan(inodeId, n, ino.u64(4), ino.u64(6), content);
        memfds.put(inodeId, m);
        return m;
    }

    /** Pages of a shared anonymous vma, from pagemap-shmem-SHMID.img, as fills of this task's vma. */
    private void shmemPages(TaskPlan t, TaskPlan.VmaPlan v) throws RestoreException, InvalidProtocolBufferException {
        String name = "pagemap-shmem-" + v.shmid() + ".img";
        if (!images.exists(name)) return; // never touched: zeroes
        for (long[] run : shmemRuns(name)) {
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
    private List<long[]> shmemRuns(String name) throws RestoreException, InvalidProtocolBufferException {
        List<ProtoMsg> pm = images.read(name, Images.PAGEMAP);
        if (pm.isEmpty()) throw new RestoreException("image " + name + " is corrupt: no header");
        int pagesId = pm.get(0).i32(1, 0);
        List<long[]> runs = new ArrayList<>();
        long off = 0;
        for (int i = 1; i < pm.size(); i++) {
            ProtoMsg e = pm.get(i);
            long nr = e.has(5) ? e.u64(5) : e.u64(2);
            long flags = e.has(4) ? e.u64(4) : PE_PRESENT;
            if ((flags & PE_PRESENT) == 0) continue;
            runs.add(new long[] {e.u64(1), nr * 4096, off, pagesId});
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
    private void checkUnix(ProtoMsg file, String fdinfo, long fd, int pid) throws RestoreException, InvalidProtocolBufferException {
        ProtoMsg u = file.msg(16);
        if (u == null) throw new RestoreException("image files.img is corrupt: unix socket id " + file.u64(2) + " has no usk entry");
        String what = "fd " + fd + " of task " + pid + " (" + fdinfo + ") is a unix socket ";
        long peer = u.u64(8);
        if (peer != 0) {
            boolean found = false;
            for (ProtoMsg f : files.values()) {
                if (f.i32(1, 0) == 5 && f.msg(16) != null && f.msg(16).u64(2) == peer) found = true;
            }
            if (!found) throw new RestoreException(what + "connected to a peer outside the tree (ino " + peer + "); not supported yet");
        }
    }

    private List<Images.Entry> sockQueues;

    /** sk-queues.img: data queued on unix sockets (id_for = the receiving socket), read once. */
    List<Images.Entry> sockQueues() throws RestoreException {
        if (sockQueues == null) {
            sockQueues = images.exists("sk-queues.img") ? images.read("sk-queues.img", Images.SK_QUEUES, 2) : List.of();
        }
        return sockQueues;
    }

    /** The path of a REG entry of files.img, checked to exist (a ghost/unlinked file is not supported yet). */
    String regPath(long id, String what) throws RestoreException, InvalidProtocolBufferException {
        ProtoMsg f = files.get(id);
        if (f == null) throw new RestoreException(what + ": file id " + id + " is missing from files.img");
        ProtoMsg reg = f.msg(3);
        if (reg == null) throw new RestoreException(what + ": file id " + id + " in files.img is not a regular file");
        String name = reg.str(6);
        if (name == null) throw new RestoreException("image files.img is corrupt: file id " + id + " has no name");
        if (!name.startsWith("/")) name = "/" + name;
        if (ghosts.containsKey(id)) return name;
        if (!Files.exists(Path.of(name))) {
            throw new RestoreException("file " + name + " (" + what + ", files.img id " + id + ") has been moved away");
        }
        return name;
    }
}
