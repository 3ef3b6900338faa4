package org.jcriu.criu.restore;

import static org.jcriu.criu.restore.RestoreTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.jcriu.criu.testing.Victim;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each failure: one line naming the cause and the image, exit 1, and nothing
 * left behind (no task with the saved pid, no temp file).
 */
class RestoreFailureTest {
    @TempDir static Path shared;
    static Path images;
    static int pid;
    static Path exe;

    @BeforeAll
    static void dumpOnce() throws Exception {
        // the victim runs from a private copy of its binary, so that the file can be moved away
        exe = shared.resolve("counter-copy");
        Files.copy(Victim.binary("counter"), exe);
        exe.toFile().setExecutable(true);
        images = shared.resolve("img");
        Files.createDirectories(images);
        Path launch = Victim.binary("launch");
        Process p = new ProcessBuilder(launch.toString(), shared.resolve("out").toString(), exe.toString()).start();
        pid = Integer.parseInt(new String(p.getInputStream().readAllBytes()).trim());
        p.waitFor();
        Path out = shared.resolve("out");
        try {
            // the launcher returns before the victim has necessarily created its output file
            for (int i = 0; i < 500 && !(Files.exists(out) && Files.readString(out).contains("ready")); i++) Thread.sleep(10);
            assertEquals(0, criu("dump", "-t", "" + pid, "-D", images.toString(), "-o", "dump.log"));
        } catch (Throwable t) {
            killAndReap(pid); // a failed setup must not leave its victim running
            throw t;
        }
        awaitPidFree(pid);
    }

    Path copy(Path to) throws Exception {
        Files.createDirectories(to);
        try (var s = Files.list(images)) {
            for (Path f : s.toList()) Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        return to;
    }

    String fails(Path dir) throws Exception {
        List<Path> tmpBefore = restoreTempDirs();
        int rc = criu("restore", "-D", dir.toString(), "-d", "-o", "restore.log");
        assertEquals(1, rc);
        assertFalse(Files.exists(Path.of("/proc/" + pid)) && !Files.readString(Path.of("/proc/" + pid + "/stat")).contains(" Z "),
                "a task with pid " + pid + " was left behind");
        assertEquals(tmpBefore, restoreTempDirs(), "temp files left behind");
        return lastLine(dir.resolve("restore.log"));
    }

    @Test
    void missingImage(@TempDir Path d) throws Exception {
        copy(d);
        Files.delete(d.resolve("core-" + pid + ".img"));
        String msg = fails(d);
        assertTrue(msg.contains("core-" + pid + ".img") && msg.contains("missing"), msg);
    }

    @Test
    void truncatedPages(@TempDir Path d) throws Exception {
        copy(d);
        Path pages;
        try (var s = Files.list(d)) {
            pages = s.filter(f -> f.getFileName().toString().startsWith("pages-")).findFirst().orElseThrow();
        }
        try (RandomAccessFile f = new RandomAccessFile(pages.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        String msg = fails(d);
        assertTrue(msg.contains(pages.getFileName().toString()) && msg.contains("truncated"), msg);
    }

    @Test
    void truncatedEntry(@TempDir Path d) throws Exception {
        copy(d);
        Path mm = d.resolve("mm-" + pid + ".img");
        try (RandomAccessFile f = new RandomAccessFile(mm.toFile(), "rw")) {
            f.setLength(f.length() - 7);
        }
        String msg = fails(d);
        assertTrue(msg.contains("mm-" + pid + ".img") && msg.contains("truncated"), msg);
    }

    @Test
    void corruptMagic(@TempDir Path d) throws Exception {
        copy(d);
        Path ps = d.resolve("pstree.img");
        byte[] b = Files.readAllBytes(ps);
        b[4] ^= 0x55;
        Files.write(ps, b);
        String msg = fails(d);
        assertTrue(msg.contains("pstree.img") && msg.contains("corrupt"), msg);
    }

    @Test
    void fileMovedAway(@TempDir Path d) throws Exception {
        copy(d);
        Path moved = shared.resolve("counter-moved");
        Files.move(exe, moved);
        try {
            String msg = fails(d);
            assertTrue(msg.contains(exe.toString()) && msg.contains("moved away"), msg);
        } finally {
            Files.move(moved, exe);
        }
    }

    @Test
    void pidTaken(@TempDir Path d) throws Exception {
        copy(d);
        assertEquals(0, criu("restore", "-D", d.toString(), "-d", "-o", "first.log"));
        try {
            String before = maps(pid);
            int rc = criu("restore", "-D", d.toString(), "-d", "-o", "restore.log");
            assertEquals(1, rc);
            String msg = lastLine(d.resolve("restore.log"));
            assertTrue(msg.contains("pid " + pid) && msg.contains("already taken") && msg.contains("pstree.img"), msg);
            assertEquals(before, maps(pid), "the running task must be untouched");
        } finally {
            killAndReap(pid);
        }
    }
}
