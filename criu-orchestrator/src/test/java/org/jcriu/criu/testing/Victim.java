package org.jcriu.criu.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A victim process for tests: a C program from src/test/c, compiled on first use
 * into target/test-bin and started through the launch helper (double fork), so
 * it is never a Process child of this JVM. Tests kill only the pids they started.
 */
public final class Victim implements AutoCloseable {
    private static final Path SRC = Path.of("src/test/c").toAbsolutePath();
    private static final Path BIN = Path.of("target/test-bin").toAbsolutePath();

    public final int pid;
    public final Path out;

    private Victim(int pid, Path out) {
        this.pid = pid;
        this.out = out;
    }

    /** Compiles src/test/c/NAME.c (if stale) and returns the binary. */
    public static synchronized Path binary(String name, String... cflags) throws IOException, InterruptedException {
        Files.createDirectories(BIN);
        String suffix = cflags.length == 0 ? "" : "-" + Integer.toHexString(String.join(" ", cflags).hashCode());
        Path bin = BIN.resolve(name + suffix);
        Path src = SRC.resolve(name + ".c");
        if (Files.exists(bin) && Files.getLastModifiedTime(bin).compareTo(Files.getLastModifiedTime(src)) > 0) return bin;
        List<String> cmd = new ArrayList<>(List.of("gcc", "-O1", "-g", "-o", bin.toString(), src.toString(), "-lpthread"));
        cmd.addAll(1, List.of(cflags));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String msg = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("gcc failed: " + msg);
        return bin;
    }

    /** Starts src/test/c/NAME.c with args and waits until its output holds "ready". */
    public static Victim start(String name, String... args) throws IOException, InterruptedException {
        return startWith(name, new String[0], args);
    }

    /** As {@link #start} with extra gcc flags. */
    public static Victim startWith(String name, String[] cflags, String... args) throws IOException, InterruptedException {
        return startUnder(new String[0], name, cflags, args);
    }

    /** As {@link #startWith}, the launcher itself run under a wrapper command (e.g. "unshare", "-u"). */
    public static Victim startUnder(String[] wrapper, String name, String[] cflags, String... args)
            throws IOException, InterruptedException {
        Path bin = binary(name, cflags);
        Path launch = binary("launch");
        Path out = Files.createTempDirectory("jcriu-victim-" + name + "-").resolve("out");
        Files.createFile(out);
        List<String> cmd = new ArrayList<>(List.of(wrapper));
        cmd.addAll(List.of(launch.toString(), out.toString(), bin.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0 || s.isEmpty()) throw new IOException("launch failed: " + s);
        Victim v = new Victim(Integer.parseInt(s), out);
        v.awaitOutput("ready", 10_000);
        return v;
    }

    /** Waits until the output file contains text. */
    public void awaitOutput(String text, long timeoutMs) throws IOException, InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        while (!output().contains(text)) {
            if (System.currentTimeMillis() > end) throw new IOException("victim " + pid + " never printed '" + text + "': " + output());
            if (!alive()) throw new IOException("victim " + pid + " died: " + output());
            Thread.sleep(5);
        }
    }

    /** What the victim printed so far. */
    public String output() throws IOException {
        return Files.readString(out, StandardCharsets.ISO_8859_1);
    }

    /** True while /proc/PID exists and is not a zombie. */
    public boolean alive() {
        try {
            String st = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = st.charAt(st.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /** The state letter from /proc/PID/stat, or '-' if gone. */
    public char state() {
        try {
            String st = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return st.charAt(st.lastIndexOf(')') + 2);
        } catch (IOException e) {
            return '-';
        }
    }

    /** True if the task is being traced (TracerPid != 0). */
    public boolean traced() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("TracerPid:")) return !l.substring(10).trim().equals("0");
        }
        return false;
    }

    /** Waits until /proc/PID is gone (PID 1 reaps orphans slowly). */
    public boolean awaitGone(long timeoutMs) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        while (alive()) {
            if (System.currentTimeMillis() > end) return false;
            Thread.sleep(5);
        }
        return true;
    }

    @Override
    public void close() throws Exception {
        // only the pid this test started, and the processes it started
        ProcessHandle.of(pid).ifPresent(h -> {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
        });
        awaitGone(5000);
        try (java.util.stream.Stream<Path> s = Files.walk(out.getParent())) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
