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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill-mode page path (pages pinned in pipes while frozen, written after the kill)
 * writes the same pages-N.img as the copying path (process_vm_readv, kept for measuring),
 * PROT_NONE pages included, and its stats count the write after the kill.
 */
class PinnedPagesTest {
    @TempDir Path dir;

    /**
     * Both ways of pinning on 80 MiB (more than one pipe and request, both drain threads):
     * through compel's parasite, and by one remote vmsplice per pipe.
     */
    @ParameterizedTest
    @ValueSource(strings = {"parasite", "remote"})
    void killModeWritesWhatTheCopyingPathWrites(String way) throws Exception {
        int mib = 80;
        try (Victim v = Victim.start("pinned", Integer.toString(mib))) {
            Path copied = dir.resolve("copied"), pinned = dir.resolve("pinned");
            dumpCopying(v.pid, copied);
            assertTrue(v.alive(), "--leave-running must leave the task running");
            DumpStats s = dumpPinned(v.pid, pinned, way);
            assertTrue(v.awaitGone(5000), "the dumped task must be killed");

            assertSamePages(copied, pinned, v.pid, mib);
            assertTrue(s.memwriteTime > 0, "the write after the kill is memwrite");
            assertTrue(s.pagePipeBufs >= 1);
            assertTrue(Files.exists(pinned.resolve("inventory.img")));
            assertFalse(Files.exists(pinned.resolve("inventory.img.part")));
            Images.critDecodesAll(pinned);
        }
    }

    /**
     * With fewer pipes allowed than the pages need (our fd limit, here forced to 4 pipes), the
     * pinning writes full pipes itself and takes them again: the same pages, both ways.
     */
    @ParameterizedTest
    @ValueSource(strings = {"parasite", "remote"})
    void fourPipesStillPinEverything(String way) throws Exception {
        int mib = 80;
        try (Victim v = Victim.start("pinned", Integer.toString(mib))) {
            Path copied = dir.resolve("copied"), pinned = dir.resolve("pinned");
            dumpCopying(v.pid, copied);
            System.setProperty("jcriu.pin.maxPipes", "4");
            try {
                dumpPinned(v.pid, pinned, way);
            } finally {
                System.clearProperty("jcriu.pin.maxPipes");
            }
            assertTrue(v.awaitGone(5000), "the dumped task must be killed");
            assertSamePages(copied, pinned, v.pid, mib);
        }
    }

    @Test
    void failureWhilePinningThroughTheParasiteLeavesTheTaskAsItWas() throws Exception {
        // a failure after the parasite's first request: its pipes filled, the parasite in the task
        try (Victim v = Victim.start("pinned", "80")) {
            String maps = Files.readString(Path.of("/proc/" + v.pid + "/maps"));
            List<String> fds = fds(v.pid);
            System.setProperty("jcriu.dump.fault", "pin");
            try {
                DumpException e = assertThrows(DumpException.class, () -> dumpPinned(v.pid, dir, "parasite"));
                assertTrue(e.getMessage().contains("pin"), e.getMessage());
            } finally {
                System.clearProperty("jcriu.dump.fault");
            }
            assertTrue(v.alive(), "a failed dump leaves the task alive");
            assertFalse(v.traced(), "detached after a failure");
            assertEquals(maps, Files.readString(Path.of("/proc/" + v.pid + "/maps")), "the parasite's area is gone");
            assertEquals(fds, fds(v.pid), "no pipe or socket of the parasite left in the task");
            assertFalse(Files.exists(dir.resolve("inventory.img")));
            // and it can be dumped after that, the same pages as a copying dump
            Dumper.dump(DumpOptions.of(v.pid, dir.resolve("again")));
            assertTrue(v.awaitGone(5000));
            int ia = area(Files.readAllBytes(pages(dir.resolve("again"), v.pid)), 80);
            assertTrue(ia >= 0);
        }
    }

    /** A --leave-running dump through the copying path (process_vm_readv), the reference. */
    private static void dumpCopying(int pid, Path images) throws DumpException {
        System.setProperty("jcriu.pages.writer", "copy");
        try {
            Dumper.dump(DumpOptions.of(pid, images).leaveRunning(true));
        } finally {
            System.clearProperty("jcriu.pages.writer");
        }
    }

    /**
     * The victim's area page by page, the PROT_NONE holes included, byte for byte the same in
     * both dumps (outside it, rseq's cpu_id may change between the two).
     */
    private static void assertSamePages(Path copied, Path pinned, int pid, int mib) throws Exception {
        byte[] a = Files.readAllBytes(pages(copied, pid)), b = Files.readAllBytes(pages(pinned, pid));
        assertEquals(a.length, b.length);
        int ia = area(a, mib), ib = area(b, mib);
        assertArrayEquals(java.util.Arrays.copyOfRange(a, ia, ia + (mib << 20)),
                java.util.Arrays.copyOfRange(b, ib, ib + (mib << 20)), "both paths must write the same pages");
    }

    /** A kill-mode dump that pins the pages the given way ("parasite" whatever the size, or "remote"). */
    private static DumpStats dumpPinned(int pid, Path images, String way) throws DumpException {
        String key = way.equals("parasite") ? "jcriu.pin.parasite.min" : "jcriu.pin.parasite";
        System.setProperty(key, "0");
        try {
            return Dumper.dump(DumpOptions.of(pid, images));
        } finally {
            System.clearProperty(key);
        }
    }

    private static List<String> fds(int pid) throws Exception {
        try (java.util.stream.Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return s.map(p -> {
                try {
                    return p.getFileName() + " " + Files.readSymbolicLink(p);
                } catch (java.io.IOException e) {
                    return p.getFileName() + " ?";
                }
            }).sorted().toList();
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

    /** Offset of the MIB MiB area (page i holds i + 1) in pages-N.img; asserts it is whole and in order. */
    private static int area(byte[] b, int mib) {
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
        assertEquals(mib * 256, best, "the area must be saved in order, the PROT_NONE holes too");
        return bestStart;
    }

    private static Path pages(Path d, int pid) throws Exception {
        List<byte[]> pm = Images.entries(d.resolve("pagemap-" + pid + ".img"));
        return d.resolve("pages-" + PagemapHead.parseFrom(pm.get(0)).getPagesId() + ".img");
    }
}
