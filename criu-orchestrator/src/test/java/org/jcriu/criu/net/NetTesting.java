package org.jcriu.criu.net;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jcriu.criu.cli.CriuMain;

/** Helpers of the inet socket tests: the CLI in-process, firewall snapshots, pids. */
final class NetTesting {
    private NetTesting() {}

    interface C extends Library {
        C LIB = Native.load("c", C.class);

        int kill(int pid, int sig);

        int waitpid(int pid, int[] status, int options);
    }

    static int criu(String... args) {
        return CriuMain.run(args);
    }

    /** Runs criu and returns what it printed on stderr, after "rc=N\n". */
    static synchronized String criuStderr(String... args) {
        java.io.PrintStream old = System.err;
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        int rc;
        try (java.io.PrintStream p = new java.io.PrintStream(b, true, StandardCharsets.UTF_8)) {
            System.setErr(p);
            rc = CriuMain.run(args);
        } finally {
            System.setErr(old);
        }
        return "rc=" + rc + "\n" + b.toString(StandardCharsets.UTF_8);
    }

    /** Every firewall rule of this network namespace, as text (iptables, ip6tables, nft). */
    static String rules() throws IOException, InterruptedException {
        StringBuilder nft = new StringBuilder();
        for (String l : run("nft", "list", "ruleset").split("\n")) {
            // iptables-nft leaves the filter tables and their base chains behind, empty: not rules
            if (l.matches("\\s*(table ip6? filter \\{|chain (INPUT|OUTPUT|FORWARD) \\{|type filter hook \\w+ priority filter; policy accept;|\\}|)")) continue;
            nft.append(l).append('\n');
        }
        return run("iptables", "-w", "-S") + run("ip6tables", "-w", "-S") + nft;
    }

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    /** A TCP and UDP port free on 127.0.0.1 right now (and the UDP port after it). */
    static int freePort() throws IOException {
        for (int i = 0; i < 50; i++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                port = s.getLocalPort();
            }
            try (DatagramSocket u = new DatagramSocket(port, InetAddress.getByName("127.0.0.1"));
                 DatagramSocket u2 = new DatagramSocket(port + 1, InetAddress.getByName("127.0.0.1"))) {
                return port;
            } catch (IOException busy) {
                // try another
            }
        }
        throw new IOException("no free port");
    }

    /** Waits until /proc/PID is gone (a dumped task is reaped by init, slowly). */
    static void awaitPidFree(int pid) throws InterruptedException, IOException {
        for (int i = 0; i < 1000 && Files.exists(Path.of("/proc/" + pid)); i++) {
            C.LIB.waitpid(pid, new int[1], 0x40000000 | 1); // __WALL | WNOHANG
            Thread.sleep(10);
        }
        if (Files.exists(Path.of("/proc/" + pid))) throw new IOException("pid " + pid + " still taken");
    }

    /** Kills a restored task (our child: the JVM is a subreaper after a restore) and reaps it. */
    static void killAndReap(int pid) {
        C.LIB.kill(pid, 9);
        for (int i = 0; i < 500 && Files.exists(Path.of("/proc/" + pid)); i++) {
            C.LIB.waitpid(pid, new int[1], 0x40000000 | 1);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static String log(Path dir, String name) {
        try {
            return Files.readString(dir.resolve(name));
        } catch (IOException e) {
            return "(no " + name + ")";
        }
    }
}
