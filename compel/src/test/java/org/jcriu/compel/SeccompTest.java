package org.jcriu.compel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/**
 * {@link SeizeOption#SUSPEND_SECCOMP} on real confined victims: a task in strict mode (any
 * syscall but read/write/exit/sigreturn kills it) and a task whose filter makes getppid fail.
 */
class SeccompTest {
    private static final int NR_getppid = 110;

    private static int seccompMode(int pid) throws Exception {
        for (String l : Files.readAllLines(Paths.get("/proc/" + pid + "/status"))) {
            if (l.startsWith("Seccomp:")) {
                return Integer.parseInt(l.substring(8).trim());
            }
        }
        return -1;
    }

    @Test
    void strictModeTaskRunsRemoteSyscallsAndTheParasite() throws Exception {
        try (Victim v = Victim.start("strict")) {
            assertEquals(1, seccompMode(v.pid));
            String before = v.snapshot();
            try (Tracee t = Compel.seize(v.pid, Logger.NONE, SeizeOption.SUSPEND_SECCOMP)) {
                for (int i = 0; i < 20; i++) {
                    assertEquals(v.pid, t.syscall("getpid"));
                }
                try (Parasite p = t.infect()) {
                    assertEquals(Parasite.PROTO, p.ping());
                    assertEquals(v.pid, p.misc().pid());
                }
            }
            assertEquals(before, v.snapshot());
            assertEquals(1, seccompMode(v.pid));
            String out = v.terminate();
            assertTrue(out.contains("PASS strict"), "victim reported: " + out);
        }
    }

    /** The negative: without the option strict mode kills the task at compel's first syscall. */
    @Test
    void strictModeKillsWithoutTheOption() throws Exception {
        try (Victim v = Victim.start("strict")) {
            try (Tracee t = Compel.seize(v.pid)) {
                assertThrows(RuntimeException.class, () -> t.syscall("getpid"));
            } catch (RuntimeException e) {
                // resuming a task that is gone may fail too
            }
            v.waitGone();
            assertFalse(v.alive());
        }
    }

    @Test
    void filteredTaskSeesNoFilterWhileSuspendedAndItsFilterAfter() throws Exception {
        try (Victim v = Victim.start("filter")) {
            assertEquals(2, seccompMode(v.pid));
            try (Tracee t = Compel.seize(v.pid)) {
                assertEquals(-77, t.syscall(NR_getppid), "the filter acts on a plain seize");
            }
            String before = v.snapshot();
            try (Tracee t = Compel.seize(v.pid, Logger.NONE, SeizeOption.SUSPEND_SECCOMP)) {
                assertTrue(t.syscall(NR_getppid) > 0, "the filter acts while suspended");
                try (Parasite p = t.infect()) {
                    assertEquals(v.pid, p.misc().pid());
                }
            }
            assertEquals(before, v.snapshot());
            String out = v.terminate();
            assertTrue(out.contains("PASS"), "victim reported (it checks its filter still acts): " + out);
        }
    }
}
