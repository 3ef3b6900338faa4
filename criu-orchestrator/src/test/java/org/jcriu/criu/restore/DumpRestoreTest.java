package org.jcriu.criu.restore;

import static org.jcriu.criu.restore.RestoreTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jcriu.criu.testing.Victim;
import org.jcriu.images.ImageReader;
import org.jcriu.images.ImageType;
import org.jcriu.images.ImageWriter;
import org.jcriu.images.proto.CoreEntry;
import org.jcriu.images.proto.SeccompMode;
import org.jcriu.images.proto.SeccompEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real victims dumped by jcriu and restored by jcriu: same pid, same maps, and they go on. */
class DumpRestoreTest {
    @TempDir Path dir;

    @Test
    void counterComesBackWithSamePidAndMapsAndCountsOn() throws Exception {
        int pid;
        String before;
        try (Victim v = Victim.start("counter", "8")) {
            pid = v.pid;
            v.awaitOutput("\n20\n", 10_000);
            before = maps(pid);
            assertEquals(0, criu("dump", "-t", "" + pid, "-D", dir.toString(), "-o", "dump.log"));
            assertTrue(v.awaitGone(5000));
            awaitPidFree(pid);
            int len = v.output().length();
            try {
                assertEquals(0, criu("restore", "-D", dir.toString(), "-d", "-o", "restore.log", "-v4",
                        "--pidfile", "restored.pid"));
                assertEquals(before, maps(pid), "maps after restore");
                assertEquals(pid + "\n", Files.readString(dir.resolve("restored.pid")));
                assertTrue(Files.exists(dir.resolve("stats-restore")));
                String status = Files.readString(Path.of("/proc/" + pid + "/status"));
                assertTrue(status.contains("Name:\tcounter"), status);
                // it counts on from where it was: new lines appear, each one 10 above the last
                long end = System.currentTimeMillis() + 5000;
                while (v.output().length() < len + 20 && System.currentTimeMillis() < end) Thread.sleep(10);
                String[] lines = v.output().trim().split("\n");
                long a = Long.parseLong(lines[lines.length - 2].trim()), b = Long.parseLong(lines[lines.length - 1].trim());
                assertEquals(a + 10, b, v.output());
                assertTrue(v.output().length() > len, "no output after restore");
                assertTrue(Files.list(Path.of("/proc/" + pid + "/fd")).count() <= 3, "no restorer fd left");
                assertEquals(1, Files.list(Path.of("/proc/" + pid + "/task")).count(), "no restorer thread left");
            } finally {
                killAndReap(pid);
            }
        }
    }

    @Test
    void restoreWithoutDetachWaitsForTheRootAndReturnsItsStatus() throws Exception {
        try (Victim v = Victim.start("counter")) {
            int pid = v.pid;
            assertEquals(0, criu("dump", "-t", "" + pid, "-D", dir.toString(), "-o", "dump.log"));
            awaitPidFree(pid);
            Thread killer = new Thread(() -> {
                try {
                    for (int i = 0; i < 500 && !Files.exists(Path.of("/proc/" + pid)); i++) Thread.sleep(10);
                    Thread.sleep(300);
                    org.jcriu.compel.sys.Signal.kill(pid, 15);
                } catch (Exception ignored) {
                    // the assertion below tells
                }
            });
            killer.start();
            int rc = criu("restore", "-D", dir.toString(), "-o", "restore.log");
            killer.join();
            assertEquals(128 + 15, rc, "criu restore exits with the root's status (killed by SIGTERM)");
            assertFalse(Files.exists(Path.of("/proc/" + pid)), "the root was reaped by criu");
        }
    }

    static String stat(int pid) throws Exception {
        String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return s.substring(s.lastIndexOf(')') + 2);
    }

    /** State, ppid (not for the root, whose parent is whoever restored it), pgid, sid from /proc/PID/stat. */
    static String place(int pid, boolean root) throws Exception {
        String[] f = stat(pid).split(" ");
        String state = f[0].equals("Z") || f[0].equals("T") ? f[0] : "alive"; // R/S/D are moments
        return state + " " + (root ? "-" : f[1]) + " " + f[2] + " " + f[3];
    }

    /**
     * A parent with two seccomp filters and a child that inherited them and stacked two more (the
     * newest overriding an older one's errno, so a chain put back in the wrong order shows): the
     * dump stores 6 filters (CRIU's layout links each filter to the next newer one, so the grown
     * chain cannot share the parent's entries), the restore rebuilds both chains with
     * no_new_privs, and both tasks find every filter acting (they check every 10 ms).
     */
    @Test
    void seccompChainsOfATreeComeBack() throws Exception {
        try (Victim v = Victim.start("seccomp_counter", "tree")) {
            int root = v.pid, kid = Integer.parseInt(v.output().trim().split("\\s+")[2]);
            String rootSc = seccompLines(root), kidSc = seccompLines(kid);
            assertTrue(rootSc.contains("Seccomp_filters:\t2") && kidSc.contains("Seccomp_filters:\t4"), rootSc + kidSc);
            assertEquals(0, criu("dump", "-t", "" + root, "-D", dir.toString(), "-o", "dump.log"));
            awaitPidFree(root);
            awaitPidFree(kid);
            try (ImageReader r = ImageReader.open(dir.resolve("seccomp.img"), ImageType.SECCOMP)) {
                SeccompEntry sc = (SeccompEntry) r.next();
                assertEquals(6, sc.getSeccompFiltersCount(), "the parent's 2, the child's 4: " + sc);
            }
            int len = v.output().length();
            assertEquals(0, criu("restore", "-D", dir.toString(), "-d", "-o", "restore.log", "-v4"));
            try {
                assertEquals(rootSc, seccompLines(root));
                assertEquals(kidSc, seccompLines(kid));
                assertCountsOn(v, len);
            } finally {
                killAndReap(kid);
                killAndReap(root);
            }
        }
    }

    /**
     * CRIU saves a chain that all threads share only on the leader, with TSYNC in its flags, and
     * the other threads as disabled. Our dump of a 2-thread task whose filters went in with
     * TSYNC is rewritten that way; the restore gives both threads the chain.
     */
    @Test
    void tsyncChainInCriusLayoutReachesEveryThread() throws Exception {
        try (Victim v = Victim.start("seccomp_counter", "threads")) {
            int pid = v.pid;
            java.util.List<Integer> tids = new java.util.ArrayList<>();
            try (var st = Files.list(Path.of("/proc/" + pid + "/task"))) {
                st.forEach(p -> tids.add(Integer.parseInt(p.getFileName().toString())));
            }
            assertEquals(2, tids.size());
            int other = tids.get(0) == pid ? tids.get(1) : tids.get(0);
            String lines = seccompLines(pid);
            assertEquals(0, criu("dump", "-t", "" + pid, "-D", dir.toString(), "-o", "dump.log"));
            awaitPidFree(pid);
            SeccompEntry sc;
            try (ImageReader r = ImageReader.open(dir.resolve("seccomp.img"), ImageType.SECCOMP)) {
                sc = (SeccompEntry) r.next();
            }
            assertEquals(2, sc.getSeccompFiltersCount(), "both threads' chain once: " + sc);
            SeccompEntry.Builder tsync = sc.toBuilder();
            for (int i = 0; i < tsync.getSeccompFiltersCount(); i++) {
                tsync.setSeccompFilters(i, tsync.getSeccompFilters(i).toBuilder().setFlags(tsync.getSeccompFilters(i).getFlags() | 1));
            }
            try (ImageWriter w = ImageWriter.create(dir.resolve("seccomp.img"), ImageType.SECCOMP)) {
                w.write(tsync.build());
            }
            Path core = dir.resolve("core-" + other + ".img");
            CoreEntry c;
            try (ImageReader r = ImageReader.open(core, ImageType.CORE)) {
                c = (CoreEntry) r.next();
            }
            assertEquals(SeccompMode.filter, c.getThreadCore().getSeccompMode());
            try (ImageWriter w = ImageWriter.create(core, ImageType.CORE)) {
                w.write(c.toBuilder().setThreadCore(c.getThreadCore().toBuilder().clearSeccompMode().clearSeccompFilter()).build());
            }
            int len = v.output().length();
            assertEquals(0, criu("restore", "-D", dir.toString(), "-d", "-o", "restore.log", "-v4"));
            try {
                assertEquals(lines, seccompLines(pid));
                assertEquals(lines, seccompLinesOf(Path.of("/proc/" + pid + "/task/" + other + "/status")));
                assertCountsOn(v, len);
            } finally {
                killAndReap(pid);
            }
        }
    }

    private static String seccompLines(int pid) throws Exception {
        return seccompLinesOf(Path.of("/proc/" + pid + "/status"));
    }

    private static String seccompLinesOf(Path status) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String l : Files.readAllLines(status)) {
            if (l.startsWith("Seccomp") || l.startsWith("NoNewPrivs")) sb.append(l).append('\n');
        }
        return sb.toString();
    }

    @Test
    void treeWithGroupsZombieAndStoppedChildComesBack() throws Exception {
        try (Victim v = Victim.start("tree")) {
            String[] ready = v.output().trim().split("\\s+");
            int root = v.pid, a = Integer.parseInt(ready[1]), z = Integer.parseInt(ready[2]), s = Integer.parseInt(ready[3]);
            int grand = Integer.parseInt(Files.readString(Path.of("/proc/" + a + "/task/" + a + "/children")).trim());
            int[] pids = {root, a, z, s, grand};
            String[] before = new String[pids.length];
            for (int i = 0; i < pids.length; i++) before[i] = place(pids[i], i == 0);
            String mapsBefore = maps(root);
            assertEquals(0, criu("dump", "-t", "" + root, "-D", dir.toString(), "-o", "dump.log"));
            for (int p : pids) awaitPidFree(p);
            assertEquals(0, criu("restore", "-D", dir.toString(), "-d", "-o", "restore.log", "-v4"));
            try {
                for (int i = 0; i < pids.length; i++) {
                    // a zombie exits and a stopped task stops just after the detach
                    for (int k = 0; k < 200 && !before[i].equals(place(pids[i], i == 0)); k++) Thread.sleep(5);
                    assertEquals(before[i], place(pids[i], i == 0), "task " + pids[i]);
                }
                assertEquals(mapsBefore, maps(root));
            } finally {
                for (int i = pids.length - 1; i >= 0; i--) killAndReap(pids[i]);
            }
        }
    }

    @Test
    void forkedChildKeepsSharingItsParentsPages() throws Exception {
        try (Victim v = Victim.start("cow_tree")) {
            v.awaitOutput("ready", 10_000);
            String[] ready = v.output().trim().split("\\s+");
            int parent = v.pid, child = Integer.parseInt(ready[1]);
            long addr = Long.parseUnsignedLong(ready[2], 16);
            int pages = 16384; // 64 MiB: the compare runs on two threads
            assertEquals(pages - pages / 16, sharedFrames(parent, child, addr, pages), "shared before the dump");
            assertEquals(0, criu("dump", "-t", "" + parent, "-D", dir.toString(), "-o", "dump.log"));
            awaitPidFree(parent);
            awaitPidFree(child);
            assertEquals(0, criu("restore", "-D", dir.toString(), "-d", "-o", "restore.log", "-v4"));
            try {
                assertEquals(pages - pages / 16, sharedFrames(parent, child, addr, pages), "shared after the restore");
                org.jcriu.compel.sys.Signal.kill(child, 10); // SIGUSR1: the child checks every page
                v.awaitOutput("child ", 10_000);
                for (int k = 0; k < 100 && v.output().indexOf('\n', v.output().indexOf("child ")) < 0; k++) Thread.sleep(20);
                assertTrue(v.output().contains("child ok"), v.output());
                org.jcriu.images.proto.RestoreStatsEntry st;
                try (ImageReader r = ImageReader.open(dir.resolve("stats-restore"))) {
                    st = ((org.jcriu.images.proto.StatsEntry) r.next()).getRestore();
                }
                // every page of the child's kept areas compared; the 8 MiB less the changed pages left shared
                assertTrue(st.getPagesCompared() >= pages, "pages_compared " + st.getPagesCompared());
                assertTrue(st.getPagesSkippedCow() >= pages - pages / 16, "pages_skipped_cow " + st.getPagesSkippedCow());
            } finally {
                killAndReap(child);
                killAndReap(parent);
            }
        }
    }

    /** Pages of [addr, addr + n pages) backed by the same physical frame in both tasks (pagemap, as root). */
    private static int sharedFrames(int a, int b, long addr, int n) throws Exception {
        long[] fa = frames(a, addr, n), fb = frames(b, addr, n);
        int same = 0;
        for (int i = 0; i < n; i++) if (fa[i] != 0 && fa[i] == fb[i]) same++;
        return same;
    }

    private static long[] frames(int pid, long addr, int n) throws Exception {
        try (var ch = java.nio.channels.FileChannel.open(Path.of("/proc/" + pid + "/pagemap"))) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(8 * n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            ch.read(buf, (addr / 4096) * 8);
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                long e = buf.getLong(8 * i);
                out[i] = e < 0 ? e & ((1L << 55) - 1) : 0; // bit 63: present; bits 0-54: frame
            }
            return out;
        }
    }

    @Test
    void threadsComeBackWithTheirTids() throws Exception {
        try (Victim v = Victim.start("threads", "6")) {
            int pid = v.pid;
            java.util.List<String> tids;
            try (var st = Files.list(Path.of("/proc/" + pid + "/task"))) {
                tids = st.map(p -> p.getFileName().toString()).sorted().toList();
            }
            String before = maps(pid);
            assertEquals(0, criu("dump", "-t", "" + pid, "-D", dir.toString(), "-o", "dump.log"));
            awaitPidFree(pid);
            assertEquals(0, criu("restore", "-D", dir.toString(), "-d", "-o", "restore.log"));
            try {
                java.util.List<String> now;
                try (var st = Files.list(Path.of("/proc/" + pid + "/task"))) {
                    now = st.map(p -> p.getFileName().toString()).sorted().toList();
                }
                assertEquals(tids, now, "same tids, no helper thread left");
                assertEquals(before, maps(pid));
                // every thread runs: its utime/stime or voluntary switches move on
                Thread.sleep(200);
                for (String t : now) {
                    String status = Files.readString(Path.of("/proc/" + pid + "/task/" + t + "/status"));
                    assertFalse(status.contains("State:\tT"), status);
                }
            } finally {
                killAndReap(pid);
            }
        }
    }

    /** The restored seccomp_counter writes on past {@code len} chars of output, and never "lost". */
    private static void assertCountsOn(Victim v, int len) throws Exception {
        long end = System.currentTimeMillis() + 5000;
        while (v.output().length() < len + 10 && System.currentTimeMillis() < end) Thread.sleep(10);
        Thread.sleep(200);
        assertTrue(v.output().length() > len, "no output after restore");
        assertFalse(v.output().contains("lost"), v.output());
    }
}
