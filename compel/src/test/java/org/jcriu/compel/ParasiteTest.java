package org.jcriu.compel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.jcriu.compel.sys.Fcntl;
import org.jcriu.compel.sys.Mman;
import org.jcriu.compel.sys.Signal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParasiteTest {

    private static void assertPass(String out) {
        assertTrue(out.contains("PASS"), "victim reported: " + out);
    }

    private static List<UserRegs> regs(Tracee t) {
        List<UserRegs> l = new ArrayList<>();
        for (TraceeThread th : t.threads()) {
            l.add(th.getRegs());
        }
        return l;
    }

    /**
     * The xstate with XSTATE_BV's SSE and AVX bits cleared where those registers are all zero:
     * the processor may report a component in its init state either way (its init optimisation
     * clears the bit at any XSAVE once XMM/YMM hold zeros), so only the registers must match.
     */
    private static XState initNormalised(XState x) {
        byte[] b = x.bytes();
        if (b.length < 520) return x;
        java.nio.ByteBuffer le = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long bv = le.getLong(512);
        if (zero(b, 160, 416)) bv &= ~2L; // XMM0-15
        if (b.length >= 832 && zero(b, 576, 832)) bv &= ~4L; // upper halves of YMM0-15
        le.putLong(512, bv);
        return new XState(b);
    }

    private static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) if (b[i] != 0) return false;
        return true;
    }

    private static List<Long> masks(Tracee t) {
        List<Long> l = new ArrayList<>();
        for (TraceeThread th : t.threads()) {
            l.add(th.getSigmask());
        }
        return l;
    }

    @ParameterizedTest
    @ValueSource(strings = {"compute", "threads", "nanosleep", "pipe", "futex", "epoll", "signals", "stopped"})
    void infectCureLeavesNoTrace(String mode) throws Exception {
        boolean stop = mode.equals("stopped");
        try (Victim v = Victim.start(stop ? "compute" : mode, "8")) {
            if (stop) {
                v.signal(Signal.SIGSTOP);
                while (v.state() != 'T') {
                    Thread.sleep(1);
                }
            }
            Thread.sleep(20);
            String before = v.snapshot();
            try (Tracee t = Compel.seize(v.pid)) {
                List<UserRegs> r0 = regs(t);
                List<Long> m0 = masks(t);
                XState x0 = t.leader().getXState();
                for (int round = 0; round < 3; round++) {
                    try (Parasite p = t.infect()) {
                        assertEquals(Parasite.PROTO, p.ping());
                        assertEquals(v.pid, p.misc().pid());
                        assertEquals(t.threads().size(), p.threads().size());
                        assertEquals(64, p.sigactions().size());
                        String during = v.maps();
                        assertNotEquals(before.substring(0, before.indexOf("\n\n")), during);
                    }
                    assertEquals(r0, regs(t));
                    assertEquals(m0, masks(t));
                    assertEquals(initNormalised(x0), initNormalised(t.leader().getXState()));
                }
            }
            assertEquals(before, v.snapshot());
            if (stop) {
                Thread.sleep(20);
                assertEquals('T', v.state());
                v.signal(Signal.SIGCONT);
            }
            Thread.sleep(50);
            assertPass(v.terminate());
        }
    }

    @Test
    void commandsSeeTheTasksState() throws Exception {
        try (Victim v = Victim.start("signals")) {
            TreeMap<Integer, String> fdsBefore = v.fds();
            try (Tracee t = Compel.seize(v.pid); Parasite p = t.infect()) {
                List<Sigaction> acts = p.sigactions();
                Sigaction usr1 = acts.get(Signal.SIGUSR1 - 1);
                assertEquals(Signal.SA_SIGINFO | Signal.SA_RESTART, usr1.flags() & (Signal.SA_SIGINFO | Signal.SA_RESTART));
                assertEquals(Signal.bit(Signal.SIGUSR2), usr1.mask());
                assertEquals(Signal.SIG_IGN, acts.get(Signal.SIGPIPE - 1).handler());
                assertEquals(Signal.SIG_DFL, acts.get(Signal.SIGCHLD - 1).handler());
                assertTrue(acts.get(Signal.SIGTERM - 1).handler() > 1);

                TaskMisc m = p.misc();
                assertEquals("victim", m.comm());
                assertEquals(v.pid, m.pid());
                assertEquals(v.pid, m.tid());
                assertEquals(1, m.dumpable());

                Creds c = p.creds();
                String status = Files.readString(Paths.get("/proc/" + v.pid + "/status"));
                assertTrue(status.contains("Uid:\t" + c.uid() + "\t" + c.euid() + "\t" + c.suid() + "\t" + c.fsuid()));
                String capEff = status.replaceAll("(?s).*CapEff:\\s*([0-9a-f]+).*", "$1");
                assertEquals(Long.parseUnsignedLong(capEff, 16), c.capEffective());

                List<ITimer> its = p.itimers();
                assertEquals(3, its.size());
                assertTrue(its.get(0).valueSec() > 150 && its.get(0).valueSec() <= 200, its.toString());
                assertEquals(0, its.get(0).intervalSec());
                List<PosixTimer> pts = p.posixTimers();
                assertEquals(1, pts.size(), pts.toString());
                assertEquals(37 /* glibc SIGRTMIN + 3 */, pts.get(0).signal());
                assertEquals(1 /* CLOCK_MONOTONIC */, pts.get(0).clockId());
                assertEquals(100, pts.get(0).intervalSec());
                assertTrue(pts.get(0).valueSec() > 50 && pts.get(0).valueSec() <= 100, pts.toString());
                assertEquals(v.pid, p.syscall(39));

                int[] fds = p.fds(fdsBefore.keySet().stream().mapToInt(Integer::intValue).toArray());
                int i = 0;
                for (String target : fdsBefore.values()) {
                    assertEquals(target, Files.readSymbolicLink(Paths.get("/proc/self/fd/" + fds[i])).toString());
                    Fcntl.close(fds[i++]);
                }
                ThreadMisc th = p.threads().get(0);
                assertEquals(2 /* SS_DISABLE */, th.altstackFlags());
                assertTrue(th.clearTid() != 0);
            }
            assertEquals(fdsBefore, v.fds());
            assertPass(v.terminate());
        }
    }

    /** The victim's pattern region, as it prints it ("region ADDR LEN", hex): {addr, len}. */
    private static long[] region(Victim v) throws Exception {
        String[] r = v.output().replaceAll("(?s).*region (\\S+) (\\S+).*", "$1 $2").split(" ");
        return new long[] {Long.parseUnsignedLong(r[0], 16), Long.parseLong(r[1], 16)};
    }

    @Test
    void pagesThroughVmsplice() throws Exception {
        try (Victim v = Victim.start("threads", "2")) {
            long[] region = region(v);
            long addr = region[0];
            int len = (int) region[1];
            Path out = Files.createTempFile("compel-pages", ".img");
            try (Tracee t = Compel.seize(v.pid); Parasite p = t.infect()) {
                // the region in three pieces, twice, the second time after a hole
                long[] addrs = {addr, addr + 4096, addr + 3 * 4096};
                long[] lens = {4096, 2 * 4096, len - 3 * 4096};
                int fd = Fcntl.open(out.toString(), Fcntl.O_WRONLY | Fcntl.O_TRUNC, 0);
                try {
                    assertEquals(len, p.dumpPages(addrs, lens, 3, fd, 0));
                    assertEquals(len, p.dumpPages(addrs, lens, 3, fd, len + 8192));
                } finally {
                    Fcntl.close(fd);
                }
                assertEquals(2L * len + 8192, Files.size(out));
                ByteBuffer mem = ByteBuffer.allocateDirect(len);
                t.readMemory(addr, mem);
                byte[] expect = toArray(mem);
                byte[] all = Files.readAllBytes(out);
                assertArrayEquals(expect, java.util.Arrays.copyOfRange(all, 0, len));
                assertArrayEquals(expect, java.util.Arrays.copyOfRange(all, len + 8192, 2 * len + 8192));
                ByteBuffer e = ByteBuffer.wrap(expect).order(java.nio.ByteOrder.nativeOrder());
                assertEquals(12345L * 2654435761L, e.getLong(12345 * 8));
            } finally {
                Files.deleteIfExists(out);
            }
            assertPass(v.terminate());
        }
    }

    @Test
    void pagesPinnedInPipesOfOursInOneRequest() throws Exception {
        try (Victim v = Victim.start("threads", "2")) {
            long[] region = region(v);
            long addr = region[0];
            int len = (int) region[1];
            int pipeSize = 64 << 10;
            int[][] pipes = new int[64][];
            try (Tracee t = Compel.seize(v.pid)) {
                TreeMap<Integer, String> fdsBefore = v.fds();
                ByteBuffer mem = ByteBuffer.allocateDirect(len);
                t.readMemory(addr, mem);
                byte[] expect = toArray(mem);
                for (int k = 0; k < pipes.length; k++) {
                    pipes[k] = Fcntl.pipe2(Fcntl.O_CLOEXEC | Fcntl.O_NONBLOCK);
                    assertEquals(pipeSize, org.jcriu.compel.sys.Splice.setPipeSize(pipes[k][1], pipeSize));
                }
                int[] w = new int[pipes.length];
                for (int k = 0; k < w.length; k++) {
                    w[k] = pipes[k][1];
                }
                try (Parasite p = t.infect()) {
                    TreeMap<Integer, String> infected = v.fds();
                    // the region in three ranges; 40 pipes of 64 KiB hold 2.5 of its 4 MiB
                    long[] addrs = {addr, addr + 4096, addr + 3 * 4096};
                    long[] lens = {4096, 2 * 4096, len - 3 * 4096};
                    PipeFill f = p.vmspliceToPipes(w, 40, pipeSize, addrs, lens, 3);
                    assertEquals(40L * pipeSize, f.total());
                    assertEquals(40, f.pipesTaken());
                    assertEquals(0, f.errno());
                    for (int k = 0; k < 40; k++) {
                        assertEquals(pipeSize, f.perPipe()[k], "pipe " + k);
                    }
                    // the rest into the next 24 pipes, the last 24 given pipes stay empty
                    long at = f.total();
                    int[] rest = java.util.Arrays.copyOfRange(w, 40, 64);
                    PipeFill g = p.vmspliceToPipes(rest, 24, pipeSize, new long[] {addr + at},
                            new long[] {len - at}, 1);
                    assertEquals(len - at, g.total());
                    assertEquals(0, g.errno());
                    assertEquals(24, g.pipesTaken());
                    // byte for byte, pipe after pipe, what the task's memory holds
                    for (int k = 0; k < 64; k++) {
                        byte[] got = drain(pipes[k][0], pipeSize);
                        assertArrayEquals(java.util.Arrays.copyOfRange(expect, k * pipeSize, (k + 1) * pipeSize), got,
                                "pipe " + k);
                    }
                    // a page the task cannot read (PROT_NONE) stops the fill there: EFAULT
                    assertEquals(0, p.syscall(org.jcriu.compel.sys.Syscalls.number("mprotect"), addr + 5 * 4096, 4096,
                            Mman.PROT_NONE));
                    PipeFill h = p.vmspliceToPipes(w, 2, pipeSize, new long[] {addr}, new long[] {len}, 1);
                    assertEquals(5 * 4096, h.total());
                    assertEquals(14 /* EFAULT */, h.errno());
                    assertEquals(5 * 4096, h.perPipe()[0]);
                    assertEquals(0, h.perPipe()[1]);
                    assertArrayEquals(java.util.Arrays.copyOfRange(expect, 0, 5 * 4096), drain(pipes[0][0], 5 * 4096));
                    assertEquals(0, p.syscall(org.jcriu.compel.sys.Syscalls.number("mprotect"), addr + 5 * 4096, 4096,
                            Mman.PROT_READ | Mman.PROT_WRITE));
                    // the task's copies of the pipes are closed before each answer
                    assertEquals(infected, v.fds());
                }
                assertEquals(fdsBefore, v.fds());
            } finally {
                for (int[] pp : pipes) {
                    if (pp != null) {
                        Fcntl.closeQuietly(pp[0]);
                        Fcntl.closeQuietly(pp[1]);
                    }
                }
            }
            assertPass(v.terminate());
        }
    }

    /** Reads exactly n bytes from a non-blocking pipe, and checks nothing more is in it. */
    private static byte[] drain(int fd, int n) {
        ByteBuffer b = ByteBuffer.allocateDirect(n + 1);
        long base = com.sun.jna.Pointer.nativeValue(com.sun.jna.Native.getDirectBufferPointer(b));
        int got = 0;
        while (got < n + 1) {
            long r;
            try {
                r = Fcntl.read(fd, base + got, n + 1 - got);
            } catch (org.jcriu.compel.sys.ErrnoException e) {
                assertEquals(11 /* EAGAIN */, e.errno());
                break;
            }
            if (r <= 0) {
                break;
            }
            got += (int) r;
        }
        assertEquals(n, got, "bytes in the pipe");
        byte[] a = new byte[n];
        b.get(0, a);
        return a;
    }

    private static byte[] toArray(ByteBuffer b) {
        b.flip();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    @Test
    void taskDyingMidwayIsAnErrorNotAHang() throws Exception {
        try (Victim v = Victim.start("threads", "2")) {
            Tracee t = Compel.seize(v.pid);
            Parasite p = t.infect();
            assertEquals(Parasite.PROTO, p.ping());
            v.signal(Signal.SIGKILL);
            org.junit.jupiter.api.Assertions.assertThrows(org.jcriu.compel.sys.NoSuchProcessException.class, () -> {
                for (int i = 0; i < 1000; i++) {
                    p.ping();
                }
            });
            try {
                t.close();
            } catch (CompelException e) {
                // a dead task may report its death once more
            }
            assertTrue(!t.isAttached());
            p.close();
        }
    }

    @Test
    void stopSignalArrivingWhileInfectedIsKept() throws Exception {
        try (Victim v = Victim.start("compute")) {
            try (Tracee t = Compel.seize(v.pid); Parasite p = t.infect()) {
                v.signal(Signal.SIGSTOP);
                Thread.sleep(20);
                assertEquals(Parasite.PROTO, p.ping());
                assertEquals(v.pid, p.misc().pid());
            }
            Thread.sleep(50);
            assertEquals('T', v.state());
            v.signal(Signal.SIGCONT);
            Thread.sleep(20);
            assertPass(v.terminate());
        }
    }

    @Test
    void leaderGoneOtherThreadLivesOn() throws Exception {
        try (Victim v = Victim.start("zombie-leader")) {
            Thread.sleep(20);
            String before = v.snapshot();
            try (Tracee t = Compel.seize(v.pid)) {
                assertEquals(1, t.threads().size());
                TraceeThread main = t.leader();
                assertNotEquals(v.pid, main.tid());
                assertEquals(main.tid(), t.syscall("gettid"));
                UserRegs r = main.getRegs();
                try (Parasite p = t.infect()) {
                    assertEquals(v.pid, p.misc().pid());
                    assertEquals(main.tid(), p.misc().tid());
                }
                assertEquals(r, main.getRegs());
            }
            assertEquals(before, v.snapshot());
            assertPass(v.terminate());
        }
    }

    @Test
    void aCrashingParasiteIsCuredCleanly() throws Exception {
        // in pause(): the crash below (a bad rt_sigreturn) also resets the task's restart
        // block, which a victim in nanosleep would notice
        try (Victim v = Victim.start("idle")) {
            Thread.sleep(20);
            String before = v.snapshot();
            try (Tracee t = Compel.seize(v.pid)) {
                UserRegs r = t.leader().getRegs();
                long mask = t.leader().getSigmask();
                List<Sigaction> acts;
                try (Parasite p = t.infect()) {
                    acts = p.sigactions();
                    // rt_sigreturn on the parasite's stack: a garbage frame, the thread faults
                    CompelException e = org.junit.jupiter.api.Assertions.assertThrows(CompelException.class,
                            () -> p.syscall(15));
                    assertTrue(e.getMessage().contains("died with signal"), e.getMessage());
                }
                assertEquals(r, t.leader().getRegs());
                assertEquals(mask, t.leader().getSigmask());
                try (Parasite p = t.infect()) {
                    assertEquals(acts, p.sigactions());
                }
            }
            assertEquals(before, v.snapshot());
            Thread.sleep(400);
            assertPass(v.terminate());
        }
    }

    @Test
    void thousandCycles() throws Exception {
        try (Victim v = Victim.start("threads", "2")) {
            String before = v.snapshot();
            try (Tracee t = Compel.seize(v.pid)) {
                List<UserRegs> r0 = regs(t);
                for (int i = 0; i < 1000; i++) {
                    try (Parasite p = t.infect()) {
                        p.ping();
                    }
                }
                assertEquals(r0, regs(t));
            }
            assertEquals(before, v.snapshot());
            for (int i = 0; i < 100; i++) {
                try (Tracee t = Compel.seize(v.pid); Parasite p = t.infect()) {
                    p.ping();
                }
            }
            assertEquals(before, v.snapshot());
            Thread.sleep(20);
            assertPass(v.terminate());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"compute", "idle"})
    void killOfTheInfectingJvmLeavesTheVictimAlive(String mode) throws Exception {
        try (Victim v = Victim.start(mode)) {
            UserRegs regs = null;
            XState xs = null;
            long mask = 0;
            if (mode.equals("idle")) {
                try (Tracee t = Compel.seize(v.pid)) {
                    regs = t.leader().getRegs();
                    xs = t.leader().getXState();
                    mask = t.leader().getSigmask();
                }
            }
            String cp = System.getProperty("java.class.path");
            Process jvm = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-cp", cp, InfectAndWait.class.getName(),
                    Integer.toString(v.pid)).redirectErrorStream(true).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(jvm.getInputStream()))) {
                String line = r.readLine();
                assertEquals("infected", line);
                assertTrue(v.maps().contains("/memfd:compel"));
                jvm.destroyForcibly().waitFor();
            }
            Thread.sleep(300);
            assertNotEquals('Z', v.state());
            assertNotEquals('t', v.state());
            if (regs != null) {
                // back in its own pause(), with its own registers, mask and FPU state
                try (Tracee t = Compel.seize(v.pid)) {
                    assertEquals(regs, t.leader().getRegs());
                    assertEquals(mask, t.leader().getSigmask());
                    assertEquals(xs, t.leader().getXState());
                }
            }
            assertPass(v.terminate());
        }
    }
}
