package org.jcriu.compel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Paths;
import org.jcriu.compel.sys.Signal;
import org.jcriu.compel.sys.Syscalls;
import org.junit.jupiter.api.Test;

/** What the restorer needs: remote clone, syscall-exit stops, chosen registers and state at detach. */
class RestoreApiTest {

    @Test
    void remoteForkGivesATracedStoppedChild() throws Exception {
        try (Victim v = Victim.start("idle"); Tracee t = Compel.seize(v.pid)) {
            TraceeThread.CloneResult c = t.leader().syscallClone(Syscalls.number("fork"));
            int child = (int) c.result();
            assertTrue(child > 0, "fork: " + child);
            TraceeThread th = c.child();
            assertNotNull(th);
            assertEquals(child, th.tid());
            assertEquals(TraceeThread.Found.NEW, th.found());
            assertNotEquals(t, th.tracee());
            assertEquals(child, th.tracee().pid());
            assertEquals('t', Files.readString(Paths.get("/proc/" + child + "/stat")).replaceAll(".*\\) ", "").charAt(0));
            // the child starts right after the syscall, with rax 0
            assertEquals(0, th.getRegs().rax());
            assertEquals(child, th.syscall("getpid"));
            assertEquals(v.pid, th.syscall("getppid"));
            th.tracee().kill();
            assertFalse(th.tracee().isAttached());
        }
    }

    @Test
    void remoteClone3MakesATracedThread() throws Exception {
        try (Victim v = Victim.start("idle")) {
            try (Tracee t = Compel.seize(v.pid)) {
                long args = t.scratch() + 1024;
                // struct clone_args: flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls...
                java.nio.ByteBuffer ca = java.nio.ByteBuffer.allocateDirect(88).order(java.nio.ByteOrder.nativeOrder());
                long flags = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000; // VM FS FILES SIGHAND THREAD SYSVSEM
                ca.putLong(0, flags);
                t.writeMemory(args, ca);
                TraceeThread.CloneResult c = t.leader().syscallClone(Syscalls.number("clone3"), args, 88);
                assertTrue(c.result() > 0, "clone3: " + c.result());
                TraceeThread th = c.child();
                assertEquals(t, th.tracee());
                assertEquals(2, t.threads().size());
                assertEquals(2, v.threadCount());
                assertEquals(th.tid(), th.syscall("gettid"));
                assertEquals(v.pid, th.syscall("getpid"));
                // let it go away again
                org.junit.jupiter.api.Assertions.assertThrows(org.jcriu.compel.sys.NoSuchProcessException.class,
                        () -> th.syscall("exit", 0));
                assertTrue(th.isDead());
            }
            Thread.sleep(50);
            assertEquals(1, v.threadCount());
            assertTrue(v.terminate().contains("PASS"));
        }
    }

    @Test
    void runToSyscallExitThenLoadRegisters() throws Exception {
        try (Victim v = Victim.start("idle")) {
            try (Tracee t = Compel.seize(v.pid)) {
                TraceeThread l = t.leader();
                UserRegs orig = l.getRegs();
                long scratch = t.scratch(); // code: syscall; int3 at scratch - 64
                UserRegs r = orig.copy().rip(scratch - Tracee.SCRATCH_DATA).rax(Syscalls.number("getpid")).origRax(-1);
                l.setRegs(r);
                UserRegs exit = l.runToSyscallExit();
                assertEquals(v.pid, exit.rax());
                assertEquals(scratch - Tracee.SCRATCH_DATA + 2, exit.rip());
                l.leaveSyscallStop();
                l.setRegs(orig);
                assertEquals(v.pid, t.syscall("getpid"));
            }
            Thread.sleep(50);
            assertEquals('S', v.state());
            assertTrue(v.terminate().contains("PASS"));
        }
    }

    @Test
    void detachStoppedThenRunning() throws Exception {
        try (Victim v = Victim.start("compute")) {
            Tracee t = Compel.seize(v.pid);
            t.detach(Tracee.AfterDetach.STOPPED);
            Thread.sleep(50);
            assertEquals('T', v.state());
            t.detach(Tracee.AfterDetach.RUNNING); // no-op: already detached
            t = Compel.seize(v.pid);
            assertEquals(TraceeThread.Found.STOPPED, t.leader().found());
            t.detach(Tracee.AfterDetach.RUNNING);
            Thread.sleep(50);
            assertNotEquals('T', v.state());
            assertTrue(v.terminate().contains("PASS"));
        }
    }

    @Test
    void tracerBoundToThisThread() throws Exception {
        try (Victim v = Victim.start("nanosleep"); Tracer tr = Compel.tracerOnThisThread(null)) {
            Tracee t = tr.seize(v.pid);
            assertEquals(v.pid, t.syscall("getpid"));
            Thread other = new Thread(() -> {
                try {
                    t.syscall("getpid");
                    throw new AssertionError("ran from another thread");
                } catch (CompelException e) {
                    assertTrue(e.getMessage().contains("bound"), e.getMessage());
                }
            });
            other.start();
            other.join();
            t.resume();
            assertTrue(v.alive());
        }
    }
}
