package org.jcriu.compel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.jcriu.compel.sys.NoSuchProcessException;
import org.jcriu.compel.sys.PermissionDeniedException;
import org.jcriu.compel.sys.Signal;
import org.jcriu.compel.sys.Syscalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceeTest {

    private static void assertPass(String out) {
        assertTrue(out.contains("PASS"), "victim reported: " + out);
    }

    @Test
    void seizeSyscallResumeComputing() throws Exception {
        try (Victim v = Victim.start("compute")) {
            String before = v.snapshot();
            try (Tracee t = Compel.seize(v.pid)) {
                assertEquals(1, t.threads().size());
                assertEquals(TraceeThread.Found.RUNNING, t.leader().found());
                UserRegs r = t.leader().getRegs();
                assertEquals(v.pid, t.syscall("getpid"));
                assertEquals(v.pid, t.syscall("gettid"));
                assertEquals(r, t.leader().getRegs());
                XState x = t.leader().getXState();
                assertTrue(x.size() >= 576, x.toString());
                t.leader().setXState(x);
                assertEquals(x, t.leader().getXState());
                assertEquals(-38 /* ENOSYS */, t.syscall(100000 - 99000 + 0x7fff));
            }
            assertEquals(before, v.snapshot());
            Thread.sleep(50);
            assertPass(v.terminate());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nanosleep", "pipe", "futex", "epoll", "signals", "idle"})
    void blockedInSyscall(String mode) throws Exception {
        try (Victim v = Victim.start(mode)) {
            Thread.sleep(20);
            String before = v.snapshot();
            try (Tracee t = Compel.seize(v.pid)) {
                UserRegs r = t.leader().getRegs();
                assertTrue(r.origRax() >= 0, "not in a syscall: " + r);
                long mask = t.leader().getSigmask();
                for (int i = 0; i < 100; i++) {
                    assertEquals(v.pid, t.syscall("getpid"));
                }
                assertEquals(r, t.leader().getRegs());
                assertEquals(mask, t.leader().getSigmask());
            }
            assertEquals(before, v.snapshot());
            Thread.sleep(400);
            assertPass(v.terminate());
        }
    }

    @Test
    void eightThreads() throws Exception {
        try (Victim v = Victim.start("threads", "8")) {
            String before = v.snapshot();
            try (Tracee t = Compel.seize(v.pid)) {
                List<TraceeThread> ts = t.threads();
                assertEquals(9, ts.size());
                assertEquals(v.pid, ts.get(0).tid());
                for (TraceeThread th : ts) {
                    UserRegs r = th.getRegs();
                    assertEquals(th.tid(), th.syscall("gettid"));
                    assertEquals(v.pid, th.syscall("getpid"));
                    assertEquals(r, th.getRegs());
                }
            }
            assertEquals(before, v.snapshot());
            Thread.sleep(50);
            assertPass(v.terminate());
        }
    }

    @Test
    void alreadyStoppedStaysStopped() throws Exception {
        try (Victim v = Victim.start("compute")) {
            v.signal(Signal.SIGSTOP);
            while (v.state() != 'T') {
                Thread.sleep(1);
            }
            try (Tracee t = Compel.seize(v.pid)) {
                assertEquals(TraceeThread.Found.STOPPED, t.leader().found());
                assertTrue(t.wasStopped());
                assertEquals(v.pid, t.syscall("getpid"));
            }
            Thread.sleep(50);
            assertEquals('T', v.state());
            v.signal(Signal.SIGCONT);
            Thread.sleep(50);
            assertNotEquals('T', v.state());
            assertPass(v.terminate());
        }
    }

    @Test
    void memoryAndScratch() throws Exception {
        try (Victim v = Victim.start("nanosleep"); Tracee t = Compel.seize(v.pid)) {
            long s = t.scratch();
            ByteBuffer b = ByteBuffer.allocateDirect(16).order(java.nio.ByteOrder.nativeOrder());
            b.putLong(0x1122334455667788L).putLong(42).flip();
            assertEquals(16, t.writeMemory(s, b));
            assertEquals(0x1122334455667788L, t.readLong(s));
            // a pointer argument: clock_gettime into the scratch area
            assertEquals(0, t.syscall("clock_gettime", 1 /* CLOCK_MONOTONIC */, s));
            assertTrue(t.readLong(s) > 0);
            // read-only page (the code of the task) through /proc/PID/mem
            long rip = t.leader().getRegs().rip();
            ByteBuffer code = ByteBuffer.allocateDirect(2);
            assertEquals(2, t.readMemory(rip - 2, code));
            assertEquals(0x0f, code.get(0) & 0xff);
            assertEquals(0x05, code.get(1) & 0xff);
        }
    }

    @Test
    void errors() throws Exception {
        assertThrows(NoSuchProcessException.class, () -> Compel.seize(0x3ffffff0));
        try (Victim v = Victim.start("nanosleep"); Tracee t = Compel.seize(v.pid)) {
            PermissionDeniedException e = assertThrows(PermissionDeniedException.class, () -> Compel.seize(v.pid));
            assertTrue(e.getMessage().contains("already traced"), e.getMessage());
            assertEquals(v.pid, t.syscall("getpid"));
        }
    }

    @Test
    void syscallTable() {
        assertEquals(39, Syscalls.number("getpid"));
        assertEquals("clone3", Syscalls.name(435));
    }
}
