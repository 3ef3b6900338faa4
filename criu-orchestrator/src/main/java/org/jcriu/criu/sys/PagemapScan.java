package org.jcriu.criu.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongBinaryOperator;

/**
 * Finds the pages of a task worth saving: present or swapped, anonymous (not a
 * file page) and not the shared zero page. Uses the PAGEMAP_SCAN ioctl on
 * /proc/PID/pagemap (6.7+) when the kernel has it, else reads 64-bit pagemap
 * entries (bit 63 present, 62 swapped, 61 file page or shared anonymous).
 *
 * <pre>
 * struct pm_scan_arg { u64 size, flags, start, end, walk_end, vec, vec_len,
 *                      max_pages, category_inverted, category_mask,
 *                      category_anyof_mask, return_mask; };
 * struct page_region { u64 start, end, categories; };
 * </pre>
 */
public final class PagemapScan implements AutoCloseable {
    /** _IOWR('f', 16, struct pm_scan_arg). */
    public static final long PAGEMAP_SCAN = 0xC0606610L;
    /** Page categories. */
    public static final long PAGE_IS_WPALLOWED = 1, PAGE_IS_WRITTEN = 2, PAGE_IS_FILE = 4, PAGE_IS_PRESENT = 8,
            PAGE_IS_SWAPPED = 16, PAGE_IS_PFNZERO = 32, PAGE_IS_HUGE = 64, PAGE_IS_SOFT_DIRTY = 128;
    private static final int ARG_SIZE = 96, REGION_SIZE = 24, NREGIONS = 512;

    private final int pid;
    private final FileChannel channel;
    private final int fd;
    private final Memory arg = new Memory(ARG_SIZE);
    private final Memory vec = new Memory((long) REGION_SIZE * NREGIONS);
    private final boolean ioctl;
    private ByteBuffer entries;

    /** Opens /proc/PID/pagemap. */
    public PagemapScan(int pid) throws IOException {
        this.pid = pid;
        this.fd = Fd.open("/proc/" + pid + "/pagemap", 0).fd();
        this.channel = null;
        this.ioctl = probe();
    }

    private boolean probe() {
        try {
            scanRaw(0, 0, (a, b) -> 0);
            return true;
        } catch (Errno e) {
            return false;
        }
    }

    /** True when the PAGEMAP_SCAN ioctl is used. */
    public boolean usesIoctl() {
        return ioctl;
    }

    /**
     * Calls sink.applyAsLong(start, end) for each run of savable pages in [start, end),
     * in address order, runs already merged where contiguous. Returns the number of pages found.
     * When {@code anonOnly} is false, file pages count too (used for shared mappings).
     */
    public long scan(long start, long end, boolean anonOnly, LongBinaryOperator sink) throws IOException {
        if (ioctl) return scanIoctl(start, end, anonOnly, sink);
        return scanEntries(start, end, anonOnly, sink);
    }

    private long scanRaw(long start, long end, LongBinaryOperator sink) throws Errno {
        return scanIoctl(start, end, true, sink);
    }

    private long scanIoctl(long start, long end, boolean anonOnly, LongBinaryOperator sink) throws Errno {
        long pages = 0;
        long pos = start;
        long runS = -1, runE = -1;
        do {
            arg.setLong(0, ARG_SIZE);
            arg.setLong(8, 0);
            arg.setLong(16, pos);
            arg.setLong(24, end);
            arg.setLong(32, 0);
            arg.setLong(40, com.sun.jna.Pointer.nativeValue(vec));
            arg.setLong(48, NREGIONS);
            arg.setLong(56, 0);
            long mask = PAGE_IS_PFNZERO | (anonOnly ? PAGE_IS_FILE : 0);
            arg.setLong(64, mask); // inverted: these must be absent
            arg.setLong(72, mask);
            arg.setLong(80, PAGE_IS_PRESENT | PAGE_IS_SWAPPED);
            arg.setLong(88, PAGE_IS_PRESENT | PAGE_IS_SWAPPED);
            int n;
            try {
                n = LibC.ioctl(fd, PAGEMAP_SCAN, arg);
            } catch (LastErrorException e) {
                throw new Errno("ioctl(PAGEMAP_SCAN)", e.getErrorCode());
            }
            for (int i = 0; i < n; i++) {
                long s = vec.getLong((long) i * REGION_SIZE);
                long e = vec.getLong((long) i * REGION_SIZE + 8);
                pages += (e - s) >>> 12;
                if (s == runE) {
                    runE = e;
                } else {
                    if (runS >= 0) sink.applyAsLong(runS, runE);
                    runS = s;
                    runE = e;
                }
            }
            long walkEnd = arg.getLong(32);
            if (walkEnd <= pos && n == 0) break;
            pos = walkEnd;
        } while (pos < end);
        if (runS >= 0) sink.applyAsLong(runS, runE);
        return pages;
    }

    private long scanEntries(long start, long end, boolean anonOnly, LongBinaryOperator sink) throws IOException {
        long npages = (end - start) >>> 12;
        long pages = 0;
        long runS = -1, runE = -1;
        int chunk = 64 * 1024;
        if (entries == null) entries = ByteBuffer.allocateDirect(chunk * 8).order(ByteOrder.nativeOrder());
        try (FileChannel ch = FileChannel.open(Path.of("/proc/" + pid + "/pagemap"), StandardOpenOption.READ)) {
            for (long done = 0; done < npages; ) {
                int n = (int) Math.min(chunk, npages - done);
                entries.clear().limit(n * 8);
                long off = ((start >>> 12) + done) * 8;
                while (entries.hasRemaining()) {
                    int r = ch.read(entries, off + entries.position());
                    if (r <= 0) throw new IOException("short read of /proc/" + pid + "/pagemap");
                }
                for (int i = 0; i < n; i++) {
                    long pme = entries.getLong(i * 8);
                    boolean present = (pme & (1L << 63)) != 0, swapped = (pme & (1L << 62)) != 0;
                    boolean file = (pme & (1L << 61)) != 0;
                    if (!(present || swapped) || (anonOnly && file)) continue;
                    long a = start + ((done + i) << 12);
                    pages++;
                    if (a == runE) {
                        runE = a + 4096;
                    } else {
                        if (runS >= 0) sink.applyAsLong(runS, runE);
                        runS = a;
                        runE = a + 4096;
                    }
                }
                done += n;
            }
        }
        if (runS >= 0) sink.applyAsLong(runS, runE);
        return pages;
    }

    @Override
    public void close() {
        new Fd(fd).close();
    }
}
