package org.jcriu.soccr;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Network namespaces owned by one test: unique names (pid + counter), loopback
 * up, deleted by {@link #close()} (which also deletes any veth inside them).
 */
final class TestNet implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();
    private final List<String> names = new ArrayList<>();

    /** Creates a namespace with loopback up and returns its name. */
    String add(String tag) throws IOException {
        String name = "soccr-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet() + "-" + tag;
        ip("netns", "add", name);
        names.add(name);
        ip("-n", name, "link", "set", "lo", "up");
        return name;
    }

    static Path path(String ns) {
        return Path.of("/run/netns", ns);
    }

    /** Runs `ip ARGS` and fails on a non-zero exit. */
    static void ip(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        cmd.addAll(List.of(args));
        run(cmd);
    }

    static String run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timeout: " + cmd);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(cmd + " failed: " + out.trim());
        }
        return out;
    }

    /** Network lock: drops every TCP segment arriving in {@code ns} (an nft table of its own) but soccr's marked ones. */
    static void lock(String ns) throws IOException {
        run(List.of("ip", "netns", "exec", ns, "nft", "add table inet soccr_lock; "
                + "add chain inet soccr_lock in { type filter hook prerouting priority -300; policy accept; }; "
                + "add rule inet soccr_lock in meta mark != 0xc114 meta l4proto tcp drop"));
    }

    /** Drops only TCP segments addressed to {@code port} in {@code ns} (one direction of a loopback connection). */
    static void lockPort(String ns, int port) throws IOException {
        run(List.of("ip", "netns", "exec", ns, "nft", "add table inet soccr_lock; "
                + "add chain inet soccr_lock in { type filter hook prerouting priority -300; policy accept; }; "
                + "add rule inet soccr_lock in meta mark != 0xc114 tcp dport " + port + " drop"));
    }

    static void unlock(String ns) throws IOException {
        run(List.of("ip", "netns", "exec", ns, "nft", "delete table inet soccr_lock"));
    }

    /** Enters {@code ns} on the calling thread until the result is closed. */
    static NetNs enter(String ns) throws ErrnoException {
        return NetNs.enter(path(ns).toString(), -1);
    }

    @Override
    public void close() {
        for (String n : names) {
            try {
                ip("netns", "del", n);
            } catch (IOException e) {
                // best effort: nothing else to do in a finally block
            }
        }
        names.clear();
    }
}
