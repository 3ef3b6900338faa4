package org.jcriu.images;

/**
 * One pagemap entry: {@code nrPages} pages from {@code vaddr}, with
 * {@link Pagemap} flags, and where their data lies in pages-N.img.
 *
 * @param vaddr start address (page aligned)
 * @param nrPages number of pages
 * @param flags PE_PARENT / PE_LAZY / PE_PRESENT
 * @param pagesOffset byte offset of the data in pages-N.img, or -1 when the
 *        run is not {@link Pagemap#PE_PRESENT}
 */
public record PageRun(long vaddr, long nrPages, int flags, long pagesOffset) {
    /** @return true if the data is in this dump's pages file */
    public boolean present() {
        return (flags & Pagemap.PE_PRESENT) != 0;
    }

    /** @return true if the pages are in the parent dump */
    public boolean inParent() {
        return (flags & Pagemap.PE_PARENT) != 0;
    }

    /** @return true if the pages may be restored lazily */
    public boolean lazy() {
        return (flags & Pagemap.PE_LAZY) != 0;
    }

    /** @return the run's length in bytes */
    public long bytes() {
        return nrPages * Pagemap.PAGE_SIZE;
    }

    /** @return the first address past the run */
    public long end() {
        return vaddr + bytes();
    }
}
