package org.jcriu.images;

import com.google.protobuf.Message;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jcriu.images.proto.PagemapEntry;
import org.jcriu.images.proto.PagemapHead;

/**
 * Reads a pagemap image and gives access to the page data in its
 * pages-N.img without loading it into the Java heap: runs are described by
 * {@link PageRun}s (small, all read at open), data is reached by positional
 * reads into caller buffers (direct ones welcome) or
 * {@link FileChannel#transferTo}.
 *
 * <pre>{@code
 * try (PagemapReader pm = PagemapReader.open(dir, ImageType.PAGEMAP, pid)) {
 *     for (PageRun run : pm.runs()) {
 *         if (run.present()) pm.transferTo(run, targetChannel);
 *     }
 *     PagemapReader.Pages it = pm.pages();       // page by page
 *     while (it.next()) { it.read(directPage); }
 * }
 * }</pre>
 */
public final class PagemapReader implements Closeable {
    private final int pagesId;
    private final List<PageRun> runs;
    private final FileChannel pages;
    private final Path pagesPath;
    private final long pagesSize;

    private PagemapReader(int pagesId, List<PageRun> runs, FileChannel pages, Path pagesPath, long pagesSize) {
        this.pagesId = pagesId;
        this.runs = runs;
        this.pages = pages;
        this.pagesPath = pagesPath;
        this.pagesSize = pagesSize;
    }

    /**
     * Opens {@code dir/pagemap-ID.img} (or pagemap-shmem-ID.img) and the
     * pages file its head names.
     *
     * @throws ImageException on any problem with either file, or if the
     *         pages file is shorter than the present runs need
     */
    public static PagemapReader open(Path dir, ImageType kind, long id) throws ImageException {
        return open(dir.resolve(kind.fileName(id)), dir);
    }

    /**
     * Opens a pagemap file; its pages-N.img is looked for in {@code pagesDir}.
     */
    public static PagemapReader open(Path pagemapFile, Path pagesDir) throws ImageException {
        int pagesId;
        List<PageRun> runs = new ArrayList<>();
        long offset = 0;
        try (ImageReader r = ImageReader.open(pagemapFile)) {
            if (r.type() != ImageType.PAGEMAP) {
                throw new ImageException(pagemapFile.toString(), 4, "not a pagemap image but " + r.type().critName());
            }
            Message head = r.next();
            if (head == null) {
                throw new ImageException(pagemapFile.toString(), r.position(), "no pagemap head");
            }
            pagesId = ((PagemapHead) head).getPagesId();
            Message m;
            while ((m = r.next()) != null) {
                PagemapEntry e = (PagemapEntry) m;
                long n = nrPages(e);
                int flags = flags(e);
                if (n < 0 || n > (1L << 40)) {
                    throw new ImageException(pagemapFile.toString(), r.entryOffset(), "absurd page count " + Long.toUnsignedString(n));
                }
                boolean present = (flags & Pagemap.PE_PRESENT) != 0;
                runs.add(new PageRun(e.getVaddr(), n, flags, present ? offset : -1));
                if (present) {
                    offset += n * Pagemap.PAGE_SIZE;
                }
            }
        }
        Path pp = pagesDir.resolve(ImageType.PAGES.fileName(pagesId & 0xffffffffL));
        FileChannel fc;
        long size;
        try {
            fc = FileChannel.open(pp, StandardOpenOption.READ);
            size = fc.size();
        } catch (NoSuchFileException e) {
            throw new ImageException(pp.toString(), -1, "no such file (named by " + pagemapFile.getFileName() + ")");
        } catch (IOException e) {
            throw new ImageException(pp.toString(), -1, "cannot open: " + e, e);
        }
        if (size < offset) {
            try {
                fc.close();
            } catch (IOException ignored) {
                // the size problem is the one to report
            }
            throw new ImageException(pp.toString(), size, "pages file is " + size + " bytes, the pagemap needs " + offset);
        }
        return new PagemapReader(pagesId, Collections.unmodifiableList(runs), fc, pp, size);
    }

    /** @return the page count of an entry: 64-bit nr_pages (CRIU 4.x) or else compat_nr_pages */
    public static long nrPages(PagemapEntry e) {
        return e.hasNrPages() ? e.getNrPages() : e.getCompatNrPages() & 0xffffffffL;
    }

    /** @return the flags of an entry, with the legacy in_parent field folded in as PE_PARENT */
    public static int flags(PagemapEntry e) {
        int f = e.hasFlags() ? e.getFlags() : Pagemap.PE_PRESENT;
        if (e.getInParent()) {
            f = (f & ~Pagemap.PE_PRESENT) | Pagemap.PE_PARENT;
        }
        return f;
    }

    /** @return the N of pages-N.img */
    public int pagesId() {
        return pagesId;
    }

    /** @return the runs, in file order */
    public List<PageRun> runs() {
        return runs;
    }

    /** @return the pages file, for positional reads (e.g. preadv by a restorer) */
    public FileChannel pagesChannel() {
        return pages;
    }

    /** @return the path of pages-N.img */
    public Path pagesPath() {
        return pagesPath;
    }

    /** @return total pages over all runs with PE_PRESENT */
    public long presentPages() {
        long n = 0;
        for (PageRun r : runs) {
            if (r.present()) {
                n += r.nrPages();
            }
        }
        return n;
    }

    /** Copies a present run's data to {@code out} in the kernel (transferTo). */
    public void transferTo(PageRun run, WritableByteChannel out) throws ImageException {
        requirePresent(run);
        long done = 0;
        try {
            while (done < run.bytes()) {
                long n = pages.transferTo(run.pagesOffset() + done, run.bytes() - done, out);
                if (n <= 0) {
                    throw new ImageException(pagesPath.toString(), run.pagesOffset() + done, "short transfer");
                }
                done += n;
            }
        } catch (IOException e) {
            if (e instanceof ImageException) {
                throw (ImageException) e;
            }
            throw new ImageException(pagesPath.toString(), run.pagesOffset() + done, "transfer failed: " + e, e);
        }
    }

    /**
     * Reads {@code dst.remaining()} bytes of a present run, starting
     * {@code offsetInRun} bytes into it.
     */
    public void read(PageRun run, long offsetInRun, ByteBuffer dst) throws ImageException {
        requirePresent(run);
        if (offsetInRun < 0 || offsetInRun + dst.remaining() > run.bytes()) {
            throw new IllegalArgumentException("read outside the run");
        }
        readAt(dst, run.pagesOffset() + offsetInRun);
    }

    private void readAt(ByteBuffer dst, long at) throws ImageException {
        long p = at;
        try {
            while (dst.hasRemaining()) {
                int n = pages.read(dst, p);
                if (n < 0) {
                    throw new ImageException(pagesPath.toString(), p, "unexpected end of file");
                }
                p += n;
            }
        } catch (IOException e) {
            if (e instanceof ImageException) {
                throw (ImageException) e;
            }
            throw new ImageException(pagesPath.toString(), p, "read failed: " + e, e);
        }
    }

    private void requirePresent(PageRun run) {
        if (!run.present()) {
            throw new IllegalArgumentException("run at 0x" + Long.toHexString(run.vaddr()) + " has no data here");
        }
    }

    /** @return an iterator over every present page, in file order */
    public Pages pages() {
        return new Pages();
    }

    /**
     * Walks present pages one at a time. Holds only positions: call
     * {@link #read(ByteBuffer)} or {@link #transferTo(WritableByteChannel)}
     * to move the current page's data.
     */
    public final class Pages {
        private int run = -1;
        private long page;
        private PageRun cur;

        private Pages() {
        }

        /** Advances to the next present page; false at the end. */
        public boolean next() {
            if (cur != null && ++page < cur.nrPages()) {
                return true;
            }
            while (++run < runs.size()) {
                PageRun r = runs.get(run);
                if (r.present() && r.nrPages() > 0) {
                    cur = r;
                    page = 0;
                    return true;
                }
            }
            cur = null;
            return false;
        }

        /** @return the current page's address */
        public long vaddr() {
            return cur.vaddr() + page * Pagemap.PAGE_SIZE;
        }

        /** @return the current page's offset in pages-N.img */
        public long pagesOffset() {
            return cur.pagesOffset() + page * Pagemap.PAGE_SIZE;
        }

        /** @return the run holding the current page */
        public PageRun run() {
            return cur;
        }

        /** Reads the current page into {@code dst} (4096 bytes remaining required). */
        public void read(ByteBuffer dst) throws ImageException {
            if (dst.remaining() < Pagemap.PAGE_SIZE) {
                throw new IllegalArgumentException("need " + Pagemap.PAGE_SIZE + " bytes of room");
            }
            ByteBuffer d = dst.duplicate();
            d.limit(d.position() + Pagemap.PAGE_SIZE);
            readAt(d, pagesOffset());
            dst.position(dst.position() + Pagemap.PAGE_SIZE);
        }

        /** Copies the current page to {@code out} in the kernel. */
        public void transferTo(WritableByteChannel out) throws ImageException {
            long done = 0;
            try {
                while (done < Pagemap.PAGE_SIZE) {
                    long n = pages.transferTo(pagesOffset() + done, Pagemap.PAGE_SIZE - done, out);
                    if (n <= 0) {
                        throw new ImageException(pagesPath.toString(), pagesOffset() + done, "short transfer");
                    }
                    done += n;
                }
            } catch (IOException e) {
                if (e instanceof ImageException) {
                    throw (ImageException) e;
                }
                throw new ImageException(pagesPath.toString(), pagesOffset(), "transfer failed: " + e, e);
            }
        }
    }

    /** Closes the pages file; safe to call twice. */
    @Override
    public void close() {
        try {
            pages.close();
        } catch (IOException ignored) {
            // read-only file: nothing lost
        }
    }

    /** @return the size of the pages file */
    public long pagesSize() {
        return pagesSize;
    }
}
