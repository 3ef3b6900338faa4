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
                assertEquals(-1, h.finish()); // the leader's last (see SyscallBatch)
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
     * the leader's last (the documented order), and both results come back.
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
