package org.jcriu.criu.restore;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native stub and compel on their own: a task with a chosen pid and the
 * stub's area handed to compel, one remote syscall, a batch of them, and the
 * cost of each.
 */
class RestoreStubTest {
    static final long TRAMP = 0x200000000L;
    @TempDir Path dir;

    static int freePid() throws Exception {
        int last = Integer.parseInt(Files.readString(Path.of("/proc/sys/kernel/ns_last_pid")).trim());
        int max = Integer.parseInt(Files.readString(Path.of("/proc/sys/kernel/pid_max")).trim());
        for (int p = last + 3000; ; p++) {
            if (p >= max) p = 300;
            if (!Files.exists(Path.of("/proc/" + p))) return p;
        }
    }

    Path stub() throws Exception {
        Path p = dir.resolve("jcriu-restorer");
        try (InputStream in = Restorer.class.getResourceAsStream("/org/jcriu/nativeasm/jcriu-restorer")) {
            assertNotNull(in, "stub resource");
            Files.copy(in, p);
        }
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    int spawn(Path stub, int pid) throws Exception {
        Process p = new ProcessBuilder(stub.toString(), Integer.toString(pid), "0x" + Long.toHexString(TRAMP),
                "0x" + Long.toHexString(Restorer.AREA_SIZE)).start();
        p.getErrorStream().readAllBytes();
        return p.waitFor();
    }

    static void killAndReap(int pid) {
        try {
            org.jcriu.compel.sys.Signal.kill(pid, org.jcriu.compel.sys.Signal.SIGKILL);
        } catch (RuntimeException ignored) {
            // gone
        }
        for (int i = 0; i < 500 && Files.exists(Path.of("/proc/" + pid)); i++) {
            try {
                org.jcriu.compel.sys.Wait.waitpid(pid, org.jcriu.compel.sys.Wait.__WALL | org.jcriu.compel.sys.Wait.WNOHANG);
                Thread.sleep(10);
            } catch (RuntimeException | InterruptedException ignored) {
                // not our child: init reaps it
            }
        }
    }

    @Test
    void stubCreatesTaskWithPidAndTrampolineRunsBatches() throws Exception {
        Path stub = stub();
        int pid = freePid();
        Restorer.becomeSubreaper();
        assertEquals(0, spawn(stub, pid));
        Object[] res = new Object[1];
        Thread t = new Thread(() -> {
            try {
                org.jcriu.compel.Tracer tracer = org.jcriu.compel.Compel.tracerOnThisThread(null);
                org.jcriu.compel.Tracee task = tracer.seize(pid);
                task.killOnTracerExit();
                task.useArea(TRAMP, Restorer.AREA_SIZE);
                org.jcriu.compel.TraceeThread rt = task.leader();
                assertEquals(pid, rt.syscall(39)); // getpid
                assertEquals(TRAMP + org.jcriu.compel.Tracee.SCRATCH_DATA, task.scratch());
                // fds of the JVM are not handed over
                assertEquals(0, Files.list(Path.of("/proc/" + pid + "/fd")).count());
                int n = 200;
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) rt.syscall(39);
                long single = (System.nanoTime() - t0) / n;
                org.jcriu.compel.SyscallBatch b = new org.jcriu.compel.SyscallBatch(rt);
                Remote remote = new Remote();
                for (int i = 0; i < 10_000; i++) b.op("getpid", 39);
                t0 = System.nanoTime();
                remote.run(b);
                long batch = System.nanoTime() - t0;
                assertEquals(pid, b.result(9_999));
                // a failing op stops the batch and names itself
                b.op("getpid", 39);
                b.op("close(12345)", 3, 12345);
                b.op("getpid", 39);
                RestoreException e = assertThrows(RestoreException.class, () -> remote.run(b));
                assertTrue(e.getMessage().startsWith("close(12345) in task " + pid + " failed with error(9)"), e.getMessage());
                res[0] = "single remote syscall " + single / 1000.0 + " us; batch of 10000: " + batch / 1000 + " us ("
                        + batch / 10_000 + " ns/op)";
            } catch (Throwable e) {
                res[0] = e;
            }
        });
        t.start();
        t.join();
        killAndReap(pid);
        if (res[0] instanceof Throwable th) throw new AssertionError(th);
        System.out.println("RestoreStubTest: " + res[0]);
    }

    @Test
    void stubReportsTakenPid() throws Exception {
        Path stub = stub();
        int self = (int) ProcessHandle.current().pid();
        assertEquals(Errnos.EEXIST, spawn(stub, self));
    }
}
