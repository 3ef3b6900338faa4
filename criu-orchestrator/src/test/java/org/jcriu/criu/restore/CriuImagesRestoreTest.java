package org.jcriu.criu.restore;

import static org.jcriu.criu.restore.RestoreTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restores the dump upstream CRIU 4.2 wrote of threads-fds.c (pid 30978, four
 * threads, pipe with data, socketpair with a queue, eventfd, timerfd,
 * signalfd, epoll, a file at an offset, an unlinked file, shared and private
 * anonymous memory, a SIGUSR1 handler). Needs /tmp/vec/vec rebuilt bit for
 * bit (gcc -O1, same build id) and pids 30978..30981 free: otherwise skipped.
 */
class CriuImagesRestoreTest {
    static final Path VECTORS = Path.of("/work/shared/criu-images/threads-fds");
    static final int PID = 30978;
    @TempDir Path dir;

    @Test
    void restoresUpstreamCriuDumpOfThreadsAndFds() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(VECTORS), "CRIU 4.2 test vectors not present");
        for (int p = PID; p <= PID + 3; p++) Assumptions.assumeFalse(Files.exists(Path.of("/proc/" + p)), "pid " + p + " is taken");
        Path vec = Path.of("/tmp/vec");
        Files.createDirectories(vec);
        Path src = vec.resolve("vec.c");
        Files.copy(VECTORS.resolveSibling("threads-fds.c"), src, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Process gcc = new ProcessBuilder("gcc", "-O1", "-pthread", "vec.c", "-o", "vec").directory(vec.toFile()).inheritIO().start();
        assertEquals(0, gcc.waitFor());
        Files.delete(src);
        Process re = new ProcessBuilder("readelf", "-n", vec.resolve("vec").toString()).start();
        String notes = new String(re.getInputStream().readAllBytes());
        Assumptions.assumeTrue(notes.contains("9adb5fe984791917b86a1fc0b60ca408fb0014ac"), "compiler differs from the dump's");
        Files.writeString(vec.resolve("data.txt"), "hello world\n");
        Files.deleteIfExists(vec.resolve("ghost.txt"));
        try (var s = Files.list(VECTORS)) {
            for (Path f : s.toList()) Files.copy(f, dir.resolve(f.getFileName()));
        }
        assertEquals(0, criu("restore", "-D", dir.toString(), "-d", "-o", "restore.log", "-v4"));
        try {
            assertEquals(4, Files.list(Path.of("/proc/" + PID + "/task")).count());
            String maps = maps(PID);
            assertTrue(maps.contains("[vvar_vclock]") && maps.contains("/dev/zero (deleted)") && maps.contains("/tmp/vec/vec"), maps);
            assertFalse(maps.contains("jcriu"), maps);
            // the pipe still holds its data; the unlinked file is back, unlinked, with its content
            assertEquals("pipe:", Files.readSymbolicLink(Path.of("/proc/" + PID + "/fd/3")).toString().substring(0, 5));
            assertEquals("ghost", Files.readString(Path.of("/proc/" + PID + "/fd/13")));
            assertEquals("/tmp/vec/ghost.txt (deleted)", Files.readSymbolicLink(Path.of("/proc/" + PID + "/fd/13")).toString());
            assertFalse(Files.exists(vec.resolve("ghost.txt")));
            String ev = Files.readString(Path.of("/proc/" + PID + "/fdinfo/7"));
            assertTrue(ev.contains("eventfd-count:                7"), ev);
            String pos = Files.readString(Path.of("/proc/" + PID + "/fdinfo/12"));
            assertTrue(pos.startsWith("pos:\t6"), pos);
            List<String> st = Files.readAllLines(Path.of("/proc/" + PID + "/status"));
            assertTrue(st.contains("SigBlk:\t0000000000000800"), st.toString());
            // SIGUSR1 reaches its handler and the task survives
            org.jcriu.compel.sys.Signal.kill(PID, 10);
            Thread.sleep(100);
            assertTrue(Files.readString(Path.of("/proc/" + PID + "/stat")).contains(") S "));
            assertEquals(HexFormat.of().formatHex(new byte[0]), "");
        } finally {
            killAndReap(PID);
        }
    }
}
