package org.jcriu.criu.dump;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jcriu.criu.testing.Victim;
import org.jcriu.images.proto.CoreEntry;
import org.jcriu.images.proto.PagemapEntry;
import org.jcriu.images.proto.PagemapHead;
import org.jcriu.images.proto.PstreeEntry;
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
            // the 80 MiB area page by page, the PROT_NONE holes included, and byte for byte the
            // same in both (outside it, rseq's cpu_id may change between the two dumps)
            int ia = area(a), ib = area(b);
            assertArrayEquals(java.util.Arrays.copyOfRange(a, ia, ia + (80 << 20)),
                    java.util.Arrays.copyOfRange(b, ib, ib + (80 << 20)), "both paths must write the same pages");
            assertTrue(s.memwriteTime > 0, "the write after the kill is memwrite");
            assertTrue(s.pagePipeBufs >= 1);
            assertTrue(Files.exists(pinned.resolve("inventory.img")));
            assertFalse(Files.exists(pinned.resolve("inventory.img.part")));
            Images.critDecodesAll(pinned);
        }
    }

    @Test
    void threadsKeepTheirTidWordInTheImage() throws Exception {
        // a dying thread's kernel writes 0 at its clear_child_tid address (glibc's tid word,
        // which pthread_join waits on); the pinned pages are the task's own, so the dump
        // must stop that write before the kill, or restored threads read tid 0
        try (Victim v = Victim.start("threads", "4")) {
            Dumper.dump(DumpOptions.of(v.pid, dir));
            assertTrue(v.awaitGone(5000));
            List<byte[]> pm = Images.entries(dir.resolve("pagemap-" + v.pid + ".img"));
            PstreeEntry ps = PstreeEntry.parseFrom(Images.entries(dir.resolve("pstree.img")).get(0));
            byte[] pagesBytes = Files.readAllBytes(pages(dir, v.pid));
            int checked = 0;
            for (int tid : ps.getThreadsList()) {
                if (tid == v.pid) continue;
                CoreEntry core = CoreEntry.parseFrom(Images.entries(dir.resolve("core-" + tid + ".img")).get(0));
                long addr = core.getThreadInfo().getClearTidAddr();
                long off = 0;
                for (byte[] e : pm.subList(1, pm.size())) {
                    PagemapEntry pe = PagemapEntry.parseFrom(e);
                    long len = pe.getNrPages() * 4096;
                    if (addr >= pe.getVaddr() && addr < pe.getVaddr() + len) {
                        int word = ByteBuffer.wrap(pagesBytes).order(ByteOrder.nativeOrder())
                                .getInt((int) (off + addr - pe.getVaddr()));
                        assertEquals(tid, word, "thread " + tid + ": its tid word in pages-N.img");
                        checked++;
                        break;
                    }
                    off += len;
                }
            }
            assertEquals(3, checked, "the three non-leader threads' tid words are saved");
        }
    }

    /** Offset of the 80 MiB area (page i holds i + 1) in pages-N.img; asserts it is whole and in order. */
    private static int area(byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
        int run = 0, best = 0, start = -1, bestStart = -1;
        long prev = 0;
        for (int off = 0; off < b.length; off += 4096) {
            long x = buf.getLong(off);
            if (x == prev + 1 && run > 0) {
                run++;
            } else if (x == 1) {
                run = 1;
                start = off;
            } else {
                run = 0;
            }
            prev = x;
            if (run > best) {
                best = run;
                bestStart = start;
            }
        }
        assertEquals(80 * 256, best, "the area must be saved in order, the PROT_NONE holes too");
        return bestStart;
    }

    private static Path pages(Path d, int pid) throws Exception {
        List<byte[]> pm = Images.entries(d.resolve("pagemap-" + pid + ".img"));
        return d.resolve("pages-" + PagemapHead.parseFrom(pm.get(0)).getPagesId() + ".img");
    }
}
