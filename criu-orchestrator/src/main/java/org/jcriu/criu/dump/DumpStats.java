package org.jcriu.criu.dump;

/**
 * The figures of one dump, CRIU's stats-dump fields (times in microseconds).
 */
public final class DumpStats {
    /** From the first seize to the last thread stopped. */ public long freezingTime;
    /** From the first seize to the tree's kill or resume. */ public long frozenTime;
    /** Finding pages and copying them out of the tasks. */ public long memdumpTime;
    /** Writing pages to the images. */ public long memwriteTime;
    /** Pages of private areas looked at. */ public long pagesScanned;
    /** Pages written to pages-N.img. */ public long pagesWritten;
    /** Pages marked lazy (restorable on demand). */ public long pagesLazy;
    /** Shared-memory pages looked at. */ public long shpagesScanned;
    /** Shared-memory pages written. */ public long shpagesWritten;
    /** Page buffers used (one per chunk written). */ public long pagePipeBufs;
    /** Wall time of the whole dump, microseconds (not in the image). */ public long wallTime;

    @Override
    public String toString() {
        return String.format("freezing %d us, frozen %d us, memdump %d us, memwrite %d us, pages scanned %d, written %d",
                freezingTime, frozenTime, memdumpTime, memwriteTime, pagesScanned, pagesWritten);
    }
}
