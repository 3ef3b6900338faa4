package org.jcriu.criu.dump;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.jcriu.criu.testing.Victim;
import org.junit.jupiter.api.Test;

/**
 * The figure: 1 GiB of touched anonymous memory in one task, dumped (and
 * killed) N times; prints each run and the best. Runs only with -Djcriu.bench=1;
 * -Djcriu.bench.dir=DIR for the images (default /var/tmp, ext4 here), -Djcriu.bench.runs=N.
 * The dumper runs in this (warm) JVM: add the CLI's JVM start (about 0.3 to 0.5 s) for
 * `bin/criu dump` wall time.
 */
class Dump1GiBBenchmark {
    @Test
    void oneGiB() throws Exception {
        String on = System.getProperty("jcriu.bench", "");
        assumeTrue(on.equals("1") || on.equals("true"), "benchmark: run with -Djcriu.bench=1");
        Path base = Path.of(System.getProperty("jcriu.bench.dir", "/var/tmp"));
        int runs = Integer.getInteger("jcriu.bench.runs", 5);
        DumpStats best = null;
        for (int i = 0; i < runs; i++) {
            Path dir = Files.createTempDirectory(base, "jcriu-bench-");
            try (Victim v = Victim.start("counter", "1024")) {
                new ProcessBuilder("sync").start().waitFor();
                DumpStats s = Dumper.dump(DumpOptions.of(v.pid, dir));
                System.out.printf("run %d: wall %d ms, frozen %d ms, freezing %d ms, memdump %d ms, memwrite %d ms, "
                        + "%d pages, %.2f GB/s (bytes / frozen)%n", i, s.wallTime / 1000, s.frozenTime / 1000,
                        s.freezingTime / 1000, s.memdumpTime / 1000, s.memwriteTime / 1000, s.pagesWritten,
                        s.pagesWritten * 4096.0 / (s.frozenTime * 1000.0));
                if (best == null || s.frozenTime < best.frozenTime) best = s;
            } finally {
                try (Stream<Path> w = Files.walk(dir)) {
                    w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        System.out.println("best: " + best + ", wall " + best.wallTime / 1000 + " ms");
    }
}
