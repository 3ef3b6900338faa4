package org.jcriu.criu.restore;

import static org.jcriu.criu.restore.Abi.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcriu.compel.SyscallBatch;
import org.jcriu.compel.TraceeThread;

/**
 * Pages go from pages-N.img straight into place with pread64 run by the
 * task itself. Large fills are shared by helper threads of the task (made
 * by remote clone3, gone before anything else runs): the kernel allocating
 * and zeroing pages is the cost, and it scales with CPUs.
 */
final class PageFill {
    /** Below this many bytes one thread fills; above, helper threads of the task take their share. */
    static final long PARALLEL_FILL_MIN = 128L << 20;
    static final long FILL_CHUNK = 32L << 20;
    static final boolean POPULATE = Boolean.parseBoolean(System.getProperty("jcriu.restore.populate", "true"));
    /** Threads filling pages: one per CPU, at most 4 (-Djcriu.restore.fillThreads=N overrides). */
    static final int FILL_THREADS = Integer.getInteger("jcriu.restore.fillThreads",
            Math.min(4, Runtime.getRuntime().availableProcessors()));

    /**
     * One piece of work: {@code len} bytes at {@code addr} read from pages-{@code pagesId}.img at
     * {@code off}; or, with {@code drop}, the range given back to the kernel (MADV_DONTNEED: a page
     * the parent had and the child did not). {@code populate}: allocate the range in one call first
     * (not where pages are still shared with the parent: that would copy them all).
     */
    record Run(long addr, long len, long off, long pagesId, boolean populate, boolean drop) {
        static Run write(long addr, long len, long off, long pagesId, boolean populate) {
            return new Run(addr, len, off, pagesId, populate, false);
        }

        static Run drop(long addr, long len) {
            return new Run(addr, len, 0, -1, false, true);
        }
    }

    private final RestoreContext ctx;

    PageFill(RestoreContext ctx) {
        this.ctx = ctx;
    }

    void fill(TaskPlan t, TraceeThread rt, List<Run> runs) throws RestoreException {
        if (runs.isEmpty()) return;
        SyscallBatch pre = new SyscallBatch(rt);
        Map<Long, Integer> fdOps = new LinkedHashMap<>();
        long total = 0;
        for (Run r : runs) {
            if (r.drop()) continue;
            total += r.len();
            if (!fdOps.containsKey(r.pagesId())) {
                Path pages = ctx.plan.images.dir.resolve("pages-" + r.pagesId() + ".img").toAbsolutePath();
                fdOps.put(r.pagesId(), pre.op("open(" + pages + ")", NR_openat, AT_FDCWD, pre.str(pages.toString()), O_CLOEXEC, 0));
            }
        }
        if (pre.size() > 0) {
            ctx.remote.run(pre);
            ctx.roundTrips++;
        }
        Map<Long, Long> fds = new HashMap<>();
        for (var e : fdOps.entrySet()) fds.put(e.getKey(), pre.result(e.getValue()));
        // the work: ops of at most FILL_CHUNK bytes
        List<Run> work = new ArrayList<>();
        for (Run r : runs) {
            long addr = r.addr(), len = r.len(), off = r.off();
            while (len > 0) {
                long n = r.drop() ? len : Math.min(len, FILL_CHUNK);
                work.add(new Run(addr, n, off, r.pagesId(), r.populate(), r.drop()));
                addr += n;
                off += n;
                len -= n;
            }
        }
        int workers = total >= PARALLEL_FILL_MIN ? (int) Math.max(1, Math.min(FILL_THREADS, work.size())) : 1;
        List<TraceeThread> helpers = new ArrayList<>();
        try {
            for (int w = 1; w < workers; w++) {
                TraceeThread h = RemoteClone.helperThread(ctx, rt);
                ctx.threads.put(h.tid(), h);
                helpers.add(h);
            }
            SyscallBatch[] bs = new SyscallBatch[workers];
            for (int w = 0; w < workers; w++) bs[w] = new SyscallBatch(w == 0 ? rt : helpers.get(w - 1), w, workers);
            int i = 0;
            while (i < work.size()) {
                // chunks dealt in turn from i, so the threads finish together, until a batch is full
                int j = i;
                while (j < work.size()) {
                    SyscallBatch b = bs[(j - i) % workers];
                    if (b.size() + 2 > b.capacity()) break;
                    add(b, work.get(j++), fds);
                }
                int taken = j - i;
                int[] sizes = new int[workers];
                for (int w = 0; w < workers; w++) sizes[w] = bs[w].size();
                for (SyscallBatch b : bs) if (b.size() > 0) b.start();
                RestoreException failed = null;
                for (int w = 0; w < workers; w++) {
                    if (sizes[w] == 0) continue;
                    try {
                        ctx.remote.finish(bs[w], sizes[w]);
                    } catch (RestoreException e) {
                        if (failed == null) failed = e;
                    }
                }
                if (failed != null) throw failed;
                ctx.roundTrips++;
                i += taken;
            }
        } finally {
            for (TraceeThread h : helpers) {
                ctx.threads.remove(h.tid());
                RemoteClone.end(h);
            }
        }
        if (!fds.isEmpty()) {
            SyscallBatch b = new SyscallBatch(rt);
            for (long fd : fds.values()) b.op("close(pages)", NR_close, fd);
            ctx.remote.run(b);
            ctx.roundTrips++;
        }
    }

    /** One chunk as ops of its thread's batch. */
    private static void add(SyscallBatch b, Run c, Map<Long, Long> fds) {
        String at = "0x" + Long.toHexString(c.addr());
        if (c.drop()) {
            b.op("madvise(" + at + ", MADV_DONTNEED): a page only the parent had", NR_madvise, c.addr(), c.len(), MADV_DONTNEED);
            return;
        }
        if (c.populate() && POPULATE) {
            // allocate the pages in one call instead of one fault per page
            b.flags(b.op("madvise(MADV_POPULATE_WRITE)", NR_madvise, c.addr(), c.len(), MADV_POPULATE_WRITE), SyscallBatch.ANY_RESULT);
        }
        int op = b.op("pread64(pages-" + c.pagesId() + ".img, " + at + ")", NR_pread64, fds.get(c.pagesId()), c.addr(), c.len(), c.off());
        b.flags(op, SyscallBatch.FULL_LENGTH);
    }
}
