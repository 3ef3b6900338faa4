package org.jcriu.criu.dump;

import org.jcriu.images.ImageType;
import org.jcriu.images.ImageWriter;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jcriu.criu.proc.ProcFs;
import org.jcriu.criu.proc.Vma;
import org.jcriu.criu.sys.PagemapScan;
import org.jcriu.criu.sys.ProcessMem;
import org.jcriu.images.proto.FileEntry;
import org.jcriu.images.proto.FdTypes;
import org.jcriu.images.proto.MemfdFileEntry;
import org.jcriu.images.proto.PagemapEntry;
import org.jcriu.images.proto.PagemapHead;
import org.jcriu.images.proto.RegFileEntry;
import org.jcriu.images.proto.VmaEntry;

/**
 * A task's address space: VmaEntry per area (mm-PID.img) and the pages worth
 * saving (pagemap-PID.img + pages-N.img). When the tree is killed, pages go task ->
 * pipe (vmsplice, no copy, {@link PinnedPages}) -> file after the kill; with
 * --leave-running the same way, but each task's pipes are written before the next task
 * and before the resume. Never through the Java heap, and never process_vm_readv on a live
 * tree: its read-only pins unshare copy-on-write pages (the kernel copies a page a parent
 * and child share rather than pin it), so a tree left running would lose the sharing of
 * its forked memory; vmsplice and /proc/PID/mem take references without unsharing.
 * (The process_vm_readv path remains for measuring: JCRIU_PAGES_WRITER=copy.)
 */
final class MemoryDumper {
    static final int PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
    static final int MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_ANON = 0x20, MAP_GROWSDOWN = 0x100,
            MAP_LOCKED = 0x2000, MAP_NORESERVE = 0x4000;
    static final int VMA_AREA_REGULAR = 1, VMA_AREA_STACK = 1 << 1, VMA_AREA_VSYSCALL = 1 << 2,
            VMA_AREA_VDSO = 1 << 3, VMA_AREA_HEAP = 1 << 5, VMA_FILE_PRIVATE = 1 << 6, VMA_FILE_SHARED = 1 << 7,
            VMA_ANON_SHARED = 1 << 8, VMA_ANON_PRIVATE = 1 << 9, VMA_AREA_SYSVIPC = 1 << 10,
            VMA_AREA_SOCKET = 1 << 11, VMA_AREA_VVAR = 1 << 12, VMA_AREA_AIORING = 1 << 13, VMA_AREA_MEMFD = 1 << 14;
    static final int PE_PARENT = 1, PE_LAZY = 2, PE_PRESENT = 4;
    private static final int BUF = 8 << 20, NBUF = 3;

    private final DumpStats stats;
    private ByteBuffer[] bufs;
    private long[] addrs;
    private final ProcessMem pm = new ProcessMem();

    private final ShmemDumper shmem;
    /**
     * Set when the dump kills the tree: pages are pinned in pipes while frozen and
     * written after the kill ({@link #drain}). Null with --leave-running, whose pages must
     * be copied before the tree runs again.
     */
    PinnedPages pins;
    /** saves unlinked mapped files as ghost files */
    FdDumper ghosts;

    MemoryDumper(DumpStats stats, ShmemDumper shmem) {
        this.stats = stats;
        this.shmem = shmem;
    }

    /** One area as saved, with the smaps line it came from. */
    record Area(Vma vma, VmaEntry entry) {}

    /** Turns the task's areas into VmaEntry, registering mapped files in files. */
    List<Area> areas(TaskNode t, List<Vma> vmas, FileTable files) throws DumpException, IOException {
        List<Area> out = new ArrayList<>();
        for (Vma v : vmas) {
            int prot = (v.read() ? PROT_READ : 0) | (v.write() ? PROT_WRITE : 0) | (v.exec() ? PROT_EXEC : 0);
            int flags = v.shared() ? MAP_SHARED : MAP_PRIVATE;
            if (v.hasFlag("gd")) flags |= MAP_GROWSDOWN;
            if (v.hasFlag("lo")) flags |= MAP_LOCKED;
            if (v.hasFlag("nr")) flags |= MAP_NORESERVE;
            int status;
            long shmid = 0, pgoff = 0;
            Integer fdflags = null;
            String p = v.path();
            if (p.equals("[vsyscall]")) {
                status = VMA_AREA_VSYSCALL | VMA_ANON_PRIVATE;
                flags |= MAP_ANON;
            } else if (p.equals("[vdso]")) {
                status = VMA_AREA_REGULAR | VMA_AREA_VDSO | VMA_ANON_PRIVATE;
                flags |= MAP_ANON;
            } else if (p.equals("[vvar]") || p.equals("[vvar_vclock]")) {
                status = VMA_AREA_REGULAR | VMA_ANON_PRIVATE | VMA_AREA_VVAR;
                flags |= MAP_ANON;
            } else if (v.inode() == 0) {
                if (v.isSpecial() && !p.equals("[heap]") && !p.startsWith("[stack") && !p.startsWith("[anon")) {
                    throw new DumpException("task " + t.pid + ": area " + v.range() + " is of unsupported kind " + p);
                }
                if (v.shared()) {
                    throw new DumpException("task " + t.pid + ": area " + v.range() + " is shared anonymous memory without an inode");
                }
                status = VMA_AREA_REGULAR | VMA_ANON_PRIVATE | (p.equals("[heap]") ? VMA_AREA_HEAP : 0);
                flags |= MAP_ANON;
            } else if (p.startsWith("/SYSV")) {
                throw new DumpException("task " + t.pid + ": area " + v.range() + " is System V shared memory, which jcriu cannot save yet");
            } else if (p.startsWith("/dev/zero") || p.startsWith("/memfd:")) {
                Path mf = ProcFs.pid(t.pid).resolve("map_files").resolve(v.range());
                String name = p.startsWith("/memfd:") ? memfdName(p) : "/dev/zero";
                int inodeId = shmem.inode(mf, v.inode(), name);
                int oflags = v.shared() && v.write() ? 2 : 0;
                String key = "memfd:" + v.inode() + ":" + oflags;
                Integer id = files.mapped.get(key);
                if (id == null) {
                    id = files.newId();
                    files.mapped.put(key, id);
                    files.add(FileEntry.newBuilder().setType(FdTypes.MEMFD).setId(id)
                            .setMemfd(MemfdFileEntry.newBuilder().setId(id).setFlags(oflags).setPos(0)
                                    .setFown(FileTable.NO_FOWN).setInodeId(inodeId)).build());
                }
                shmid = id;
                pgoff = v.pgoff();
                fdflags = oflags;
                status = VMA_AREA_REGULAR | (v.shared() ? VMA_FILE_SHARED : VMA_FILE_PRIVATE) | VMA_AREA_MEMFD;
            } else {
                Path mf = ProcFs.pid(t.pid).resolve("map_files").resolve(v.range());
                Map<String, Object> a = Files.readAttributes(mf, "unix:mode,size,dev,ino");
                int oflags = v.shared() && v.write() ? 2 : 0;
                String key = a.get("dev") + ":" + a.get("ino") + ":" + oflags;
                Integer id = files.mapped.get(key);
                if (id == null) {
                    id = files.newId();
                    files.mapped.put(key, id);
                    files.add(FileEntry.newBuilder().setType(FdTypes.REG).setId(id)
                            .setReg(RegFileEntry.newBuilder().setId(id).setFlags(oflags).setPos(0)
                                    .setFown(FileTable.NO_FOWN).setName(v.cleanPath())
                                    .setSize((Long) a.get("size")).setMode((Integer) a.get("mode")))
                            .build());
                    if (v.deleted()) {
                        // an unlinked file still mapped: its content goes to a ghost file, as for an fd
                        Map<String, Object> ga = Files.readAttributes(mf,
                                "unix:mode,size,dev,ino,uid,gid,nlink,lastAccessTime,lastModifiedTime");
                        if ((Integer) ga.get("nlink") == 0) {
                            ghosts.ghost(t, "area " + v.range(), mf, id, ga, v.cleanPath());
                        }
                    }
                }
                shmid = id;
                pgoff = v.pgoff();
                fdflags = oflags;
                status = VMA_AREA_REGULAR | (v.shared() ? VMA_FILE_SHARED : VMA_FILE_PRIVATE);
            }
            VmaEntry.Builder e = VmaEntry.newBuilder().setStart(v.start()).setEnd(v.end()).setPgoff(pgoff)
                    .setShmid(shmid).setProt(prot).setFlags(flags).setStatus(status).setFd(-1);
            long madv = madv(v);
            if (madv != 0) e.setMadv(madv);
            if (fdflags != null) e.setFdflags(fdflags);
            out.add(new Area(v, e.build()));
        }
        return out;
    }

    /** "/memfd:NAME (deleted)" -> "NAME". */
    static String memfdName(String p) {
        String n = p.substring("/memfd:".length());
        return n.endsWith(" (deleted)") ? n.substring(0, n.length() - 10) : n;
    }

    /** The madvise bits CRIU keeps, from smaps VmFlags. */
    static long madv(Vma v) {
        long m = 0;
        if (v.hasFlag("rr")) m |= 1L << 1; // MADV_RANDOM
        if (v.hasFlag("sr")) m |= 1L << 2; // MADV_SEQUENTIAL
        if (v.hasFlag("hg")) m |= 1L << 14; // MADV_HUGEPAGE
        if (v.hasFlag("nh")) m |= 1L << 15; // MADV_NOHUGEPAGE
        if (v.hasFlag("dc")) m |= 1L << 10; // MADV_DONTFORK
        if (v.hasFlag("dd")) m |= 1L << 16; // MADV_DONTDUMP
        if (v.hasFlag("wf")) m |= 1L << 18; // MADV_WIPEONFORK
        if (v.hasFlag("mg")) m |= 1L << 12; // MADV_MERGEABLE
        return m;
    }

    /** Print a progress line on stderr (a terminal) while pages are written. */
    boolean progress;
    private long progressTotal, progressDone, progressLast;

    /** Announces how many bytes the dump is going to write. */
    void expect(long bytes) {
        progressTotal += bytes;
    }

    private void progress(TaskNode t, long bytes) {
        progressDone += bytes;
        if (!progress || progressTotal < (64L << 20)) return;
        if (progressDone - progressLast < (32L << 20) && progressDone < progressTotal) return;
        progressLast = progressDone;
        System.err.printf("\rtask %d: %d%% of %d MiB of pages written", t.pid, progressDone * 100 / progressTotal,
                progressTotal >> 20);
        if (progressDone >= progressTotal) System.err.println();
        System.err.flush();
    }

    /** Runs of pages to save: parallel arrays filled by {@link #scan}. */
    static final class Runs {
        long[] addr = new long[64];
        long[] len = new long[64];
        int[] flags = new int[64];
        int n;

        void add(long a, long l, int f) {
            if (n > 0 && addr[n - 1] + len[n - 1] == a && flags[n - 1] == f) {
                len[n - 1] += l;
                return;
            }
            if (n == addr.length) {
                addr = java.util.Arrays.copyOf(addr, n * 2);
                len = java.util.Arrays.copyOf(len, n * 2);
                flags = java.util.Arrays.copyOf(flags, n * 2);
            }
            addr[n] = a;
            len[n] = l;
            flags[n] = f;
            n++;
        }

        long bytes() {
            long b = 0;
            for (int i = 0; i < n; i++) b += len[i];
            return b;
        }
    }

    /** Finds the pages to save in the task's private areas. */
    Runs scan(TaskNode t, List<Area> areas) throws IOException {
        Runs r = new Runs();
        try (PagemapScan ps = new PagemapScan(t.pid)) {
            for (Area a : areas) {
                int st = a.entry().getStatus();
                if ((st & (VMA_AREA_VSYSCALL | VMA_AREA_VVAR)) != 0) continue;
                if ((st & (VMA_FILE_SHARED | VMA_ANON_SHARED)) != 0) continue;
                if (!a.vma().read() && !a.vma().write() && !a.vma().exec()) {
                    // PROT_NONE: nothing can be present that the task could see, but pages may be
                    // there from before an mprotect; save them as well
                }
                boolean lazy = (st & VMA_ANON_PRIVATE) != 0 && (st & VMA_AREA_VDSO) == 0
                        && (a.entry().getFlags() & MAP_LOCKED) == 0;
                int f = PE_PRESENT | (lazy ? PE_LAZY : 0) | (a.vma().read() ? 0 : PinnedPages.UNREADABLE);
                stats.pagesScanned += a.vma().pages();
                ps.scan(a.vma().start(), a.vma().end(), true, (s, e) -> {
                    r.add(s, e - s, f);
                    return 0;
                });
            }
        }
        return r;
    }

    /** Writes pagemap-PID.img and the pages themselves into pages-ID.img. */
    void write(TaskNode t, Runs r, Path dir, int pagesId) throws IOException, DumpException {
        try (ImageWriter pmi = ImageWriter.create(dir.resolve("pagemap-" + t.pid + ".img"), ImageType.PAGEMAP)) {
            pmi.write(PagemapHead.newBuilder().setPagesId(pagesId).build());
            for (int i = 0; i < r.n; i++) {
                pmi.write(PagemapEntry.newBuilder().setVaddr(r.addr[i]).setCompatNrPages(0)
                        .setFlags(r.flags[i] & ~PinnedPages.UNREADABLE)
                        .setNrPages(r.len[i] >>> 12).build());
                if ((r.flags[i] & PE_LAZY) != 0) stats.pagesLazy += r.len[i] >>> 12;
            }
        }
        String how = System.getProperty("jcriu.pages.writer", System.getenv("JCRIU_PAGES_WRITER"));
        if (!"copy".equals(how) && !"mmap".equals(how)) {
            // --leave-running: pinned and written at once, the task still frozen
            PinnedPages p = pins != null ? pins : new PinnedPages(stats, t.pid);
            long t0 = System.nanoTime();
            try {
                p.pin(t, r, dir.resolve("pages-" + pagesId + ".img"));
            } catch (IOException | DumpException | RuntimeException e) {
                if (p != pins) p.discard();
                throw e;
            }
            stats.memdumpTime += (System.nanoTime() - t0) / 1000;
            if (p != pins) stats.memwriteTime += p.drain() / 1000;
            return;
        }
        if ("mmap".equals(how)) {
            writeMapped(t, r, dir, pagesId);
            return;
        }
        // buffers no larger than the pages to save: a small task does not pay for zeroing
        // 24 MiB of direct buffers while it is frozen
        int want = (int) Math.max(4096, Math.min(BUF, (r.bytes() + 4095) & ~4095L));
        if (bufs == null || bufs[0].capacity() < want) {
            bufs = new ByteBuffer[NBUF];
            addrs = new long[NBUF];
            for (int k = 0; k < NBUF; k++) {
                bufs[k] = ByteBuffer.allocateDirect(want);
                addrs[k] = Pointer.nativeValue(Native.getDirectBufferPointer(bufs[k]));
            }
        }
        try (FileChannel out = FileChannel.open(dir.resolve("pages-" + pagesId + ".img"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING,
                java.nio.file.StandardOpenOption.WRITE)) {
            // The calling thread reads task memory into one buffer while a writer thread
            // writes the previous one: the two copies overlap.
            java.util.concurrent.BlockingQueue<Integer> full = new java.util.concurrent.ArrayBlockingQueue<>(NBUF + 1);
            java.util.concurrent.BlockingQueue<Integer> free = new java.util.concurrent.ArrayBlockingQueue<>(NBUF + 1);
            for (int k = 0; k < NBUF; k++) free.add(k);
            IOException[] werr = new IOException[1];
            long[] wtime = new long[1];
            Thread writer = new Thread(() -> {
                try {
                    for (;;) {
                        int k = full.take();
                        if (k < 0) return;
                        long w0 = System.nanoTime();
                        ByteBuffer b = bufs[k];
                        try {
                            while (b.hasRemaining()) out.write(b);
                        } catch (IOException e) {
                            if (werr[0] == null) werr[0] = e;
                        }
                        wtime[0] += System.nanoTime() - w0;
                        free.put(k);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "jcriu-pages-writer");
            writer.setDaemon(true);
            writer.start();
            long[] pa = new long[ProcessMem.IOV_MAX];
            long[] pl = new long[ProcessMem.IOV_MAX];
            int i = 0;
            long off = 0; // offset inside run i
            long readNs = 0;
            try {
                while (i < r.n) {
                    int k = 0;
                    long fill = 0;
                    int cap = bufs[0].capacity();
                    while (i < r.n && k < pa.length && fill < cap) {
                        long take = Math.min(r.len[i] - off, cap - fill);
                        pa[k] = r.addr[i] + off;
                        pl[k] = take;
                        k++;
                        fill += take;
                        off += take;
                        if (off == r.len[i]) {
                            i++;
                            off = 0;
                        }
                    }
                    int slot = free.take();
                    if (werr[0] != null) throw werr[0];
                    long t0 = System.nanoTime();
                    long got = pm.readv(t.pid, addrs[slot], pa, pl, 0, k);
                    if (got != fill) got += readRest(t, bufs[slot], got, pa, pl, k);
                    readNs += System.nanoTime() - t0;
                    if (got != fill) {
                        throw new DumpException("task " + t.pid + ": read " + got + " of " + fill
                                + " bytes of memory at 0x" + Long.toHexString(pa[0]));
                    }
                    bufs[slot].clear().limit((int) fill);
                    full.put(slot);
                    progress(t, fill);
                    stats.pagesWritten += fill >>> 12;
                    stats.pagePipeBufs++;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while writing pages", e);
            } finally {
                full.add(-1);
                try {
                    writer.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (werr[0] != null) throw werr[0];
            stats.memdumpTime += readNs / 1000;
            stats.memwriteTime += wtime[0] / 1000;
        }
    }

    /**
     * The other way measured: the image file is sized, mapped in 64 MiB windows, and
     * process_vm_readv copies the task's pages straight into the page cache (one copy,
     * but every page of the mapping is faulted in and zeroed first).
     */
    private void writeMapped(TaskNode t, Runs r, Path dir, int pagesId) throws IOException, DumpException {
        long total = r.bytes();
        final long win = 64L << 20;
        try (FileChannel out = FileChannel.open(dir.resolve("pages-" + pagesId + ".img"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING,
                java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            if (total == 0) return;
            out.truncate(0);
            out.write(ByteBuffer.wrap(new byte[1]), total - 1);
            long[] pa = new long[ProcessMem.IOV_MAX];
            long[] pl = new long[ProcessMem.IOV_MAX];
            int i = 0;
            long off = 0;
            long fileOff = 0;
            long t0 = System.nanoTime();
            while (fileOff < total) {
                long w = Math.min(win, total - fileOff);
                java.nio.MappedByteBuffer m = out.map(FileChannel.MapMode.READ_WRITE, fileOff, w);
                long base = Pointer.nativeValue(Native.getDirectBufferPointer(m));
                long filled = 0;
                while (filled < w) {
                    int k = 0;
                    long fill = 0;
                    while (i < r.n && k < pa.length && filled + fill < w) {
                        long take = Math.min(r.len[i] - off, w - filled - fill);
                        pa[k] = r.addr[i] + off;
                        pl[k] = take;
                        k++;
                        fill += take;
                        off += take;
                        if (off == r.len[i]) {
                            i++;
                            off = 0;
                        }
                    }
                    long got = pm.readv(t.pid, base + filled, pa, pl, 0, k);
                    if (got != fill) got += readRest(t, m.slice((int) filled, (int) fill), got, pa, pl, k);
                    if (got != fill) throw new DumpException("task " + t.pid + ": read " + got + " of " + fill + " bytes");
                    filled += fill;
                    stats.pagePipeBufs++;
                }
                fileOff += w;
            }
            stats.pagesWritten += total >>> 12;
            stats.memdumpTime += (System.nanoTime() - t0) / 1000;
        }
    }

    /** Writes the pinned pages into their files (after the kill); adds the time to memwrite. */
    void drain() throws IOException {
        if (pins != null && pins.pending()) stats.memwriteTime += pins.drain() / 1000;
    }

    /** True if pages wait in pipes for {@link #drain}. */
    boolean pinned() {
        return pins != null && pins.pending();
    }

    /** Last step before the kill when pages are pinned: see {@link PinnedPages#beforeKill}. */
    void beforeKill(List<TaskNode> tree, java.util.Map<Integer, long[]> exitAddrs) throws DumpException {
        if (pinned()) pins.beforeKill(tree, exitAddrs);
    }

    /** Drops pinned pages (a failed dump). */
    void discard() {
        if (pins != null) pins.discard();
    }

    private FileChannel mem;
    private int memPid;

    /**
     * process_vm_readv stops at pages the task cannot read itself (PROT_NONE, or
     * write-only areas): the rest of the ranges is read through /proc/PID/mem, which can.
     * dst holds the ranges back to back from its position 0; done bytes are already there.
     */
    private long readRest(TaskNode t, ByteBuffer dst, long done, long[] pa, long[] pl, int k) throws IOException {
        if (mem == null || memPid != t.pid) {
            if (mem != null) mem.close();
            mem = FileChannel.open(ProcFs.pid(t.pid).resolve("mem"), java.nio.file.StandardOpenOption.READ);
            memPid = t.pid;
        }
        long pos = 0, extra = 0;
        for (int i = 0; i < k; i++) {
            long end = pos + pl[i];
            if (end > done) {
                long from = Math.max(pos, done);
                ByteBuffer d = dst.duplicate();
                d.clear().position((int) from).limit((int) end);
                long addr = pa[i] + (from - pos);
                while (d.hasRemaining()) {
                    int n = mem.read(d, addr + (d.position() - from));
                    if (n <= 0) return extra;
                    extra += n;
                }
            }
            pos = end;
        }
        return extra;
    }
}
