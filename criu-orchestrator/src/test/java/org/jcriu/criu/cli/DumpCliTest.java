package org.jcriu.criu.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jcriu.criu.testing.Victim;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The criu dump and check commands as a user runs them: exit codes, one-line errors, log file, pidfile. */
class DumpCliTest {
    @TempDir Path dir;

    private record Run(int code, String out, String err) {}

    private Run criu(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.jcriu.criu.cli.CriuMain"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile()).start();
        int code = p.waitFor();
        return new Run(code, Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void checkLooksGood() throws Exception {
        Run r = criu("check");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Looks good."));
    }

    @Test
    void dumpWritesImagesLogAndPidfile() throws Exception {
        try (Victim v = Victim.start("counter")) {
            Path img = dir.resolve("img");
            Run r = criu("dump", "-t", Integer.toString(v.pid), "-D", img.toString(), "-o", "dump.log", "-v4",
                    "--pidfile", dir.resolve("pid").toString(), "--display-stats");
            assertEquals(0, r.code(), r.err());
            assertTrue(v.awaitGone(5000));
            assertTrue(Files.readString(img.resolve("dump.log")).contains("Dumping finished successfully"));
            assertEquals(Integer.toString(v.pid), Files.readString(dir.resolve("pid")).trim());
            assertTrue(r.out().contains("Memory pages written"), r.out());
            assertTrue(Files.exists(img.resolve("stats-dump")));
        }
    }

    @Test
    void failureIsOneLineAndExitOne() throws Exception {
        Run r = criu("dump", "-t", "999999999", "-D", dir.resolve("img").toString());
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("Error: "), r.err());
    }

    @Test
    void unsupportedFdNamesTaskFdAndKind() throws Exception {
        try (Victim v = Victim.start("unsupported_fd")) {
            Run r = criu("dump", "-t", Integer.toString(v.pid), "-D", dir.resolve("img").toString());
            assertEquals(1, r.code());
            assertTrue(r.err().matches("(?s)Error: task " + v.pid + ": fd \\d+ is a netlink socket.*"), r.err());
            assertTrue(v.alive());
            assertFalse(v.traced());
        }
    }
}
