package org.jcriu.criu.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JNA starts without running {@code ldconfig -p}: seen in the execs of a real criu run. */
class JnaStartTest {
    @TempDir Path dir;

    @Test
    void pathOfTheArchitectureFirst() {
        assertEquals("/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu:/usr/lib64:/lib64:/usr/lib:/lib",
                JnaStart.defaultPath("amd64"));
        assertTrue(JnaStart.defaultPath("aarch64").startsWith("/usr/lib/aarch64-linux-gnu:"));
        assertEquals("/usr/lib64:/lib64:/usr/lib:/lib", JnaStart.defaultPath("riscv64"));
    }

    @Test
    void aPathTheUserGaveIsKept() {
        String before = System.getProperty(JnaStart.PLATFORM_PATH);
        try {
            System.setProperty(JnaStart.PLATFORM_PATH, "/opt/lib");
            JnaStart.skipLdconfig();
            assertEquals("/opt/lib", System.getProperty(JnaStart.PLATFORM_PATH));
            System.clearProperty(JnaStart.PLATFORM_PATH);
            JnaStart.skipLdconfig();
            assertEquals(JnaStart.defaultPath(System.getProperty("os.arch")), System.getProperty(JnaStart.PLATFORM_PATH));
        } finally {
            if (before == null) System.clearProperty(JnaStart.PLATFORM_PATH);
            else System.setProperty(JnaStart.PLATFORM_PATH, before);
        }
    }

    /** `criu check` binds libc through JNA; the control (JNA alone, no JnaStart) shows the test can see ldconfig. */
    @Test
    void criuCheckExecsNoLdconfig() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/strace")), "strace is not installed");
        List<String> control = execs("org.jcriu.criu.cli.JnaStartTest$JnaAlone");
        assertTrue(control.stream().anyMatch(l -> l.contains("ldconfig")), "control run: " + control);
        List<String> check = execs("org.jcriu.criu.cli.CriuMain", "check");
        assertTrue(check.stream().anyMatch(l -> l.contains("bin/java")), "criu check: " + check);
        assertFalse(check.stream().anyMatch(l -> l.contains("ldconfig")), "criu check: " + check);
    }

    /** The execve lines of a JVM running MAIN ARGS under strace. */
    private List<String> execs(String main, String... args) throws Exception {
        Path trace = dir.resolve("trace-" + main.hashCode());
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/strace", "-f", "-qq", "-e", "trace=execve", "-o", trace.toString(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + cmd);
        }
        return Files.readAllLines(trace).stream().filter(l -> l.contains("execve(")).toList();
    }

    /** JNA's start as any library user gets it. */
    static final class JnaAlone {
        public static void main(String[] a) {
            com.sun.jna.NativeLibrary.getInstance("c");
        }
    }
}
