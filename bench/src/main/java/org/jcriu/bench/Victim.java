package org.jcriu.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's victim process ({@code touch}). It is started through
 * {@code setsid -f}, so it is never a child of this JVM (the JDK's reaper must
 * not own a process that criu will trace) and is its own session leader.
 */
final class Victim {
    private final Path heartbeat;
    private int pid;

    private Victim(Path heartbeat) {
        this.heartbeat = heartbeat;
    }

    static Victim start(Path touch, long bytes, Path heartbeat, boolean fds) throws IOException, InterruptedException {
        Files.deleteIfExists(heartbeat);
        List<String> cmd = new ArrayList<>(List.of("setsid", "-f", touch.toString(), Long.toString(bytes), heartbeat.toString()));
        if (fds) cmd.add("--fds");
        Process p = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        p.waitFor();
        Victim v = new Victim(heartbeat);
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (v.counter() <= 0) {
            if (System.nanoTime() > deadline) throw new IOException("victim did not start: " + heartbeat);
            Thread.sleep(5);
        }
        return v;
    }

    int pid() {
        return pid;
    }

    /** The heartbeat counter (and learns the pid), or -1 before the first beat. */
    long counter() {
        try {
            String s = new String(Files.readAllBytes(heartbeat), StandardCharsets.US_ASCII).trim();
            String[] f = s.split("\\s+");
            if (f.length < 2) return -1;
            pid = Integer.parseInt(f[0]);
            return Long.parseLong(f[1]);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Waits until the counter moves past {@code seen}; returns the nanoTime when it did. */
    long awaitBeatAfter(long seen, long timeoutNanos) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            if (counter() > seen) return System.nanoTime();
            if (System.nanoTime() > deadline) throw new IOException("restored victim does not run: " + heartbeat);
            Thread.onSpinWait();
        }
    }

    boolean alive() {
        return pid > 0 && Files.exists(Path.of("/proc", Integer.toString(pid)));
    }

    /** Waits until the pid is gone (killed by a dump, or by us). */
    void awaitGone(long timeoutNanos) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (alive()) {
            if (System.nanoTime() > deadline) throw new IOException("pid " + pid + " is still there");
            Thread.sleep(2);
        }
    }

    /** Kills the pid this benchmark started (or restored), and waits for it. */
    void kill() throws IOException, InterruptedException {
        if (!alive()) return;
        new ProcessBuilder("kill", "-9", Integer.toString(pid)).start().waitFor();
        awaitGone(10_000_000_000L);
    }
}
