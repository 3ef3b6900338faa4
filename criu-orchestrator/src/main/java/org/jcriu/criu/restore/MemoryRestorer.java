package org.jcriu.criu.restore;

import static org.jcriu.criu.restore.Abi.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jcriu.compel.SyscallBatch;
import org.jcriu.compel.TraceeThread;
import org.jcriu.criu.util.Log;

/**
 * A task's address space, rebuilt in the task by remote syscalls: what it
 * started with unmapped (the stub's layout, or what it inherited from its
 * parent and does not keep), the vDSO moved where the task expects it,
 * every saved vma mapped at its address, memfd objects made, pages filled
 * ({@link PageFill}), protections, advice, locks and the mm fields set.
 *
 * <p>Tasks are rebuilt parents first, each child cloned from its parent
 * once the parent's memory is back: private memory they shared when saved
 * stays shared ({@link InheritedMemory}).
 */
final class MemoryRestorer {
    private final RestoreContext ctx;
    private final PageFill pageFill;
    private final ImagePages imagePages;
    /** Shared anonymous memory mapped so far: shmid -> {pid, start, end, pgoff}. */
    private final Map<Long, long[]> sharedAnon = new HashMap<>();
    /** Shared memory the task being restored maps from another task (already filled there). */
    private final Set<Long> shmFromOthers = new HashSet<>();
    /** Tasks whose memory is back (their children inherit it). */
    private final Set<Integer> rebuilt = new HashSet<>();
    /** The first spare fd number for memfd objects (above any fd of the tree); -1 until needed. */
    private int memfdBase = -1;
    private int memfdSlot = -1;

    MemoryRestorer(RestoreContext ctx) {
        this.ctx = ctx;
        this.pageFill = new PageFill(ctx);
        this.imagePages = new ImagePages(ctx.plan.images.dir);
    }

    /** Releases the page images mapped for comparisons. */
    void close() {
        imagePages.close();
    }

    /**
     * Rebuilds the memory of task t (thread rt, its only thread yet). A task whose parent's
     * memory is back was cloned from it and starts with the parent's layout.
     */
    void rebuild(TaskPlan t, TraceeThread rt) throws RestoreException {
        TaskPlan parent = t.parent != null && rebuilt.contains(t.parent.pid) ? t.parent : null;
        // 1. signals off, what is not kept unmapped, the vDSO where the task expects it
        SyscallBatch b = new SyscallBatch(rt);
        b.op("rt_sigprocmask(SIG_SETMASK, all)", NR_rt_sigprocmask, 2, b.longs(-1L), 0, 8);
        if (parent != null && memfdBase >= 0) {
            // memfd objects the parent holds at spare fds came along with the fork
            b.op("close_range(memfd spares of the parent)", NR_close_range, memfdBase, 0xffffffffL, 0);
        }
        List<long[]> vdso = new ArrayList<>(); // {start, end, kind} kind 0 vvar*, 1 vdso
        List<long[]> current = new ArrayList<>(); // {start, end} of what may be kept
        for (String line : RestoreContext.procMaps(t.pid)) {
            String[] f = line.trim().split("\\s+");
            String[] se = f[0].split("-");
            long s = Long.parseUnsignedLong(se[0], 16), e = Long.parseUnsignedLong(se[1], 16);
            String name = f.length > 5 ? f[5] : "";
            if (s == ctx.area) continue;
            if (name.startsWith("[vvar")) vdso.add(new long[] {s, e, 0});
            else if (name.equals("[vdso]")) vdso.add(new long[] {s, e, 1});
            else if (!name.equals("[vsyscall]")) current.add(new long[] {s, e});
        }
        BitSet keep = InheritedMemory.kept(parent, t, current);
        for (long[] c : current) unmapAllBut(b, c, t, keep);
        moveVdso(t, b, vdso);
        ctx.remote.run(b);
        ctx.roundTrips++;

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
            if (keep.get(idx)) {
                // inherited from the parent as it is: writable only for the pages that differ
                if (protFix.containsKey(v.start())) b.op("mprotect(0x" + Long.toHexString(v.start()) + ", +w) inherited", NR_mprotect, v.start(), v.len(), prot);
                continue;
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
                int[] obj = ctx.sharedFds.memfds.get(v.shmid());
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
        // a child of the same program has its exe already: the kernel refuses to replace an exe
        // that is still mapped (EBUSY), and the parent's is, in the kept areas
        boolean exeInherited = parent != null && t.exePath != null && t.exePath.equals(parent.exePath);
        int exeOp = t.exePath == null || exeInherited ? -1 : b.op("open(" + t.exePath + ") for PR_SET_MM_MAP", NR_openat, AT_FDCWD, b.str(t.exePath), O_CLOEXEC, 0);
        ctx.remote.run(b);
        ctx.roundTrips++;
        long exeFd = exeOp >= 0 ? b.result(exeOp) : -1;
        List<Long> toClose = new ArrayList<>();
        for (int op : opened.values()) toClose.add(b.result(op));

        // 3. pages: pread64 in the task, straight from pages-N.img into place
        List<PageFill.Run> runs = keep.isEmpty() ? allPages(t) : InheritedMemory.runs(ctx, parent, t, keep, shmFromOthers, imagePages);
        ctx.log.log(Log.DEBUG, "task " + t.pid + ": vmas mapped (" + keep.cardinality() + " kept from the parent); filling pages");
        pageFill.fill(t, rt, runs);
        ctx.log.log(Log.DEBUG, "task " + t.pid + ": pages filled");

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
        if (exeFd >= 0 || exeInherited) {
            long auxv = b.longs(t.auxv);
            long[] mf = t.mmFields;
            // struct prctl_mm_map: 11 u64 fields, auxv pointer, u32 auxv_size, u32 exe_fd
            long map = b.longs(mf[0], mf[1], mf[2], mf[3], mf[5], mf[6], mf[4], mf[7], mf[8], mf[9], mf[10], auxv,
                    (8L * t.auxv.length) | ((exeFd >= 0 ? exeFd : 0xffffffffL) << 32)); // exe_fd -1: unchanged
            b.op("prctl(PR_SET_MM_MAP) for task " + t.pid + " (mm-" + t.pid + ".img)", NR_prctl, PR_SET_MM, PR_SET_MM_MAP, map, 104, 0);
            if (exeFd >= 0) b.op("close(exe)", NR_close, exeFd);
        }
        ctx.remote.run(b);
        ctx.roundTrips++;
        rebuilt.add(t.pid);
    }

    /** Every saved page of the task, outside shared memory another task filled already. */
    private List<PageFill.Run> allPages(TaskPlan t) {
        List<PageFill.Run> runs = new ArrayList<>();
        for (long[] pm : t.pagemap) {
            if (pm[4] >= 0 && shmFromOthers.contains(pm[4])) continue;
            runs.add(PageFill.Run.write(pm[0], pm[1] * 4096, pm[2], pm[3], true));
        }
        return runs;
    }

    /** munmap of one current mapping {start, end}, but for the parts that are kept vmas. */
    private static void unmapAllBut(SyscallBatch b, long[] c, TaskPlan t, BitSet keep) {
        long at = c[0];
        for (int i = keep.nextSetBit(0); i >= 0 && at < c[1]; i = keep.nextSetBit(i + 1)) {
            TaskPlan.VmaPlan v = t.vmas.get(i);
            if (v.end() <= at || v.start() >= c[1]) continue;
            if (v.start() > at) b.op("munmap(0x" + Long.toHexString(at) + ") not kept", NR_munmap, at, v.start() - at);
            at = v.end();
        }
        if (at < c[1]) b.op("munmap(0x" + Long.toHexString(at) + ")", NR_munmap, at, c[1] - at);
    }

    /**
     * memfd objects this task uses and no task made yet: memfd_create, size,
     * content read in through a temporary shared mapping, then kept at a
     * spare fd (above any fd the tree uses) for mappings and fds, here and
     * in other tasks, until {@link #finishMemfds} seals and closes them.
     */
    private void ensureMemfds(TaskPlan t, TraceeThread rt) throws RestoreException {
        if (memfdSlot < 0) {
            int max = 0;
            for (TaskPlan x : ctx.plan.tasks) for (TaskPlan.FdPlan f : x.fds) max = Math.max(max, f.fd());
            memfdBase = max + 4096;
            memfdSlot = memfdBase;
        }
        for (long inode : t.memfds) {
            if (ctx.sharedFds.memfds.containsKey(inode)) continue;
            RestorePlan.MemfdPlan m = ctx.plan.memfds.get(inode);
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
            ctx.remote.run(b);
            ctx.roundTrips++;
            ctx.sharedFds.memfds.put(inode, new int[] {t.pid, slot});
            if (map < 0) continue;
            long base = b.result(map);
            SyscallBatch f = new SyscallBatch(rt);
            Map<Long, Integer> pages = new HashMap<>();
            for (long[] c : m.content()) {
                Integer po = pages.get(c[3]);
                if (po == null) {
                    Path p = ctx.plan.images.dir.resolve("pages-" + c[3] + ".img").toAbsolutePath();
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
            ctx.remote.run(f);
            ctx.roundTrips++;
        }
    }

    /** Seals on (the last thing a memfd gets) and the spare fds closed. */
    void finishMemfds() throws RestoreException {
        for (var e : ctx.sharedFds.memfds.entrySet()) {
            RestorePlan.MemfdPlan m = ctx.plan.memfds.get(e.getKey());
            TraceeThread rt = ctx.leaders.get(e.getValue()[0]);
            SyscallBatch b = new SyscallBatch(rt);
            if (m.seals() != 0 && m.seals() != F_SEAL_SEAL) {
                b.op("fcntl(F_ADD_SEALS, 0x" + Long.toHexString(m.seals()) + ") memfd " + m.name(), NR_fcntl, e.getValue()[1], F_ADD_SEALS, m.seals());
            }
            b.op("close(memfd spare)", NR_close, e.getValue()[1]);
            ctx.remote.run(b);
            ctx.roundTrips++;
        }
        ctx.sharedFds.memfds.clear();
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
        long tmp = ctx.area + Restorer.AREA_SIZE;
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

}
