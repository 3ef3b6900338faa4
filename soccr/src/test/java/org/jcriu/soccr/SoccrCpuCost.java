package org.jcriu.soccr;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * Companion to {@link SoccrBenchmark} for a shared, loaded machine: the same
 * three operations, timed by the thread's CPU time (user + kernel, which
 * waiting for a CPU does not inflate) next to wall time.
 *
 * <pre>mvn -B -q -pl soccr -Pjmh test-compile exec:exec -Djmh.main=org.jcriu.soccr.SoccrCpuCost -Djmh.args=</pre>
 */
public final class SoccrCpuCost {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private SoccrCpuCost() {
    }

    interface Op {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        SoccrBenchmark bench = new SoccrBenchmark();
        SoccrBenchmark.Idle idle = new SoccrBenchmark.Idle();
        idle.setUp();
        report("idle connection save+restore", "us", 1e3, 20_000, () -> bench.idleConnection(idle));
        idle.close();
        SoccrBenchmark.IdleOtherNs other = new SoccrBenchmark.IdleOtherNs();
        other.setUp();
        report("idle connection into another netns", "us", 1e3, 20_000, () -> bench.idleConnectionIntoNetns(other));
        other.close();
        SoccrBenchmark.Queued4M q = new SoccrBenchmark.Queued4M();
        q.setUp();
        report("connection with 4 MiB queued", "ms", 1e6, 200, () -> bench.queued4MiB(q));
        q.close();
        SoccrBenchmark.Thousand k = new SoccrBenchmark.Thousand();
        k.setUp();
        report("1000 connections", "ms", 1e6, 40, () -> bench.thousandConnections(k));
        k.close();
    }

    private static void report(String what, String unit, double div, int n, Op op) throws Exception {
        List<String> rounds = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            long c0 = MX.getCurrentThreadCpuTime();
            long w0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                op.run();
            }
            long c1 = MX.getCurrentThreadCpuTime();
            long w1 = System.nanoTime();
            if (round > 0) {
                rounds.add(String.format("cpu %.1f / wall %.1f", (c1 - c0) / div / n, (w1 - w0) / div / n));
            }
        }
        System.out.println(what + " [" + unit + "/op]: " + rounds);
    }
}
