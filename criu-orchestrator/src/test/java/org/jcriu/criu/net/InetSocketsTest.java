package org.jcriu.criu.net;

import static org.jcriu.criu.net.NetTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.jcriu.criu.testing.Victim;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inet sockets through real dumps and restores (the CLI in-process, real
 * victims, loopback only): listeners and UDP sockets, established
 * connections with --tcp-established under both lock methods, the
 * failures, and the firewall left as it was.
 */
class InetSocketsTest {
    @TempDir Path dir;

    @Test
    void listenersAndUdpSocketsComeBackAndServe() throws Exception {
        int port = freePort();
        String before = rules();
        try (Victim v = Victim.start("inet_servers", "" + port, "" + port)) {
            int pid = v.pid;
            assertTrue(tcp("127.0.0.1", port).startsWith("tcp-pong 1"));
            assertEquals("udp-pong:one", udp(port, "one"));
            assertEquals(0, criu("dump", "-t", "" + pid, "-D", dir.toString(), "-o", "dump.log", "-v4"),
                    log(dir, "dump.log"));
            awaitPidFree(pid);
            assertEquals(before, rules(), "no lock without connections");
            try {
                assertEquals(0, criu("restore", "-D", dir.toString(), "-d", "-o", "restore.log", "-v4"),
                        log(dir, "restore.log"));
                assertTrue(tcp("127.0.0.1", port).startsWith("tcp-pong 2"), "a new client is served after restore");
                assertTrue(tcp("::1", port).startsWith("tcp-pong 3"), "the IPv6 listener too");
                assertEquals("udp-pong:two", udp(port, "two"));
                Map<Long, InetDiag.Sock> diag = InetDiag.all();
                Set<Long> inos = socketInodes(pid);
                boolean listener = false, connectedUdp = false, v6only = false;
                for (long ino : inos) {
                    InetDiag.Sock s = diag.get(ino);
                    if (s == null) continue;
                    if (s.proto() == NetLib.IPPROTO_TCP && s.state() == 10 && s.family() == NetLib.AF_INET) {
                        listener = s.wqueue() == 7 && s.src().port() == port;
                    }
                    if (s.proto() == NetLib.IPPROTO_TCP && s.state() == 10 && s.family() == NetLib.AF_INET6) v6only = true;
                    if (s.proto() == NetLib.IPPROTO_UDP && s.dst().port() == port + 1 && s.state() == 1) connectedUdp = true;
                }
                assertTrue(listener, "listener on its port with backlog 7");
                assertTrue(v6only, "IPv6 listener");
                assertTrue(connectedUdp, "UDP socket connected to port+1");
                assertEquals(before, rules());
            } finally {
                killAndReap(pid);
            }
        }
    }

    @Test
    void establishedConnectionWithoutTcpEstablishedFailsTheDumpAndTheVictimGoesOn() throws Exception {
        String before = rules();
        try (Peer peer = new Peer(false); Victim v = Victim.start("inet_echo", "" + peer.port(), "1")) {
            peer.accept(1);
            Peer.Conn c = peer.conns.get(0);
            c.exchange(1000, 5000);
            String log = criuStderr("dump", "-t", "" + v.pid, "-D", dir.toString(), "-o", "dump.log");
            assertTrue(log.startsWith("rc=1\n"), log);
            assertTrue(log.contains("Error: task " + v.pid + ": fd 3 is an established TCP connection"), log);
            assertTrue(log.contains("--tcp-established"), log);
            assertTrue(v.alive(), () -> "victim state " + v.state() + ": " + out(v));
            assertFalse(v.traced(), "released");
            c.exchange(5000, 5000);
            assertEquals(before, rules());
        }
    }

    @Test
    void establishedConnectionSurvivesDumpAndRestoreUnderIptablesLock() throws Exception {
        roundTrip(false, "iptables");
    }

    @Test
    void establishedConnectionSurvivesDumpAndRestoreUnderNftablesLock() throws Exception {
        roundTrip(false, "nftables");
    }

    @Test
    void ipv6ConnectionSurvivesDumpAndRestore() throws Exception {
        roundTrip(true, "iptables");
    }

    /** A streaming echo connection: dump (kill), locked meanwhile, restore, every byte back, no reset. */
    private void roundTrip(boolean v6, String lock) throws Exception {
        String before = rules();
        try (Peer peer = new Peer(v6); Victim v = startEcho(peer, 1, v6)) {
            int pid = v.pid;
            Peer.Conn c = peer.conns.get(0);
            c.stream(16384, 1);
            Thread.sleep(200);
            assertTrue(c.received > 0, "echo works before the dump");
            assertEquals(0, criu("dump", "-t", "" + pid, "-D", dir.toString(), "-o", "dump.log", "-v4",
                    "--tcp-established", "--network-lock", lock), log(dir, "dump.log"));
            awaitPidFree(pid);
            String locked = rules();
            assertNotEquals(before, locked, "the connection stays locked between dump and restore");
            assertTrue(locked.contains(lock.equals("nftables") ? "jcriu-" + pid : "JCRIU-" + pid), locked);
            assertTrue(Files.exists(dir.resolve(tcpStreamName(dir))), "tcp-stream image");
            long sentAtDump = c.sent;
            Thread.sleep(300); // the peer keeps sending into the lock: dropped, retransmitted later
            try {
                assertEquals(0, criu("restore", "-D", dir.toString(), "-d", "-o", "restore.log", "-v4",
                        "--tcp-established", "--network-lock", lock), log(dir, "restore.log"));
                assertEquals(before, rules(), "unlocked after restore");
                long end = System.currentTimeMillis() + 10_000;
                while (c.received < sentAtDump + 200_000 && c.error == null && System.currentTimeMillis() < end) {
                    Thread.sleep(10);
                }
                c.stopAndDrain(10_000);
                assertNull(c.error, () -> "peer saw " + c.error);
                assertEquals(c.sent, c.received, "every byte echoed");
                assertTrue(c.received > sentAtDump, "the conversation went on after restore");
                assertFalse(v.output().contains("error") || v.output().contains("eof"), v.output());
            } finally {
                killAndReap(pid);
            }
        }
    }

    @Test
    void halfClosedConnectionComesBackInCloseWaitAndFinishesCleanly() throws Exception {
        String before = rules();
        try (Peer peer = new Peer(false); Victim v = Victim.start("inet_halfclose", "" + peer.port())) {
            int pid = v.pid;
            peer.accept(1);
            Peer.Conn c = peer.conns.get(0);
            c.exchange(5000, 5000);
            c.s.shutdownOutput();
            BufferedReader in = new BufferedReader(new InputStreamReader(c.s.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("eof-seen", in.readLine());
            v.awaitOutput("eof", 5000);
            assertEquals(0, criu("dump", "-t", "" + pid, "-D", dir.toString(), "-o", "dump.log", "-v4",
                    "--tcp-established"), log(dir, "dump.log"));
            awaitPidFree(pid);
            boolean closeWait = false;
            try (org.jcriu.images.ImageReader r = new org.jcriu.images.ImageDir(dir).open(org.jcriu.images.ImageType.FILES)) {
                while (r.hasNext()) {
                    org.jcriu.images.proto.FileEntry f = (org.jcriu.images.proto.FileEntry) r.next();
                    if (f.hasIsk() && f.getIsk().getState() == 8) closeWait = true;
                }
            }
            assertTrue(closeWait, "saved in CLOSE_WAIT");
            try {
                assertEquals(0, criu("restore", "-D", dir.toString(), "-d", "-o", "restore.log", "-v4",
                        "--tcp-established"), log(dir, "restore.log"));
                assertEquals(before, rules());
                NetTesting.C.LIB.kill(pid, 10); // SIGUSR1: the victim writes and closes its side
                c.s.setSoTimeout(10_000);
                assertEquals("after-restore", in.readLine());
                assertNull(in.readLine(), "then a clean FIN (no reset)");
                v.awaitOutput("closed", 5000);
            } finally {
                killAndReap(pid);
            }
        }
    }

    @Test
    void serverWithItsListenerAndAcceptedConnectionsComesBack() throws Exception {
        int port = freePort();
        String before = rules();
        try (Peer peer = new Peer(false); Victim v = Victim.start("inet_echo", "" + port, "2", "-l")) {
            int pid = v.pid;
            peer.connect(port, 2);
            v.awaitOutput("accepted", 5000);
            for (Peer.Conn c : peer.conns) c.exchange(4000, 5000);
            assertEquals(0, criu("dump", "-t", "" + pid, "-D", dir.toString(), "-o", "dump.log", "-v4",
                    "--tcp-established"), log(dir, "dump.log"));
            awaitPidFree(pid);
            try {
                assertEquals(0, criu("restore", "-D", dir.toString(), "-d", "-o", "restore.log", "-v4",
                        "--tcp-established"), log(dir, "restore.log"));
                assertEquals(before, rules());
                for (Peer.Conn c : peer.conns) c.exchange(30_000, 5000);
                peer.connect(port, 1); // a new client on the restored listener, next to the restored connections
                peer.conns.get(2).exchange(1000, 5000);
                for (Peer.Conn c : peer.conns) c.exchange(1000, 5000);
            } finally {
                killAndReap(pid);
            }
        }
    }

    @Test
    void connectionWithBothEndsInTheTreeComesBack() throws Exception {
        String before = rules();
        try (Victim v = Victim.start("inet_pair")) {
            int pid = v.pid;
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("child (\\d+)").matcher(v.output());
            assertTrue(m.find(), v.output());
            int child = Integer.parseInt(m.group(1));
            v.awaitOutput("round 50 ok", 10_000);
            assertEquals(0, criu("dump", "-t", "" + pid, "-D", dir.toString(), "-o", "dump.log", "-v4",
                    "--tcp-established"), log(dir, "dump.log"));
            awaitPidFree(pid);
            awaitPidFree(child);
            try {
                int len = v.output().length();
                assertEquals(0, criu("restore", "-D", dir.toString(), "-d", "-o", "restore.log", "-v4",
                        "--tcp-established"), log(dir, "restore.log"));
                assertEquals(before, rules());
                long end = System.currentTimeMillis() + 10_000;
                while (!v.output().substring(len).contains("ok") && System.currentTimeMillis() < end) Thread.sleep(20);
                Thread.sleep(300);
                String after = v.output().substring(len);
                assertTrue(after.contains(" ok"), "rounds go on after restore: " + v.output());
                assertFalse(v.output().contains("FAIL"), v.output());
            } finally {
                killAndReap(child);
                killAndReap(pid);
            }
        }
    }

    @Test
    void leaveRunningDumpResumesTheConnectionAndUnlocks() throws Exception {
        String before = rules();
        try (Peer peer = new Peer(false); Victim v = startEcho(peer, 3, false)) {
            for (Peer.Conn c : peer.conns) c.exchange(3000, 5000);
            assertEquals(0, criu("dump", "-t", "" + v.pid, "-D", dir.toString(), "-o", "dump.log", "-v4", "-R",
                    "--tcp-established"), log(dir, "dump.log"));
            assertTrue(v.alive());
            assertEquals(before, rules());
            for (Peer.Conn c : peer.conns) c.exchange(50_000, 5000);
            assertEquals(3, Files.list(dir).filter(p -> p.getFileName().toString().startsWith("tcp-stream-")).count());
            if (Files.isExecutable(Path.of("/usr/bin/crit"))) {
                // Debian's crit (CRIU 3.17) decodes what we wrote
                String files = run("/usr/bin/crit", "decode", "-i", dir.resolve("files.img").toString(), "--pretty");
                assertTrue(files.contains("\"INETSK\"") && files.contains("\"ESTABLISHED\"")
                        && files.contains("127.0.0.1"), files);
                String ts = run("/usr/bin/crit", "decode", "-i", dir.resolve(tcpStreamName(dir)).toString(), "--pretty");
                assertTrue(ts.contains("\"inq_seq\"") && ts.contains("\"extra\""), ts);
            }
        }
    }

    @Test
    void failedDumpResumesConnectionsAndLeavesNoRule() throws Exception {
        String before = rules();
        try (Peer peer = new Peer(false); Victim v = startEcho(peer, 2, false)) {
            for (Peer.Conn c : peer.conns) c.exchange(3000, 5000);
            System.setProperty("jcriu.dump.fault", "images");
            int rc;
            try {
                rc = criu("dump", "-t", "" + v.pid, "-D", dir.toString(), "-o", "dump.log", "-v4", "--tcp-established");
            } finally {
                System.clearProperty("jcriu.dump.fault");
            }
            assertNotEquals(0, rc);
            assertTrue(v.alive());
            assertFalse(v.traced());
            assertEquals(before, rules(), "no rule left after a failed dump");
            for (Peer.Conn c : peer.conns) c.exchange(20_000, 5000);
        }
    }

    @Test
    void failedRestoreLeavesNoRule() throws Exception {
        String before = rules();
        try (Peer peer = new Peer(false); Victim v = startEcho(peer, 1, false)) {
            int pid = v.pid;
            peer.conns.get(0).exchange(3000, 5000);
            assertEquals(0, criu("dump", "-t", "" + pid, "-D", dir.toString(), "-o", "dump.log", "--tcp-established"),
                    log(dir, "dump.log"));
            awaitPidFree(pid);
            assertNotEquals(before, rules());
            Path ts = dir.resolve(tcpStreamName(dir));
            Files.write(ts, java.util.Arrays.copyOf(Files.readAllBytes(ts), 12)); // truncated
            try {
                assertNotEquals(0, criu("restore", "-D", dir.toString(), "-d", "-o", "restore.log", "--tcp-established"));
                String log = log(dir, "restore.log");
                assertTrue(log.contains("tcp-stream"), log);
                assertFalse(Files.exists(Path.of("/proc/" + pid)) && !isZombie(pid), "no task left");
                assertEquals(before, rules(), "no rule left after a failed restore");
            } finally {
                killAndReap(pid);
            }
        }
    }

    @Test
    void restoreFailingBeforeItsSocketsStillRemovesTheDumpsLock() throws Exception {
        String before = rules();
        try (Peer peer = new Peer(false); Victim v = startEcho(peer, 1, false)) {
            peer.conns.get(0).exchange(1000, 5000);
            assertEquals(0, criu("dump", "-t", "" + v.pid, "-D", dir.toString(), "-o", "dump.log", "-R",
                    "--tcp-established"), log(dir, "dump.log"));
            // as a killing dump would have left it
            java.net.Socket s = peer.conns.get(0).s;
            NetworkLock.lock(NetworkLockMethod.IPTABLES, "" + v.pid, java.util.List.of(new NetworkLock.Conn(
                    new SockAddr(NetLib.AF_INET, s.getInetAddress().getAddress(), s.getPort()),
                    new SockAddr(NetLib.AF_INET, s.getLocalAddress().getAddress(), s.getLocalPort()))));
            assertNotEquals(before, rules());
            // the victim still holds its pid: the restore fails creating the tree, before any socket
            String err = criuStderr("restore", "-D", dir.toString(), "-d", "-o", "restore.log", "--tcp-established");
            assertTrue(err.startsWith("rc=1") && err.contains("already taken"), err);
            assertEquals(before, rules(), "the dump's lock removed");
            assertTrue(v.alive());
        }
    }

    static String out(Victim v) {
        try {
            return v.output();
        } catch (Exception e) {
            return e.toString();
        }
    }

    static Victim startEcho(Peer peer, int n, boolean v6) throws Exception {
        Victim v = v6 ? Victim.start("inet_echo", "" + peer.port(), "" + n, "-6")
                : Victim.start("inet_echo", "" + peer.port(), "" + n);
        peer.accept(n);
        return v;
    }

    static String tcpStreamName(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("tcp-stream-")).findFirst()
                    .orElse("tcp-stream-none");
        }
    }

    static boolean isZombie(int pid) {
        try {
            String st = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return st.charAt(st.lastIndexOf(')') + 2) == 'Z';
        } catch (Exception e) {
            return true;
        }
    }

    static Set<Long> socketInodes(int pid) throws Exception {
        Set<Long> out = new HashSet<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path p : s.toList()) {
                String l = Files.readSymbolicLink(p).toString();
                if (l.startsWith("socket:[")) out.add(Long.parseLong(l.substring(8, l.length() - 1)));
            }
        }
        return out;
    }

    static String tcp(String host, int port) throws Exception {
        try (Socket s = new Socket(host, port)) {
            s.setSoTimeout(5000);
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    static String udp(int port, String msg) throws Exception {
        try (DatagramSocket u = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            u.setSoTimeout(5000);
            byte[] b = msg.getBytes(StandardCharsets.US_ASCII);
            u.send(new DatagramPacket(b, b.length, InetAddress.getByName("127.0.0.1"), port));
            DatagramPacket r = new DatagramPacket(new byte[600], 600);
            u.receive(r);
            return new String(r.getData(), 0, r.getLength(), StandardCharsets.US_ASCII);
        }
    }
}
