package org.jcriu.images;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jcriu.images.proto.PagemapEntry;
import org.jcriu.images.proto.PagemapHead;

/**
 * Writes a pagemap image and its pages-N.img together.
 *
 * <pre>{@code
 * try (PagemapWriter pw = PagemapWriter.create(dir, ImageType.PAGEMAP, pid, pagesId)) {
 *     pw.addPresent(vaddr, directBufferOfPages);           // copied by the kernel
 *     pw.addParent(vaddr2, 16);                            // data in the parent dump
 *     // or: splice/vmsplice pages into pw.pagesChannel() yourself, then
 *     pw.addWritten(vaddr3, nrPages, Pagemap.PE_PRESENT);
 * }
 * }</pre>
 *
 * Entries are written as CRIU 4.x does: the page count in the 64-bit
 * {@code nr_pages} field, {@code compat_nr_pages} 0. Runs must be added in
 * ascending address order. Page data never passes through the Java heap
 * unless the caller hands in a heap buffer.
 */
public final class PagemapWriter implements Closeable {
    private final ImageWriter map;
    private final FileChannel pages;
    private final Path pagesPath;
    private long pagesEnd;
    private long lastEnd = Long.MIN_VALUE;
    private boolean closed;

    private PagemapWriter(ImageWriter map, FileChannel pages, Path pagesPath) {
        this.map = map;
        this.pages = pages;
        this.pagesPath = pagesPath;
    }

    /**
     * Creates {@code dir/pagemap-ID.img} (or pagemap-shmem-ID.img) and
     * {@code dir/pages-PAGESID.img}.
     *
     * @param kind {@link ImageType#PAGEMAP} or {@link ImageType#SHMEM_PAGEMAP}
     * @param id pid (or shmid)
     * @param pagesId the N of pages-N.img, recorded in the head
     */
    public static PagemapWriter create(Path dir, ImageType kind, long id, int pagesId) throws ImageException {
        if (kind != ImageType.PAGEMAP && kind != ImageType.SHMEM_PAGEMAP) {
            throw new IllegalArgumentException("not a pagemap kind: " + kind);
        }
        Path pp = dir.resolve(ImageType.PAGES.fileName(pagesId));
        FileChannel fc;
        try {
            fc = FileChannel.open(pp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new ImageException(pp.toString(), -1, "cannot create: " + e, e);
        }
        ImageWriter w;
        try {
            w = ImageWriter.create(dir.resolve(kind.fileName(id)), kind);
            w.write(PagemapHead.newBuilder().setPagesId(pagesId).build());
        } catch (ImageException e) {
            try {
                fc.close();
            } catch (IOException ignored) {
                // reported below
            }
            throw e;
        }
        return new PagemapWriter(w, fc, pp);
    }

    /** @return the pages file, for callers that splice page data into it themselves */
    public FileChannel pagesChannel() {
        return pages;
    }

    /** @return the path of pages-N.img */
    public Path pagesPath() {
        return pagesPath;
    }

    /** @return bytes of page data recorded so far */
    public long pagesBytes() {
        return pagesEnd;
    }

    private void entry(long vaddr, long nrPages, int flags) throws ImageException {
        if ((vaddr & (Pagemap.PAGE_SIZE - 1)) != 0 || nrPages <= 0) {
            throw new IllegalArgumentException("bad run 0x" + Long.toHexString(vaddr) + " x " + nrPages);
        }
        if (Long.compareUnsigned(vaddr, lastEnd) < 0 && lastEnd != Long.MIN_VALUE) {
            throw new IllegalArgumentException("runs out of order at 0x" + Long.toHexString(vaddr));
        }
        lastEnd = vaddr + nrPages * Pagemap.PAGE_SIZE;
        map.write(PagemapEntry.newBuilder().setVaddr(vaddr).setCompatNrPages(0).setFlags(flags).setNrPages(nrPages).build());
    }

    /**
     * Records a PE_PRESENT run whose data is {@code data} (remaining bytes,
     * a multiple of the page size; consumed).
     */
    public void addPresent(long vaddr, ByteBuffer data) throws ImageException {
        add(vaddr, data, Pagemap.PE_PRESENT);
    }

    /**
     * Records a run with the given flags (which must include PE_PRESENT)
     * and appends its data to pages-N.img.
     */
    public void add(long vaddr, ByteBuffer data, int flags) throws ImageException {
        if ((flags & Pagemap.PE_PRESENT) == 0 || data.remaining() % Pagemap.PAGE_SIZE != 0) {
            throw new IllegalArgumentException("present run needs PE_PRESENT and whole pages");
        }
        long n = data.remaining() / Pagemap.PAGE_SIZE;
        try {
            while (data.hasRemaining()) {
                pagesEnd += pages.write(data, pagesEnd);
            }
        } catch (IOException e) {
            throw new ImageException(pagesPath.toString(), pagesEnd, "write failed: " + e, e);
        }
        entry(vaddr, n, flags);
    }

    /**
     * Records a PE_PRESENT run whose data the caller has already appended to
     * {@link #pagesChannel()} (e.g. by splice from a pipe).
     *
     * @throws ImageException if the pages file is not exactly that much longer
     */
    public void addWritten(long vaddr, long nrPages, int flags) throws ImageException {
        long want = pagesEnd + nrPages * Pagemap.PAGE_SIZE;
        long have;
        try {
            have = pages.size();
        } catch (IOException e) {
            throw new ImageException(pagesPath.toString(), -1, "stat failed: " + e, e);
        }
        if (have != want) {
            throw new ImageException(pagesPath.toString(), have, "pages file is " + have + " bytes, expected " + want);
        }
        pagesEnd = want;
        entry(vaddr, nrPages, flags | Pagemap.PE_PRESENT);
    }

    /** Records a run whose data is in the parent dump (PE_PARENT). */
    public void addParent(long vaddr, long nrPages) throws ImageException {
        entry(vaddr, nrPages, Pagemap.PE_PARENT);
    }

    /** Records a run with arbitrary flags and no data in this dump (e.g. PE_LAZY for a page server). */
    public void addNoData(long vaddr, long nrPages, int flags) throws ImageException {
        if ((flags & Pagemap.PE_PRESENT) != 0) {
            throw new IllegalArgumentException("PE_PRESENT needs data");
        }
        entry(vaddr, nrPages, flags);
    }

    /** Closes both files; safe to call twice. */
    @Override
    public void close() throws ImageException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            map.close();
        } finally {
            try {
                pages.close();
            } catch (IOException e) {
                throw new ImageException(pagesPath.toString(), -1, "close failed: " + e, e);
            }
        }
    }
}
