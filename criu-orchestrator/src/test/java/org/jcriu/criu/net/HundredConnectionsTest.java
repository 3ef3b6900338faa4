package org.jcriu.criu.net;

import static org.jcriu.criu.net.NetTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jcriu.criu.testing.Victim;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A victim holding 100 established loopback connections, dumped with
 * --tcp-established and restored; every connection talks on. Prints the
 * times of the whole dump and restore and of their TCP part (lock + pause +
 * save; restore of the connections) and appends them to target/net-bench.txt.
 */
class HundredConnectionsTest {
    static final int N = 100;
    @TempDir Path dir;

    @Test
    void hundredConnectionsDumpedAndRestored() throws Exception {
        String before = rules();
        try (Peer peer = new Peer(false); Victim v = InetSocketsTest.startEcho(peer, N, false)) {
            int pid = v.pid;
            for (Peer.Conn c : peer.conns) c.exchange(1000, 5000);
            long t0 = System.nanoTime();
            assertEquals(0, criu("dump", "-t", "" + pid, "-D", dir.toString(), "-o", "dump.log", "-v3",
                    "--tcp-established"), log(dir, "dump.log"));
            long dumpMs = (System.nanoTime() - t0) / 1_000_000;
            awaitPidFree(pid);
            try {
                long t1 = System.nanoTime();
                assertEquals(0, criu("restore", "-D", dir.toString(), "-d", "-o", "restore.log", "-v3",
                        "--tcp-established"), log(dir, "restore.log"));
                long restoreMs = (System.nanoTime() - t1) / 1_000_000;
                assertEquals(before, rules());
                for (Peer.Conn c : peer.conns) c.exchange(2000, 10_000);
                String dlog = log(dir, "dump.log");
                long saved = micros(dlog, "TCP connection\\(s\\) locked \\(\\w+\\) and saved in (\\d+) us");
                long lock = micros(dlog, "\\(lock (\\d+) us");
                long unlock = micros(log(dir, "restore.log"), "network unlocked in (\\d+) us");
                long restored = micros(log(dir, "restore.log"), "TCP connection\\(s\\) restored in (\\d+) us");
                String line = String.format("%s %d connections: dump %d ms (TCP %.1f ms: lock %.1f, pause+save %.1f), restore %d ms"
                        + " (TCP restore %.1f ms, unlock %.1f ms), load %s%n", java.time.Instant.now(), N, dumpMs,
                        saved / 1000.0, lock / 1000.0, (saved - lock) / 1000.0, restoreMs, restored / 1000.0,
                        unlock / 1000.0, Files.readString(Path.of("/proc/loadavg")).trim());
                System.out.print(line);
                Files.writeString(Path.of("target/net-bench.txt"), line, java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
            } finally {
                killAndReap(pid);
            }
        }
    }

    private static long micros(String log, String re) {
        Matcher m = Pattern.compile(re).matcher(log);
        assertTrue(m.find(), log);
        return Long.parseLong(m.group(1));
    }
}
