package org.jcriu.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jcriu.images.ImageException;
import org.jcriu.images.ImageReader;
import org.jcriu.images.ImageType;
import org.jcriu.images.proto.DumpStatsEntry;
import org.jcriu.images.proto.RestoreStatsEntry;
import org.jcriu.images.proto.StatsEntry;

/** Reads stats-dump and stats-restore, as both criu implementations write them. */
final class Stats {
    private Stats() {
    }

    static DumpStatsEntry dump(Path dir) throws ImageException {
        StatsEntry e = read(dir, "dump");
        return e != null && e.hasDump() ? e.getDump() : null;
    }

    static RestoreStatsEntry restore(Path dir) throws ImageException {
        StatsEntry e = read(dir, "restore");
        return e != null && e.hasRestore() ? e.getRestore() : null;
    }

    private static StatsEntry read(Path dir, String name) throws ImageException {
        Path f = dir.resolve(ImageType.STATS.fileName(name));
        if (!Files.exists(f)) return null;
        try (ImageReader r = ImageReader.open(f, ImageType.STATS)) {
            return r.hasNext() ? (StatsEntry) r.next() : null;
        }
    }
}
