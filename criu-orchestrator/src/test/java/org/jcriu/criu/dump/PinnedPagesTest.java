package org.jcriu.criu.dump;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jcriu.criu.testing.Victim;
import org.jcriu.images.proto.PagemapHead;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill-mode page path (pages pinned in pipes while frozen, written after the kill)
 * writes the same pages-N.img as the copying path of --leave-running, PROT_NONE pages
 * included, and its stats count the write after the kill.
 */
class PinnedPagesTest {
    @TempDir Path dir;

    @Test
    void killModeWritesWhatLeaveRunningCopies() throws Exception {
        // 80 MiB: more than one pipe and both drain threads
        try (Victim v = Victim.start("pinned", "80")) {
            Path copied = dir.resolve("copied"), pinned = dir.resolve("pinned");
            Dumper.dump(DumpOptions.of(v.pid, copied).leaveRunning(true));
            assertTrue(v.alive(), "--leave-running must leave the task running");
            DumpStats s = Dumper.dump(DumpOptions.of(v.pid, pinned));
            assertTrue(v.awaitGone(5000), "the dumped task must be killed");

            byte[] a = Files.readAllBytes(pages(copied, v.pid)), b = Files.readAllBytes(pages(pinned, v.pid));
            assertEquals(a.length, b.length);
            assertArrayEquals(a, b, "both paths must write the same pages");
            // the 80 MiB area page by page, the 4 PROT_NONE pages in the middle included
            ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
            int run = 0, best = 0;
            long prev = 0;
            for (int off = 0; off < b.length; off += 4096) {
                long x = buf.getLong(off);
                run = (x == prev + 1) ? run + 1 : (x == 1 ? 1 : 0);
                prev = x;
                best = Math.max(best, run);
            }
            assertEquals(80 * 256, best, "the area must be saved in order, PROT_NONE pages too");
            assertTrue(s.memwriteTime > 0, "the write after the kill is memwrite");
            assertTrue(s.pagePipeBufs >= 1);
            assertTrue(Files.exists(pinned.resolve("inventory.img")));
            assertFalse(Files.exists(pinned.resolve("inventory.img.part")));
            Images.critDecodesAll(pinned);
        }
    }

    private static Path pages(Path d, int pid) throws Exception {
        List<byte[]> pm = Images.entries(d.resolve("pagemap-" + pid + ".img"));
        return d.resolve("pages-" + PagemapHead.parseFrom(pm.get(0)).getPagesId() + ".img");
    }
}
