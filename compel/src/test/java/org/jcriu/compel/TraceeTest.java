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

    /** SIGRTMIN + 4 in glibc */
    private static final int PTIMER_SIG = 38;

    private static int intAt(byte[] b, int off) {
        return java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.nativeOrder()).getInt(off);
    }

    /**
     * A POSIX timer signalling every ms while the task is held 50 ms by remote syscalls: the
     * signals it takes out meanwhile are held with their siginfo (SI_TIMER, si_value), visible
     * through the API, and queued again at resume exactly (the victim checks every siginfo).
     */
    @Test
    void signalsArrivingWhileHeldKeepTheirSiginfo() throws Exception {
        try (Victim v = Victim.start("ptimer")) {
            List<byte[]> held;
            try (Tracee t = Compel.seize(v.pid)) {
                long end = System.nanoTime() + 50_000_000L;
                while (System.nanoTime() < end) {
                    assertEquals(v.pid, t.syscall("getpid"));
                    Thread.sleep(1);
                }
                held = t.leader().heldSignals();
                assertTrue(!held.isEmpty(), "no signal held in 50 ms of a 1 ms timer");
                for (byte[] info : held) {
                    assertEquals(128, info.length);
                    assertEquals(PTIMER_SIG, intAt(info, 0), "si_signo");
                    assertEquals(-2 /* SI_TIMER */, intAt(info, 8), "si_code");
                    assertEquals(0x5eed1234, intAt(info, 24), "si_value");
                }
            }
            Thread.sleep(50);
            assertPass(v.terminate());
        }
    }

    /** Held signals of a task frozen (no remote syscall) 50 ms stay pending in the kernel. */
    @Test
    void signalsOfAFrozenTaskStayQueued() throws Exception {
        try (Victim v = Victim.start("ptimer")) {
            try (Tracee t = Compel.seize(v.pid)) {
                Thread.sleep(50);
                String status = java.nio.file.Files.readString(java.nio.file.Paths.get("/proc/" + v.pid + "/status"));
                long shdPnd = 0;
                for (String l : status.split("\n")) {
                    if (l.startsWith("ShdPnd:")) {
                        shdPnd = Long.parseUnsignedLong(l.substring(7).trim(), 16);
                    }
                }
                long pending = shdPnd;
                for (byte[] info : t.leader().heldSignals()) {
                    pending |= Signal.bit(intAt(info, 0));
                }
                assertTrue((pending & Signal.bit(PTIMER_SIG)) != 0, "timer signal neither pending nor held");
            }
            Thread.sleep(50);
            assertPass(v.terminate());
        }
    }

    /** kill() of an 8-thread task: every thread reaped, the leader last, without hanging. */
    @Test
    void killMultiThreaded() throws Exception {
        for (int round = 0; round < 5; round++) {
            try (Victim v = Victim.start("threads", "8")) {
                Tracee t = Compel.seize(v.pid);
                List<TraceeThread> threads = t.threads();
                assertEquals(9, threads.size());
                org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), t::kill);
                assertTrue(!t.isAttached());
                for (TraceeThread th : threads) {
                    assertTrue(th.isDead(), th + " not reaped");
                }
                v.waitGone();
            }
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
