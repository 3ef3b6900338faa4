package org.jcriu.bench;

/**
 * One dump + restore of one victim by one tool. Times in microseconds; -1
 * where the tool did not report the figure.
 */
record Sample(long dumpWallUs, long frozenUs, long memdumpUs, long memwriteUs, long pagesWritten,
              long imageBytes, long restoreWallUs, long runAgainUs) {

    /** Dump throughput: bytes of pages written per second of dump wall time, in GB/s. */
    double dumpGBps() {
        return pagesWritten <= 0 ? -1 : pagesWritten * 4096.0 / (dumpWallUs * 1e3);
    }

    /** Restore throughput: image bytes per second of restore wall time, in GB/s. */
    double restoreGBps() {
        return pagesWritten <= 0 ? -1 : pagesWritten * 4096.0 / (restoreWallUs * 1e3);
    }
}
