package org.jcriu.criu.restore;

import static org.jcriu.criu.restore.Abi.*;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Private memory a child shares with its parent, copy-on-write since its
 * fork, kept shared through the restore. A child is cloned from its parent
 * once the parent's memory is back, so it starts with the parent's areas.
 * Those the child saved exactly alike (range, protection, flags, file,
 * offset) and that a fork passes on are kept as inherited instead of mapped
 * anew; of their pages only the ones whose saved content differs from the
 * parent's saved page are written, and pages the parent has there and the
 * child had not are given back (MADV_DONTNEED: zero or the file's again).
 * Everything else of the child is mapped and filled as for any task.
 */
final class InheritedMemory {
    private static final long PAGE = 4096;
    /** Areas a fork copies and whose pages can be shared: private anonymous or private file memory. */
    private static final long NOT_SHAREABLE = TaskPlan.VmaPlan.VDSO | TaskPlan.VmaPlan.VVAR | TaskPlan.VmaPlan.VSYSCALL
            | TaskPlan.VmaPlan.ANON_SHARED | TaskPlan.VmaPlan.FILE_SHARED | TaskPlan.VmaPlan.MEMFD | TaskPlan.VmaPlan.SYSVIPC
            | TaskPlan.VmaPlan.SOCKET | TaskPlan.VmaPlan.AIORING;
    private static final long NOT_INHERITED = (1L << MADV_DONTFORK) | (1L << MADV_WIPEONFORK);

    private InheritedMemory() {}

    /**
     * Which of the child's vmas to keep as inherited: those the parent has alike and the child
     * holds now ({@code current}: the child's mappings as {start, end}, sorted).
     */
    static BitSet kept(TaskPlan parent, TaskPlan child, List<long[]> current) {
        BitSet keep = new BitSet();
        if (parent == null) return keep;
        Map<Long, TaskPlan.VmaPlan> byStart = new TreeMap<>();
        for (TaskPlan.VmaPlan v : parent.vmas) byStart.put(v.start(), v);
        for (int i = 0; i < child.vmas.size(); i++) {
            TaskPlan.VmaPlan v = child.vmas.get(i);
            TaskPlan.VmaPlan p = byStart.get(v.start());
            if (p == null || (v.status() & NOT_SHAREABLE) != 0 || (v.flags() & MAP_PRIVATE) == 0) continue;
            if (p.end() != v.end() || p.pgoff() != v.pgoff() || p.prot() != v.prot() || p.flags() != v.flags()
                    || p.status() != v.status() || !java.util.Objects.equals(p.path(), v.path())) continue;
            if ((p.madv() & NOT_INHERITED) != 0 || !covered(current, v.start(), v.end())) continue;
            keep.set(i);
        }
        return keep;
    }

    private static boolean covered(List<long[]> current, long s, long e) {
        long at = s;
        for (long[] c : current) {
            if (c[1] <= at) continue;
            if (c[0] > at) return false;
            at = c[1];
            if (at >= e) return true;
        }
        return false;
    }

    /**
     * The child's page work: pages outside kept vmas as usual (all of them), inside kept vmas
     * only the pages that differ from the parent's, plus the parent's pages to give back.
     * Counts compared and shared pages in ctx for stats-restore.
     */
    static List<PageFill.Run> runs(RestoreContext ctx, TaskPlan parent, TaskPlan child, BitSet keep, Set<Long> skipShm,
            ImagePages pages) throws RestoreException {
        List<long[]> kept = new ArrayList<>();
        for (int i = keep.nextSetBit(0); i >= 0; i = keep.nextSetBit(i + 1)) {
            kept.add(new long[] {child.vmas.get(i).start(), child.vmas.get(i).end()});
        }
        Runs out = new Runs();
        TreeMap<Long, long[]> parentPages = index(parent.pagemap);
        List<long[]> compare = new ArrayList<>(); // {start, end, offset in the child's pages file, its id}
        long comparePages = 0;
        for (long[] pm : child.pagemap) {
            if (pm[4] >= 0 && skipShm.contains(pm[4])) continue;
            long s = pm[0], e = pm[0] + pm[1] * PAGE;
            for (long x = s; x < e; ) {
                long[] k = rangeAtOrAfter(kept, x);
                long off = pm[2] + (x - s);
                if (k == null || k[0] >= e) {
                    out.write(x, e - x, off, pm[3], true);
                    break;
                }
                if (x < k[0]) {
                    out.write(x, k[0] - x, off, pm[3], true);
                    x = k[0];
                    continue;
                }
                long end = Math.min(e, k[1]);
                compare.add(new long[] {x, end, off, pm[3]});
                comparePages += (end - x) / PAGE;
                x = end;
            }
        }
        if (comparePages < PARALLEL_COMPARE_MIN) {
            compare(compare, parentPages, pages, out);
        } else {
            // two halves on two cores: the compare faults in both files' pages, CPU-bound
            List<long[]> second = splitOff(compare, comparePages / 2);
            Runs other = new Runs();
            RestoreException[] failed = new RestoreException[1];
            Thread t = new Thread(() -> {
                try (ImagePages own = new ImagePages(ctx.plan.images.dir)) {
                    compare(second, parentPages, own, other);
                } catch (RestoreException e) {
                    failed[0] = e;
                }
            }, "jcriu-restore-compare");
            t.start();
            try {
                compare(compare, parentPages, pages, out);
            } finally {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RestoreException("interrupted");
                }
            }
            if (failed[0] != null) throw failed[0];
            out.add(other);
        }
        ctx.pagesCompared += out.compared;
        ctx.pagesSkippedCow += out.shared;
        TreeMap<Long, long[]> childPages = index(child.pagemap);
        for (long[] k : kept) {
            for (long[] pp : parent.pagemap) {
                long s = Math.max(pp[0], k[0]), e = Math.min(pp[0] + pp[1] * PAGE, k[1]);
                for (long x = s; x < e; x += PAGE) {
                    if (containing(childPages, x) == null) out.drop(x, PAGE);
                }
            }
        }
        return out.list;
    }

    /** Kept pages from which the compare runs on two threads. */
    private static final long PARALLEL_COMPARE_MIN = 8192;

    /** The child's pages in kept areas against the parent's: only those that differ (or the parent lacks) are written. */
    private static void compare(List<long[]> segments, TreeMap<Long, long[]> parentPages, ImagePages pages, Runs out)
            throws RestoreException {
        for (long[] seg : segments) {
            for (long x = seg[0]; x < seg[1]; x += PAGE) {
                long[] pp = containing(parentPages, x);
                long coff = seg[2] + (x - seg[0]);
                if (pp != null) {
                    out.compared++;
                    if (pages.samePage(seg[3], coff, pp[3], pp[2] + (x - pp[0]))) {
                        out.shared++;
                        continue;
                    }
                }
                out.write(x, PAGE, coff, seg[3], false);
            }
        }
    }

    /** Removes the segments after the first {@code pages} pages (splitting one if needed) and returns them. */
    private static List<long[]> splitOff(List<long[]> segments, long pages) {
        List<long[]> rest = new ArrayList<>();
        long seen = 0;
        for (int i = 0; i < segments.size(); i++) {
            long[] seg = segments.get(i);
            long n = (seg[1] - seg[0]) / PAGE;
            if (seen + n <= pages) {
                seen += n;
                continue;
            }
            long cut = seg[0] + (pages - seen) * PAGE;
            if (cut > seg[0]) {
                rest.add(new long[] {cut, seg[1], seg[2] + (cut - seg[0]), seg[3]});
                segments.set(i, new long[] {seg[0], cut, seg[2], seg[3]});
                i++;
            }
            rest.addAll(segments.subList(i, segments.size()));
            segments.subList(i, segments.size()).clear();
            break;
        }
        return rest;
    }

    private static TreeMap<Long, long[]> index(List<long[]> pagemap) {
        TreeMap<Long, long[]> m = new TreeMap<>(Long::compareUnsigned);
        for (long[] pm : pagemap) if (pm[4] < 0) m.put(pm[0], pm);
        return m;
    }

    private static long[] containing(TreeMap<Long, long[]> m, long x) {
        var f = m.floorEntry(x);
        if (f == null) return null;
        long[] pm = f.getValue();
        return Long.compareUnsigned(x, pm[0] + pm[1] * PAGE) < 0 ? pm : null;
    }

    /** The first kept range that ends after x. */
    private static long[] rangeAtOrAfter(List<long[]> kept, long x) {
        for (long[] k : kept) if (k[1] > x) return k;
        return null;
    }

    /** Runs of work, neighbouring pages of one file joined; and the pages compared and found shared. */
    private static final class Runs {
        final List<PageFill.Run> list = new ArrayList<>();
        long compared, shared;

        void add(Runs other) {
            list.addAll(other.list);
            compared += other.compared;
            shared += other.shared;
        }

        void write(long addr, long len, long off, long pagesId, boolean populate) {
            PageFill.Run l = list.isEmpty() ? null : list.get(list.size() - 1);
            if (l != null && !l.drop() && l.pagesId() == pagesId && l.populate() == populate && l.addr() + l.len() == addr
                    && l.off() + l.len() == off) {
                list.set(list.size() - 1, PageFill.Run.write(l.addr(), l.len() + len, l.off(), pagesId, populate));
            } else {
                list.add(PageFill.Run.write(addr, len, off, pagesId, populate));
            }
        }

        void drop(long addr, long len) {
            PageFill.Run l = list.isEmpty() ? null : list.get(list.size() - 1);
            if (l != null && l.drop() && l.addr() + l.len() == addr) {
                list.set(list.size() - 1, PageFill.Run.drop(l.addr(), l.len() + len));
            } else {
                list.add(PageFill.Run.drop(addr, len));
            }
        }
    }
}
