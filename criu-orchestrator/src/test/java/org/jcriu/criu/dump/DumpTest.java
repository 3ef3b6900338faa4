package org.jcriu.criu.dump;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jcriu.criu.testing.Victim;
import org.jcriu.images.proto.CoreEntry;
import org.jcriu.images.proto.FdinfoEntry;
import org.jcriu.images.proto.FileEntry;
import org.jcriu.images.proto.InventoryEntry;
import org.jcriu.images.proto.MmEntry;
import org.jcriu.images.proto.PagemapEntry;
import org.jcriu.images.proto.PagemapHead;
import org.jcriu.images.proto.PstreeEntry;
import org.jcriu.images.proto.SeccompEntry;
import org.jcriu.images.proto.SeccompMode;
import org.jcriu.images.proto.StatsEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real victims, real dumps: the images decode with ours and Debian's crit; the tree is killed or left running. */
class DumpTest {
    @TempDir Path dir;

    @Test
    void singleProcessCounter() throws Exception {
        try (Victim v = Victim.start("counter", "4")) {
            DumpStats s = Dumper.dump(DumpOptions.of(v.pid, dir));
            assertTrue(v.awaitGone(5000), "the dumped task must be killed");
            assertTrue(s.pagesWritten >= 1024, "4 MiB touched: " + s.pagesWritten);

            InventoryEntry inv = InventoryEntry.parseFrom(Images.entries(dir.resolve("inventory.img")).get(0));
            assertEquals(2, inv.getImgVersion());
            PstreeEntry ps = PstreeEntry.parseFrom(Images.entries(dir.resolve("pstree.img")).get(0));
            assertEquals(v.pid, ps.getPid());
            assertEquals(v.pid, ps.getSid());
            assertEquals(List.of(v.pid), ps.getThreadsList());
            CoreEntry core = CoreEntry.parseFrom(Images.entries(dir.resolve("core-" + v.pid + ".img")).get(0));
            assertEquals("counter", core.getTc().getComm());
            assertEquals(62, core.getTc().getSigactionsCount());
            assertEquals(16, core.getTc().getRlimits().getRlimitsCount());
            assertTrue(core.getThreadInfo().getGpregs().getIp() != 0);
            assertEquals(64, core.getThreadInfo().getFpregs().getXmmSpaceCount());
            MmEntry mm = MmEntry.parseFrom(Images.entries(dir.resolve("mm-" + v.pid + ".img")).get(0));
            assertTrue(mm.getVmasCount() > 10);
            assertTrue(mm.getMmSavedAuxvCount() > 10);
            // pagemap describes exactly the bytes of pages-N.img
            List<byte[]> pm = Images.entries(dir.resolve("pagemap-" + v.pid + ".img"));
            int pagesId = PagemapHead.parseFrom(pm.get(0)).getPagesId();
            long pages = 0;
            for (byte[] e : pm.subList(1, pm.size())) pages += PagemapEntry.parseFrom(e).getNrPages();
            assertEquals(pages * 4096, Files.size(dir.resolve("pages-" + pagesId + ".img")));
            assertEquals(s.pagesWritten, pages);
            // fds 0..2
            List<byte[]> fdi = Images.entries(dir.resolve("fdinfo-2.img"));
            assertEquals(3, fdi.size());
            assertEquals(0, FdinfoEntry.parseFrom(fdi.get(0)).getFd());
            boolean devnull = false;
            for (byte[] e : Images.entries(dir.resolve("files.img"))) {
                FileEntry f = FileEntry.parseFrom(e);
                if (f.hasReg() && f.getReg().getName().equals("/dev/null")) devnull = true;
            }
            assertTrue(devnull);
            StatsEntry st = StatsEntry.parseFrom(Images.entries(dir.resolve("stats-dump")).get(0));
            assertEquals(s.pagesWritten, st.getDump().getPagesWritten());
            Images.critDecodesAll(dir);
            assertTrue(Images.critX(dir, "ps").contains("counter"));
            assertTrue(Images.critX(dir, "fds").contains("/dev/null"));
            assertTrue(Images.critX(dir, "mems").contains("[vdso]"));
        }
    }

    @Test
    void pageContentIsTheTasksMemory() throws Exception {
        try (Victim v = Victim.start("counter", "8")) {
            Dumper.dump(DumpOptions.of(v.pid, dir));
            // counter.c writes page index + 1 at the start of each page of its 8 MiB area
            List<byte[]> pm = Images.entries(dir.resolve("pagemap-" + v.pid + ".img"));
            int pagesId = PagemapHead.parseFrom(pm.get(0)).getPagesId();
            byte[] pages = Files.readAllBytes(dir.resolve("pages-" + pagesId + ".img"));
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(pages).order(java.nio.ByteOrder.nativeOrder());
            int run = 0, best = 0;
            long prev = 0;
            for (int off = 0; off < pages.length; off += 4096) {
                long x = b.getLong(off);
                run = (x == prev + 1) ? run + 1 : (x == 1 ? 1 : 0);
                prev = x;
                best = Math.max(best, run);
            }
            assertEquals(2048, best, "the 8 MiB area must be saved page by page in order");
        }
    }

    @Test
    void leaveRunning() throws Exception {
        try (Victim v = Victim.start("counter")) {
            Dumper.dump(DumpOptions.of(v.pid, dir).leaveRunning(true));
            assertTrue(v.alive());
            assertFalse(v.traced(), "no tracer may remain");
            String before = v.output();
            Thread.sleep(300);
            assertNotEquals(before, v.output(), "the task must go on counting");
            assertTrue(Files.exists(dir.resolve("core-" + v.pid + ".img")));
        }
    }

    @Test
    void pendingSignalsPerThreadAndShared() throws Exception {
        try (Victim v = Victim.start("pending")) {
            Dumper.dump(DumpOptions.of(v.pid, dir));
            CoreEntry core = CoreEntry.parseFrom(Images.entries(dir.resolve("core-" + v.pid + ".img")).get(0));
            assertEquals(1, core.getThreadCore().getSignalsP().getSignalsCount());
            assertEquals(12, core.getThreadCore().getSignalsP().getSignals(0).getSiginfo().byteAt(0), "SIGUSR2");
            assertEquals(1, core.getTc().getSignalsS().getSignalsCount());
            assertEquals(10, core.getTc().getSignalsS().getSignals(0).getSiginfo().byteAt(0), "SIGUSR1");
            assertEquals(128, core.getTc().getSignalsS().getSignals(0).getSiginfo().size());
        }
    }

    /**
     * Two stacked filters and no_new_privs: seccomp.img holds the chain as CRIU does (newest
     * first; the core names the oldest, whose prev is the newer one), the core names the mode;
     * both crits decode it; left running, the task is as confined as before (it checks every
     * 10 ms).
     */
    @Test
    void seccompFiltersAreSaved() throws Exception {
        try (Victim v = Victim.start("seccomp_counter")) {
            Dumper.dump(DumpOptions.of(v.pid, dir).leaveRunning(true));
            SeccompEntry sc = SeccompEntry.parseFrom(Images.entries(dir.resolve("seccomp.img")).get(0));
            assertEquals(2, sc.getSeccompFiltersCount());
            assertFalse(sc.getSeccompFilters(0).hasPrev(), "the newest filter is installed last");
            assertEquals(0, sc.getSeccompFilters(1).getPrev(), "after the oldest, the newest");
            assertEquals(4 * 8, sc.getSeccompFilters(0).getFilter().size(), "4 sock_filter instructions");
            // the oldest tests getppid (110), the newest getpgid (121): the k of the JEQ at insn 1
            assertEquals(110, sc.getSeccompFilters(1).getFilter().asReadOnlyByteBuffer()
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(8 + 4));
            assertEquals(121, sc.getSeccompFilters(0).getFilter().asReadOnlyByteBuffer()
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(8 + 4));
            CoreEntry core = CoreEntry.parseFrom(Images.entries(dir.resolve("core-" + v.pid + ".img")).get(0));
            assertEquals(SeccompMode.filter, core.getThreadCore().getSeccompMode());
            assertEquals(1, core.getThreadCore().getSeccompFilter());
            assertEquals(1, core.getThreadCore().getCreds().getNoNewPrivs());
            assertEquals(50_000, core.getThreadCore().getTimerslackNs());
            Images.critDecodesAll(dir);
            assertTrue(Images.critX(dir, "ps").contains("seccomp_counter"));
            assertFalse(v.traced());
            String before = v.output();
            Thread.sleep(300);
            assertNotEquals(before, v.output(), "counting on");
            assertFalse(v.output().contains("lost"), v.output());
        }
    }

    @Test
    void fileLocksNeedTheOptionAndAreSaved() throws Exception {
        try (Victim v = Victim.start("locks")) {
            DumpException e = assertThrows(DumpException.class, () -> Dumper.dump(DumpOptions.of(v.pid, dir)));
            assertTrue(e.getMessage().contains("--file-locks"), e.getMessage());
            assertTrue(v.alive());
            Dumper.dump(DumpOptions.of(v.pid, dir).fileLocks(true).leaveRunning(true));
            List<byte[]> locks = Images.entries(dir.resolve("filelocks.img"));
            assertEquals(3, locks.size());
            java.util.Set<Integer> flags = new java.util.HashSet<>();
            for (byte[] b : locks) flags.add(org.jcriu.images.proto.FileLockEntry.parseFrom(b).getFlag());
            assertEquals(java.util.Set.of(1, 2, 1024), flags);
            Images.critDecodesAll(dir);
        }
    }

    @Test
    void inotifyWatchWithPath() throws Exception {
        try (Victim v = Victim.start("inotify_watch")) {
            Dumper.dump(DumpOptions.of(v.pid, dir));
            boolean found = false;
            for (byte[] b : Images.entries(dir.resolve("files.img"))) {
                FileEntry f = FileEntry.parseFrom(b);
                if (!f.hasIfy()) continue;
                assertEquals(1, f.getIfy().getWdCount());
                assertTrue(f.getIfy().getWd(0).getFHandle().getPath().endsWith("/watched"),
                        f.getIfy().getWd(0).getFHandle().getPath());
                found = true;
            }
            assertTrue(found);
            Images.critDecodesAll(dir);
        }
    }

    @Test
    void otherNamespaceIsRefusedNamingIt() throws Exception {
        try (Victim v = Victim.startUnder(new String[] {"unshare", "-u"}, "counter", new String[0])) {
            DumpException e = assertThrows(DumpException.class, () -> Dumper.dump(DumpOptions.of(v.pid, dir)));
            assertTrue(e.getMessage().contains("uts namespace"), e.getMessage());
            assertTrue(v.alive());
            assertFalse(v.traced());
        }
    }

    @Test
    void missingTask() {
        DumpException e = assertThrows(DumpException.class, () -> Dumper.dump(DumpOptions.of(999_999_9, dir)));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
}
