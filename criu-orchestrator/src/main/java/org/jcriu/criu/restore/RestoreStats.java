package org.jcriu.criu.restore;

import java.io.IOException;
import java.nio.file.Path;
import org.jcriu.images.ImageType;
import org.jcriu.images.ImageWriter;
import org.jcriu.images.proto.RestoreStatsEntry;
import org.jcriu.images.proto.StatsEntry;

/**
 * Writes stats-restore as CRIU does: one stats_entry holding a
 * restore_stats_entry (times in microseconds), through the images module's
 * writer and generated classes.
 */
public final class RestoreStats {
    private RestoreStats() {}

    public static void write(Path dir, Restorer.Result r) throws IOException {
        RestoreStatsEntry rs = RestoreStatsEntry.newBuilder()
                .setPagesCompared(r.pagesCompared())
                .setPagesSkippedCow(r.pagesSkippedCow())
                .setForkingTime((int) (r.forkingNanos() / 1000))
                .setRestoreTime((int) (r.restoreNanos() / 1000))
                .setPagesRestored(r.pagesRestored())
                .build();
        try (ImageWriter o = ImageWriter.create(dir.resolve("stats-restore"), ImageType.STATS)) {
            o.write(StatsEntry.newBuilder().setRestore(rs).build());
        }
    }
}
