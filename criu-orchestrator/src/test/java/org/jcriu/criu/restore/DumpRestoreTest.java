package org.jcriu.criu.restore;

import static org.jcriu.criu.restore.RestoreTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jcriu.criu.testing.Victim;
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
                    RestoreSys.kill(pid, 15);
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
}
