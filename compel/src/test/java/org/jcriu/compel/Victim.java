package org.jcriu.compel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jcriu.compel.sys.Fcntl;
import org.jcriu.compel.sys.Pidfd;
import org.jcriu.compel.sys.Poll;
import org.jcriu.compel.sys.Signal;

/**
 * A test victim (src/test/c/victim.c) started detached through src/test/c/spawn.c, so that it is
 * never a Process child of this JVM. Only pids started here are ever signalled.
 */
final class Victim implements AutoCloseable {
    static final Path BIN = Paths.get("target", "test-c");
    private static boolean built;

    final int pid;
    final Path out;
    /** signals go through a pidfd: pids are reused quickly here (pid_max 32768, busy machine) */
    private final int pidfd;
    private boolean gone;

    private Victim(int pid, Path out) {
        this.pid = pid;
        this.out = out;
        this.pidfd = Pidfd.open(pid);
    }

    /** Sends a signal to this victim (never to a process that took its pid later). */
    void signal(int sig) {
        Pidfd.sendSignal(pidfd, sig);
    }

    /** @return whether the victim has not exited yet */
    boolean alive() {
        return Poll.poll(pidfd, Poll.POLLIN, 0) == 0;
    }

    static synchronized void build() throws IOException, InterruptedException {
        if (built) {
            return;
        }
        Process p = new ProcessBuilder("make", "-s", "-C", "src/test/c", "OUT=" + BIN.toAbsolutePath())
                .redirectErrorStream(true).start();
        String msg = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("make of test victims failed: " + msg);
        }
        built = true;
    }

    /** Starts {@code victim MODE ARGS...} and waits for its "ready". */
    static Victim start(String... args) throws Exception {
        build();
        Path out = Files.createTempFile("compel-victim", ".out");
        List<String> cmd = new ArrayList<>();
        cmd.add(BIN.resolve("spawn").toAbsolutePath().toString());
        cmd.add(out.toString());
        cmd.add(BIN.resolve("victim").toAbsolutePath().toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        if (p.waitFor() != 0) {
            throw new IOException("spawn failed: " + line);
        }
        Victim v = new Victim(Integer.parseInt(line), out);
        long end = System.nanoTime() + 5_000_000_000L;
        while (!v.output().contains("ready")) {
            if (System.nanoTime() > end) {
                v.close();
                throw new IOException("victim not ready: " + v.output());
            }
            Thread.sleep(2);
        }
        return v;
    }

    String output() throws IOException {
        return Files.readString(out, StandardCharsets.US_ASCII);
    }

    /** Sends SIGTERM, waits for the exit, returns its output. */
    String terminate() throws Exception {
        signal(Signal.SIGTERM);
        waitGone();
        return output();
    }

    void waitGone() {
        if (Poll.poll(pidfd, Poll.POLLIN, 10_000) == 0) {
            throw new AssertionError("victim " + pid + " did not exit");
        }
        gone = true;
    }

    /** @return the state letter of /proc/PID/stat (R, S, T, t, Z...) */
    char state() throws IOException {
        String st = Files.readString(Paths.get("/proc/" + pid + "/stat"));
        return st.charAt(st.lastIndexOf(')') + 2);
    }

    /** @return how many threads the task has */
    int threadCount() throws IOException {
        try (Stream<Path> s = Files.list(Paths.get("/proc/" + pid + "/task"))) {
            return (int) s.count();
        }
    }

    String maps() throws IOException {
        return Files.readString(Paths.get("/proc/" + pid + "/maps"));
    }

    /** fd number -> link target */
    TreeMap<Integer, String> fds() throws IOException {
        TreeMap<Integer, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(Paths.get("/proc/" + pid + "/fd"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                try {
                    m.put(Integer.parseInt(p.getFileName().toString()), Files.readSymbolicLink(p).toString());
                } catch (NoSuchFileException e) {
                    // closed meanwhile
                }
            }
        }
        return m;
    }

    /** The Sig* and Shd* lines of /proc/PID/status of every thread. */
    String signalState() throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> s = Files.list(Paths.get("/proc/" + pid + "/task")).sorted()) {
            for (Path t : (Iterable<Path>) s::iterator) {
                for (String l : Files.readAllLines(t.resolve("status"))) {
                    if ((l.startsWith("Sig") && !l.startsWith("SigQ")) || l.startsWith("Shd")) {
                        sb.append(t.getFileName()).append(' ').append(l).append('\n');
                    }
                }
            }
        }
        return sb.toString();
    }

    /** Everything the tests compare before and after. */
    String snapshot() throws IOException {
        return maps() + "\n" + fds() + "\n" + signalState();
    }

    @Override
    public void close() {
        if (!gone) {
            try {
                signal(Signal.SIGKILL);
            } catch (RuntimeException e) {
                // already gone
            }
            gone = true;
        }
        Fcntl.closeQuietly(pidfd);
        try {
            Files.deleteIfExists(out);
        } catch (IOException e) {
            // leave it
        }
    }
}
