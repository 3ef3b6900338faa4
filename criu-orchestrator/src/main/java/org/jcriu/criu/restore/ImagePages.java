package org.jcriu.criu.restore;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * pages-N.img files mapped read-only into the restorer, to compare a child's
 * saved pages with its parent's without copying them: a window of each file
 * is mapped at a time (files may be larger than one buffer can address), and
 * pages are compared in place (off the Java heap).
 */
final class ImagePages implements AutoCloseable {
    private static final long WINDOW = 256L << 20;

    private final Path dir;
    private final Map<Long, FileChannel> files = new HashMap<>();
    private final Map<Long, MappedByteBuffer> windows = new HashMap<>();
    private final Map<Long, Long> windowStart = new HashMap<>();

    ImagePages(Path dir) {
        this.dir = dir;
    }

    /** Whether the 4 KiB page at offset a of pages-ida.img equals the one at b of pages-idb.img. */
    boolean samePage(long ida, long a, long idb, long b) throws RestoreException {
        MappedByteBuffer wa = window(ida, a);
        int pa = (int) (a - windowStart.get(ida));
        MappedByteBuffer wb = window(idb, b);
        int pb = (int) (b - windowStart.get(idb));
        return wa.slice(pa, 4096).mismatch(wb.slice(pb, 4096)) < 0;
    }

    private MappedByteBuffer window(long id, long off) throws RestoreException {
        Long start = windowStart.get(id);
        if (start != null && off >= start && off + 4096 <= start + windows.get(id).capacity()) return windows.get(id);
        try {
            FileChannel fc = files.get(id);
            if (fc == null) {
                fc = FileChannel.open(dir.resolve("pages-" + id + ".img"), StandardOpenOption.READ);
                files.put(id, fc);
            }
            long s = off & ~(WINDOW - 1);
            long len = Math.min(WINDOW, fc.size() - s);
            if (off + 4096 > s + len) throw new RestoreException("image " + dir.resolve("pages-" + id + ".img") + " is truncated at offset " + off);
            MappedByteBuffer w = fc.map(FileChannel.MapMode.READ_ONLY, s, len);
            windows.put(id, w);
            windowStart.put(id, s);
            return w;
        } catch (IOException e) {
            throw new RestoreException("cannot read " + dir.resolve("pages-" + id + ".img") + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        for (FileChannel fc : files.values()) {
            try {
                fc.close();
            } catch (IOException ignored) {
                // read-only: nothing to lose
            }
        }
        files.clear();
        windows.clear();
        windowStart.clear();
    }
}
