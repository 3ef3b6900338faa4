package org.jcriu.criu.restore;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes stats-restore as CRIU does: IMG_SERVICE and STATS magics, one
 * stats_entry whose field 2 is a restore_stats_entry (pages_compared 1,
 * pages_skipped_cow 2, forking_time 3, restore_time 4 in microseconds,
 * pages_restored 5).
 */
public final class RestoreStats {
    private RestoreStats() {}

    public static void write(Path dir, Restorer.Result r) throws IOException {
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        CodedOutputStream c = CodedOutputStream.newInstance(inner);
        c.writeUInt64(1, 0);
        c.writeUInt64(2, 0);
        c.writeUInt32(3, (int) (r.forkingNanos() / 1000));
        c.writeUInt32(4, (int) (r.restoreNanos() / 1000));
        c.writeUInt64(5, r.pagesRestored());
        c.flush();
        ByteArrayOutputStream outer = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(outer);
        o.writeByteArray(2, inner.toByteArray());
        o.flush();
        byte[] body = outer.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(12 + body.length).order(ByteOrder.nativeOrder());
        b.putInt(Images.IMG_SERVICE).putInt(Images.STATS).putInt(body.length).put(body);
        Files.write(dir.resolve("stats-restore"), b.array());
    }
}
