package org.jcriu.compel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jcriu.compel.sys.Syscalls;
import org.junit.jupiter.api.Test;

/** Batches run by the in-task interpreter, code run to a trap, and a caller's code area. */
class SyscallBatchTest {

    @Test
    void batchRunsInOrderWithResultsAndStopsAtTheFirstFailure() throws Exception {
        try (Victim v = Victim.start("idle")) {
            try (Tracee t = Compel.seize(v.pid)) {
                UserRegs before = t.leader().getRegs();
                SyscallBatch b = new SyscallBatch(t.leader());
                int pid = b.op("getpid", Syscalls.number("getpid"));
                int open = b.op("open /dev/null", Syscalls.number("openat"), -100, b.str("/dev/null"), 1, 0);
                long buf = b.bytes("hello".getBytes());
                int write = b.op("write", Syscalls.number("write"), 0, buf, 5);
                b.useResult(write, 1, open).flags(write, SyscallBatch.FULL_LENGTH);
                int close = b.op("close", Syscalls.number("close"), 0);
                b.useResult(close, 1, open);
                b.flags(b.op("close(-1), ignored", Syscalls.number("close"), -1), SyscallBatch.ANY_RESULT);
                int bad = b.op("close(-1)", Syscalls.number("close"), -1);
                b.op("never runs", Syscalls.number("getppid"));
                assertEquals(bad, b.run());
                assertEquals(v.pid, b.result(pid));
                assertTrue(b.result(open) >= 0);
                assertEquals(5, b.result(write));
                assertEquals(0, b.result(close));
                assertEquals(-9, b.result(bad)); // EBADF
                assertEquals("close(-1)", b.description(bad));
                assertEquals(0, b.size());
                // the next batch reuses it; registers are the thread's own again
                int ppid = b.op("getppid", Syscalls.number("getppid"));
                assertEquals(-1, b.run());
                assertTrue(b.result(ppid) > 0);
                assertEquals(before.rip(), t.leader().getRegs().rip());
            }
            Thread.sleep(50);
            assertTrue(v.terminate().contains("PASS"));
        }
    }

    @Test
    void batchesOfTwoThreadsRunAtOnce() throws Exception {
        try (Victim v = Victim.start("idle"); Tracee t = Compel.seize(v.pid)) {
            TraceeThread helper = cloneThread(t);
            t.tracer().run(() -> {
                SyscallBatch a = new SyscallBatch(t.leader(), 0, 2);
                SyscallBatch h = new SyscallBatch(helper, 1, 2);
                int ta = a.op("gettid", Syscalls.number("gettid"));
                int th = h.op("gettid", Syscalls.number("gettid"));
                a.start();
                h.start();
                assertEquals(-1, h.finish());
                assertEquals(-1, a.finish());
                assertEquals(v.pid, a.result(ta));
                assertEquals(helper.tid(), h.result(th));
            });
            org.junit.jupiter.api.Assertions.assertThrows(org.jcriu.compel.sys.NoSuchProcessException.class,
                    () -> helper.syscall("exit", 0));
        }
    }

    /**
     * The other thread stops at its trap while the leader still runs: its batch is finished first,
     * then the leader's, and both results come back (the reverse order is in
     * {@link #batchesOfTheLeaderAndAThreadFinishInEitherOrder}).
     */
    @Test
    void aSiblingStoppingFirstIsNotLost() throws Exception {
        try (Victim v = Victim.start("idle"); Tracee t = Compel.seize(v.pid)) {
            TraceeThread helper = cloneThread(t);
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () ->
                    t.tracer().run(() -> {
                        SyscallBatch a = new SyscallBatch(t.leader(), 0, 2);
                        SyscallBatch h = new SyscallBatch(helper, 1, 2);
                        a.op("nanosleep(200 ms)", Syscalls.number("nanosleep"), a.longs(0, 200_000_000L), 0);
                        int th = h.op("gettid", Syscalls.number("gettid"));
                        a.start();
                        h.start();
                        assertEquals(-1, h.finish());
                        assertEquals(-1, a.finish());
                        assertEquals(helper.tid(), h.result(th));
                    }));
            assertFalse(helper.isDead());
        }
    }

    /**
     * The leader and one thread of a real 3-thread task run batches at once and are finished in
     * both orders, with either one reaching its trap long before the other: the leader finished
     * first while its sibling already sits at its trap must not take (and lose) the sibling's
     * stop. Each round ends with a resume, and the victim (still computing in every thread)
     * checks its own state when terminated.
     */
    @Test
    void batchesOfTheLeaderAndAThreadFinishInEitherOrder() throws Exception {
        try (Victim v = Victim.start("threads", "2")) {
            for (boolean leaderFirst : new boolean[] {true, false}) {
                for (boolean leaderSlow : new boolean[] {true, false}) {
                    String round = (leaderFirst ? "leader finished first" : "thread finished first")
                            + (leaderSlow ? ", leader slower" : ", thread slower");
                    try (Tracee t = Compel.seize(v.pid)) {
                        TraceeThread leader = t.leader();
                        TraceeThread other = t.threads().get(1);
                        long[] got = withinOrKill(v, t.tracer().submit(() -> {
                            SyscallBatch a = new SyscallBatch(leader, 0, 2);
                            SyscallBatch h = new SyscallBatch(other, 1, 2);
                            long sleep = 150_000_000L;
                            a.op("nanosleep", Syscalls.number("nanosleep"), a.longs(0, leaderSlow ? sleep : 0), 0);
                            int ta = a.op("gettid", Syscalls.number("gettid"));
                            h.op("nanosleep", Syscalls.number("nanosleep"), h.longs(0, leaderSlow ? 0 : sleep), 0);
                            int th = h.op("gettid", Syscalls.number("gettid"));
                            a.start();
                            h.start();
                            int ra;
                            int rh;
                            if (leaderFirst) {
                                ra = a.finish();
                                rh = h.finish();
                            } else {
                                rh = h.finish();
                                ra = a.finish();
                            }
                            return new long[] {ra, rh, a.result(ta), h.result(th)};
                        }), round);
                        assertEquals(-1, got[0], round);
                        assertEquals(-1, got[1], round);
                        assertEquals(v.pid, got[2], round);
                        assertEquals(other.tid(), got[3], round);
                        assertFalse(other.isDead(), round);
                        assertFalse(leader.isDead(), round);
                    }
                }
            }
            assertEquals(3, v.threadCount());
            String out = v.terminate();
            assertTrue(out.contains("PASS"), out);
        }
    }

    /**
     * A thread whose batch ends in its exit, while the leader runs a longer batch that is
     * finished first: the exit the leader's wait comes across is reported by the thread's own
     * finish, and the leader's result is intact.
     */
    @Test
    void aSiblingsExitSeenByTheLeadersWaitIsReportedToItsOwnFinish() throws Exception {
        try (Victim v = Victim.start("idle"); Tracee t = Compel.seize(v.pid)) {
            TraceeThread helper = cloneThread(t);
            Object[] got = withinOrKill(v, t.tracer().submit(() -> {
                SyscallBatch a = new SyscallBatch(t.leader(), 0, 2);
                SyscallBatch h = new SyscallBatch(helper, 1, 2);
                a.op("nanosleep(100 ms)", Syscalls.number("nanosleep"), a.longs(0, 100_000_000L), 0);
                int ta = a.op("gettid", Syscalls.number("gettid"));
                h.op("exit", Syscalls.number("exit"), 0);
                a.start();
                h.start();
                int ra = a.finish();
                RuntimeException hf = null;
                try {
                    h.finish();
                } catch (RuntimeException e) {
                    hf = e;
                }
                return new Object[] {ra, a.result(ta), hf};
            }), "leader first, thread exiting");
            assertEquals(-1, got[0]);
            assertEquals((long) v.pid, got[1]);
            assertTrue(got[2] instanceof org.jcriu.compel.sys.NoSuchProcessException, String.valueOf(got[2]));
            assertTrue(helper.isDead());
            assertEquals(1, v.threadCount());
        }
    }

    /**
     * Waits for work on the tracer; if it hangs (a stop lost, the old wait), kills the victim so
     * that the tracer's waitpid returns, and fails.
     */
    private static <T> T withinOrKill(Victim v, java.util.concurrent.Future<T> f, String what) throws Exception {
        try {
            return f.get(20, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            v.close();
            throw new AssertionError(what + ": batches not finished after 20 s (a stop was lost)");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError(what + ": " + e.getCause(), e.getCause());
        }
    }

    @Test
    void callersAreaIsUsedAndLeftMapped() throws Exception {
        try (Victim v = Victim.start("idle")) {
            long area;
            try (Tracee t = Compel.seize(v.pid)) {
                area = t.syscall("mmap", 0, 1 << 20, 7, 0x22, -1, 0);
                assertTrue(area > 0);
                t.useArea(area, 1 << 20);
                assertEquals(area + Tracee.SCRATCH_DATA, t.scratch());
                assertEquals((1 << 20) - Tracee.SCRATCH_DATA, t.scratchSize());
                SyscallBatch b = new SyscallBatch(t.leader());
                int p = b.op("getpid", Syscalls.number("getpid"));
                assertEquals(-1, b.run());
                assertEquals(v.pid, b.result(p));
                // code run to a trap: the area's syscall; int3 with chosen registers
                UserRegs r = t.leader().getRegs().copy().rip(area).rax(Syscalls.number("getppid")).origRax(-1);
                UserRegs at = t.leader().runToTrap(r);
                assertTrue(at.rax() > 0);
                assertEquals(area + 3, at.rip());
            }
            String maps = Files.readString(Path.of("/proc/" + v.pid + "/maps"));
            assertTrue(maps.contains(Long.toHexString(area) + "-"), "the caller's area stays");
            try (Tracee t = Compel.seize(v.pid)) {
                t.useArea(area, 1 << 20);
                t.forgetArea(); // about to go: compel maps its own area for the munmap
                assertEquals(0, t.syscall("munmap", area, 1 << 20));
            }
            assertFalse(Files.readString(Path.of("/proc/" + v.pid + "/maps")).contains(Long.toHexString(area) + "-"));
            assertTrue(v.terminate().contains("PASS"));
        }
    }

    /** A second thread in the victim, made by remote clone3 (VM, FS, FILES, SIGHAND, THREAD, SYSVSEM). */
    private static TraceeThread cloneThread(Tracee t) {
        ByteBuffer ca = ByteBuffer.allocateDirect(88).order(java.nio.ByteOrder.nativeOrder());
        ca.putLong(0, 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000);
        long args = t.scratch();
        t.writeMemory(args, ca);
        return t.leader().syscallClone(Syscalls.number("clone3"), args, 88).child();
    }
}
