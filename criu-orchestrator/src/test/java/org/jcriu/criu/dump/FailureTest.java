package org.jcriu.criu.dump;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jcriu.criu.testing.Victim;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A failure at any stage, or the dumper killed, leaves the victim running as before. */
class FailureTest {
    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"freeze", "collect", "regs", "parasite", "files", "memory", "images", "finish"})
    void failureAtEachStageLeavesTheTaskRunning(String stage) throws Exception {
        try (Victim v = Victim.start("counter", "2")) {
            String maps = Files.readString(Path.of("/proc/" + v.pid + "/maps"));
            System.setProperty("jcriu.dump.fault", stage);
            try {
                DumpException e = assertThrows(DumpException.class, () -> Dumper.dump(DumpOptions.of(v.pid, dir)));
                assertTrue(e.getMessage().contains(stage), e.getMessage());
            } finally {
                System.clearProperty("jcriu.dump.fault");
            }
            assertTrue(v.alive());
            assertFalse(v.traced(), "detached after a failure");
            String before = v.output();
            Thread.sleep(300);
            assertNotEquals(before, v.output(), "the task must go on counting");
            assertEquals(maps, Files.readString(Path.of("/proc/" + v.pid + "/maps")), "no trace left in the address space");
        }
    }

    /** Failures after the filters were read: the task runs on, as confined as before, detached. */
    @ParameterizedTest
    @ValueSource(strings = {"parasite", "images", "finish"})
    void failureAfterReadingSeccompFiltersLeavesThemActing(String stage) throws Exception {
        try (Victim v = Victim.start("seccomp_counter")) {
            String status = seccompLines(v.pid);
            assertTrue(status.contains("Seccomp_filters:\t2"), status);
            System.setProperty("jcriu.dump.fault", stage);
            try {
                assertThrows(DumpException.class, () -> Dumper.dump(DumpOptions.of(v.pid, dir)));
            } finally {
                System.clearProperty("jcriu.dump.fault");
            }
            assertTrue(v.alive());
            assertFalse(v.traced(), "detached after a failure");
            assertEquals(status, seccompLines(v.pid));
            String before = v.output();
            Thread.sleep(300);
            assertNotEquals(before, v.output(), "the task must go on counting");
            assertFalse(v.output().contains("lost"), "the filters must act after the failed dump: " + v.output());
        }
    }

    private static String seccompLines(int pid) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("Seccomp") || l.startsWith("NoNewPrivs")) sb.append(l).append('\n');
        }
        return sb.toString();
    }

    @Test
    void killMinusNineOfTheDumperLeavesTheTaskAlive() throws Exception {
        try (Victim v = Victim.start("counter", "2")) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "org.jcriu.criu.cli.CriuMain",
                    "dump", "-t", Integer.toString(v.pid), "-D", dir.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("dumper.log").toFile());
            pb.environment().put("JCRIU_DUMP_FAULT", "memory:hang");
            Process dumper = pb.start();
            long end = System.currentTimeMillis() + 20_000;
            while (!v.traced()) {
                assertTrue(System.currentTimeMillis() < end, "dumper never seized the task: "
                        + Files.readString(dir.resolve("dumper.log"), StandardCharsets.UTF_8));
                Thread.sleep(10);
            }
            Thread.sleep(200);
            dumper.destroyForcibly().waitFor();
            end = System.currentTimeMillis() + 5000;
            while (v.traced() && System.currentTimeMillis() < end) Thread.sleep(10);
            assertFalse(v.traced());
            assertTrue(v.alive());
            String before = v.output();
            Thread.sleep(300);
            assertNotEquals(before, v.output(), "the task must go on counting");
        }
    }
}
