package org.jcriu.compel.bench;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.jcriu.compel.Compel;
import org.jcriu.compel.Parasite;
import org.jcriu.compel.Tracee;
import org.jcriu.compel.sys.Fcntl;
import org.jcriu.compel.sys.Kernel;
import org.jcriu.compel.sys.ProcessVm;
import org.jcriu.compel.sys.Syscalls;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * compel's costs on a real victim (compel/src/test/c/victim.c). Run with the command in
 * Documentation/compel.md ("Benchmarks").
 */
@Fork(value = 1, jvmArgsAppend = {"-XX:-UsePerfData"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class CompelBench {
    private static final int GETPID = Syscalls.number("getpid");

    /** A victim started through the test helper (org.jcriu.compel.Victim). */
    static Object startVictim(String... args) throws Exception {
        Class<?> c = Class.forName("org.jcriu.compel.Victim");
        Method m = c.getDeclaredMethod("start", String[].class);
        m.setAccessible(true);
        return m.invoke(null, (Object) args);
    }

    static int pid(Object v) throws Exception {
        Field f = v.getClass().getDeclaredField("pid");
        f.setAccessible(true);
        return f.getInt(v);
    }

    static String output(Object v) throws Exception {
        Method m = v.getClass().getDeclaredMethod("output");
        m.setAccessible(true);
        return (String) m.invoke(v);
    }

    /** A small idle victim, seized. */
    @State(Scope.Benchmark)
    public static class Seized {
        Object victim;
        Tracee tracee;

        @Setup(Level.Trial)
        public void setup() throws Exception {
            victim = startVictim("idle");
            tracee = Compel.seize(pid(victim));
            tracee.syscall(GETPID); // maps the scratch area
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            tracee.resume();
            ((AutoCloseable) victim).close();
        }
    }

    /** A small idle victim, seized and infected. */
    @State(Scope.Benchmark)
    public static class Infected {
        Object victim;
        Tracee tracee;
        Parasite parasite;

        @Setup(Level.Trial)
        public void setup() throws Exception {
            victim = startVictim("idle");
            tracee = Compel.seize(pid(victim));
            parasite = tracee.infect();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            parasite.cure();
            tracee.resume();
            ((AutoCloseable) victim).close();
        }
    }

    /** One remote syscall (getpid) from the benchmark thread: includes the hand-over to the tracer thread. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long remoteSyscall(Seized s) {
        return s.tracee.syscall(GETPID);
    }

    /** 100 remote syscalls run on the tracer thread: the ptrace round trip alone. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(100)
    public long remoteSyscallOnTracer(Seized s) {
        Tracee t = s.tracee;
        return t.tracer().call(() -> {
            long r = 0;
            for (int i = 0; i < 100; i++) {
                r += t.syscall(GETPID);
            }
            return r;
        });
    }

    /** One parasite command round trip (ping) from the benchmark thread. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int parasiteCommand(Infected s) {
        return s.parasite.ping();
    }

    /** 100 parasite commands run on the tracer thread. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(100)
    public int parasiteCommandOnTracer(Infected s) {
        Parasite p = s.parasite;
        return s.tracee.tracer().call(() -> {
            int r = 0;
            for (int i = 0; i < 100; i++) {
                r += p.ping();
            }
            return r;
        });
    }

    /** Infect and cure a small seized task. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void infectCure(Seized s) {
        s.tracee.infect().cure();
    }

    /** A victim with a big region of touched pages, infected; a fresh tmpfs file per invocation. */
    @State(Scope.Benchmark)
    public static class Pages {
        @Param({"1024"})
        public int mib;
        /** where the image file goes: /dev/shm, or a tmpfs with huge=always mounted for the run */
        @Param({"/dev/shm", "huge-tmpfs"})
        public String target;
        String mounted;
        Object victim;
        Tracee tracee;
        Parasite parasite;
        long addr;
        long len;
        String file;
        int fd = -1;
        ByteBuffer buf;

        @Setup(Level.Trial)
        public void setup() throws Exception {
            victim = startVictim("mem", Integer.toString(mib));
            String[] r = output(victim).replaceAll("(?s).*region (\\S+) (\\S+).*", "$1 $2").split(" ");
            addr = Long.parseUnsignedLong(r[0], 16);
            len = Long.parseUnsignedLong(r[1], 16);
            tracee = Compel.seize(pid(victim));
            parasite = tracee.infect();
            String dir = target;
            if (target.equals("huge-tmpfs")) {
                dir = "/tmp/compel-bench-huge-" + ProcessHandle.current().pid();
                new java.io.File(dir).mkdirs();
                Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "huge=always,size=" + (2 * mib + 64) + "m",
                        "compel-bench", dir).inheritIO().start();
                if (m.waitFor() != 0) {
                    throw new IllegalStateException("cannot mount a tmpfs at " + dir + " (root needed)");
                }
                mounted = dir;
            }
            file = dir + "/compel-bench.img";
            buf = ByteBuffer.allocateDirect(4 << 20);
        }

        @Setup(Level.Invocation)
        public void open() {
            fd = Fcntl.open(file, Fcntl.O_WRONLY | Fcntl.O_CREAT | Fcntl.O_TRUNC, 0600);
        }

        @TearDown(Level.Invocation)
        public void close() {
            Fcntl.close(fd);
            fd = -1;
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            parasite.cure();
            tracee.resume();
            ((AutoCloseable) victim).close();
            new java.io.File(file).delete();
            if (mounted != null) {
                new ProcessBuilder("umount", mounted).inheritIO().start().waitFor();
                new java.io.File(mounted).delete();
            }
        }
    }

    /** 1 GiB: parasite vmsplice into a pipe, splice on into a tmpfs file. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    public long pagesVmspliceToTmpfs(Pages p) {
        return p.parasite.dumpPages(new long[] {p.addr}, new long[] {p.len}, 1, p.fd, 0);
    }

    /** 1 GiB for comparison: process_vm_readv into a 4 MiB direct buffer, write into a tmpfs file. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    public long pagesProcessVmReadvToTmpfs(Pages p) {
        int pid = p.tracee.pid();
        long b = Kernel.address(p.buf);
        long done = 0;
        while (done < p.len) {
            long n = Math.min(p.buf.capacity(), p.len - done);
            long r = ProcessVm.readv(pid, b, n, p.addr + done);
            long w = 0;
            while (w < r) {
                w += Fcntl.write(p.fd, b + w, r - w);
            }
            done += r;
        }
        return done;
    }

    /**
     * A victim with 1 GiB of touched pages and 1024 empty pipes of 1 MiB of ours (made again for
     * each invocation): what a dump does while the tree is frozen. {@code parasite}: the task
     * vmsplices straight into our pipes, {@link Parasite#vmspliceToPipes}, 32 pipes per request;
     * {@code remote}: a pipe made in the task, one remote vmsplice per pipe into it, each moved at
     * once into a pipe of ours by a local splice (jcriu's dump before compel 0.3.0).
     */
    @State(Scope.Benchmark)
    public static class Pinning {
        @Param({"parasite", "remote"})
        public String way;
        static final int MIB = 1024, GROUP = 32;
        Object victim;
        Tracee tracee;
        Parasite parasite;
        long addr;
        int relayRead = -1, relayWrite = -1;
        final int[] reads = new int[MIB], writes = new int[MIB];
        ByteBuffer iov = ByteBuffer.allocateDirect(16).order(java.nio.ByteOrder.nativeOrder());

        @Setup(Level.Trial)
        public void setup() throws Exception {
            victim = startVictim("mem", Integer.toString(MIB));
            String[] r = output(victim).replaceAll("(?s).*region (\\S+) (\\S+).*", "$1 $2").split(" ");
            addr = Long.parseUnsignedLong(r[0], 16);
            tracee = Compel.seize(pid(victim));
            if (way.equals("parasite")) {
                parasite = tracee.infect();
            } else {
                long s = tracee.scratch();
                if (tracee.syscall("pipe2", s, Fcntl.O_CLOEXEC) != 0) {
                    throw new IllegalStateException("pipe2 in the task failed");
                }
                long fds = tracee.readLong(s);
                relayWrite = (int) (fds >>> 32);
                int pidfd = org.jcriu.compel.sys.Pidfd.open(tracee.pid());
                relayRead = org.jcriu.compel.sys.Pidfd.getfd(pidfd, (int) fds);
                Fcntl.close(pidfd);
                org.jcriu.compel.sys.Splice.setPipeSize(relayRead, 1 << 20);
            }
        }

        @Setup(Level.Invocation)
        public void pipes() {
            for (int k = 0; k < MIB; k++) {
                int[] p = Fcntl.pipe2(Fcntl.O_CLOEXEC);
                org.jcriu.compel.sys.Splice.setPipeSize(p[1], 1 << 20);
                reads[k] = p[0];
                writes[k] = p[1];
            }
        }

        @TearDown(Level.Invocation)
        public void closePipes() {
            for (int k = 0; k < MIB; k++) {
                Fcntl.closeQuietly(reads[k]);
                Fcntl.closeQuietly(writes[k]);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            if (parasite != null) {
                parasite.cure();
            } else {
                tracee.syscall("close", relayWrite);
                Fcntl.closeQuietly(relayRead);
            }
            tracee.resume();
            ((AutoCloseable) victim).close();
        }
    }

    /** 1 GiB pinned in 1024 pipes of 1 MiB (no copy): see {@link Pinning}. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    public long pin1GiBInPipes(Pinning p) {
        long done = 0;
        if (p.parasite != null) {
            long[] a = new long[1], l = new long[1];
            int[] w = new int[Pinning.GROUP];
            for (int k = 0; k < Pinning.MIB; k += Pinning.GROUP) {
                System.arraycopy(p.writes, k, w, 0, Pinning.GROUP);
                a[0] = p.addr + ((long) k << 20);
                l[0] = (long) Pinning.GROUP << 20;
                done += p.parasite.vmspliceToPipes(w, Pinning.GROUP, 1 << 20, a, l, 1).total();
            }
        } else {
            long s = p.tracee.scratch();
            for (int k = 0; k < Pinning.MIB; k++) {
                p.iov.clear();
                p.iov.putLong(p.addr + ((long) k << 20)).putLong(1 << 20).flip();
                p.tracee.writeMemory(s, p.iov);
                long n = p.tracee.syscall("vmsplice", p.relayWrite, s, 1, org.jcriu.compel.sys.Splice.SPLICE_F_NONBLOCK);
                for (long m = 0; m < n; ) {
                    m += org.jcriu.compel.sys.Splice.splice(p.relayRead, 0, p.writes[k], 0, n - m, 0);
                }
                done += n;
            }
        }
        if (done != (long) Pinning.MIB << 20) {
            throw new IllegalStateException("pinned " + done + " bytes");
        }
        return done;
    }
}
