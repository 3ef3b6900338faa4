package org.jcriu.criu.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Per-connection network lock for --tcp-established: while a connection is
 * paused, saved, or not yet restored, every packet of its 4-tuple (both
 * directions) is dropped, so the peer sees losses and retransmits instead of
 * meeting a reset. Packets marked 0xC114 pass (soccr marks the FIN it
 * replays for half-closed connections).
 *
 * <p>{@link NetworkLockMethod#IPTABLES} (CRIU's default): a chain {@code JCRIU-<name>} of
 * DROP rules in the filter table, jumped to from the head of INPUT and
 * OUTPUT, loaded with one iptables-restore (ip6tables-restore for IPv6)
 * --noflush call. {@link NetworkLockMethod#NFTABLES}: a table {@code inet jcriu-<name>}
 * with input and output base chains, loaded with one {@code nft -f -}.
 * {@link NetworkLockMethod#SKIP}: nothing (the caller locks the network itself).
 * Unlocking removes the chain or table whole; it is idempotent.
 */
final class NetworkLock {
    static final String MARK = "0xc114";

    /** One connection: our end and the peer's. */
    record Conn(SockAddr local, SockAddr remote) {
        boolean v6() {
            return local.wire().length == 16;
        }
    }

    private NetworkLock() {}

    static String chain(String name) {
        return "JCRIU-" + name;
    }

    static String table(String name) {
        return "jcriu-" + name;
    }

    /** Drops every packet of these connections until {@link #unlock}. */
    static void lock(NetworkLockMethod m, String name, List<Conn> conns) throws IOException {
        if (m == NetworkLockMethod.SKIP || conns.isEmpty()) return;
        if (m == NetworkLockMethod.NFTABLES) {
            StringBuilder in = new StringBuilder(), out = new StringBuilder();
            for (Conn c : conns) {
                String ip = c.v6() ? "ip6" : "ip";
                String l = SockAddr.text(c.local.wire()), r = SockAddr.text(c.remote.wire());
                in.append("    meta mark != ").append(MARK).append(' ').append(ip).append(" saddr ").append(r)
                        .append(" tcp sport ").append(c.remote.port()).append(' ').append(ip).append(" daddr ").append(l)
                        .append(" tcp dport ").append(c.local.port()).append(" drop\n");
                out.append("    meta mark != ").append(MARK).append(' ').append(ip).append(" saddr ").append(l)
                        .append(" tcp sport ").append(c.local.port()).append(' ').append(ip).append(" daddr ").append(r)
                        .append(" tcp dport ").append(c.remote.port()).append(" drop\n");
            }
            String t = table(name);
            run(List.of("nft", "-f", "-"), "add table inet " + t + "\ndelete table inet " + t + "\n"
                    + "table inet " + t + " {\n  chain input {\n    type filter hook input priority filter; policy accept;\n"
                    + in + "  }\n  chain output {\n    type filter hook output priority filter; policy accept;\n" + out
                    + "  }\n}\n");
            return;
        }
        for (boolean v6 : new boolean[] {false, true}) {
            StringBuilder s = new StringBuilder();
            String ch = chain(name), mask = v6 ? "/128" : "/32";
            for (Conn c : conns) {
                if (c.v6() != v6) continue;
                String l = SockAddr.text(c.local.wire()) + mask, r = SockAddr.text(c.remote.wire()) + mask;
                s.append("-A ").append(ch).append(" -p tcp -s ").append(r).append(" --sport ").append(c.remote.port())
                        .append(" -d ").append(l).append(" --dport ").append(c.local.port())
                        .append(" -m mark ! --mark ").append(MARK).append(" -j DROP\n");
                s.append("-A ").append(ch).append(" -p tcp -s ").append(l).append(" --sport ").append(c.local.port())
                        .append(" -d ").append(r).append(" --dport ").append(c.remote.port())
                        .append(" -m mark ! --mark ").append(MARK).append(" -j DROP\n");
            }
            if (s.length() == 0) continue;
            String tool = v6 ? "ip6tables" : "iptables";
            if (present(tool, ch)) {
                run(List.of(tool + "-restore", "-w", "--noflush"), "*filter\n" + s + "COMMIT\n");
            } else {
                run(List.of(tool + "-restore", "-w", "--noflush"), "*filter\n:" + ch + " - [0:0]\n-I INPUT 1 -j " + ch
                        + "\n-I OUTPUT 1 -j " + ch + "\n" + s + "COMMIT\n");
            }
        }
    }

    /** Removes the lock called name, if there is one. */
    static void unlock(NetworkLockMethod m, String name) throws IOException {
        unlock(m, name, null);
    }

    /**
     * Removes the lock called name, if there is one, looking only at the
     * families of conns (null: both). One iptables-restore per family when the
     * chain is there; a probe only when that fails.
     */
    static void unlock(NetworkLockMethod m, String name, List<Conn> conns) throws IOException {
        if (m == NetworkLockMethod.SKIP) return;
        if (m == NetworkLockMethod.NFTABLES) {
            String t = table(name);
            run(List.of("nft", "-f", "-"), "add table inet " + t + "\ndelete table inet " + t + "\n");
            return;
        }
        for (boolean v6 : new boolean[] {false, true}) {
            if (!uses(conns, v6)) continue;
            String tool = v6 ? "ip6tables" : "iptables", ch = chain(name);
            List<String> err = new ArrayList<>();
            int rc = exec(List.of(tool + "-restore", "-w", "--noflush"), "*filter\n-D INPUT -j " + ch + "\n-D OUTPUT -j "
                    + ch + "\n-F " + ch + "\n-X " + ch + "\nCOMMIT\n", err);
            if (rc != 0 && present(tool, ch)) {
                throw new IOException("network lock: " + tool + "-restore failed to remove chain " + ch + ": "
                        + String.join(" ", err).trim());
            }
        }
    }

    /** Whether the lock called name exists, in the families of conns (null: any). */
    static boolean locked(NetworkLockMethod m, String name) throws IOException {
        return locked(m, name, null);
    }

    static boolean locked(NetworkLockMethod m, String name, List<Conn> conns) throws IOException {
        return switch (m) {
            case SKIP -> false;
            case NFTABLES -> exec(List.of("nft", "list", "table", "inet", table(name)), "") == 0;
            case IPTABLES -> (uses(conns, false) && present("iptables", chain(name)))
                    || (uses(conns, true) && present("ip6tables", chain(name)));
        };
    }

    private static boolean uses(List<Conn> conns, boolean v6) {
        if (conns == null) return true;
        for (Conn c : conns) if (c.v6() == v6) return true;
        return false;
    }

    private static boolean present(String tool, String chain) throws IOException {
        return exec(List.of(tool, "-w", "-S", chain), "") == 0;
    }

    private static void run(List<String> cmd, String input) throws IOException {
        List<String> err = new ArrayList<>();
        if (exec(cmd, input, err) != 0) {
            throw new IOException("network lock: " + String.join(" ", cmd) + " failed: "
                    + String.join(" ", err).trim());
        }
    }

    private static int exec(List<String> cmd, String input) throws IOException {
        return exec(cmd, input, new ArrayList<>());
    }

    private static int exec(List<String> cmd, String input, List<String> err) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("network lock: cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
        }
        try {
            p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("network lock: " + cmd.get(0) + " did not finish in 30 s");
            }
            err.add(out.replace('\n', ' '));
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("network lock: interrupted");
        }
    }
}
