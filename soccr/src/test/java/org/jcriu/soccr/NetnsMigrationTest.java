package org.jcriu.soccr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A connection with megabytes queued both ways moves to another namespace that
 * takes over the same address; the peer sees every byte, no FIN and no RST.
 *
 * <pre>
 *  nsP [vp 10.200.0.1] ===veth=== [va 10.200.0.2] nsA  --(va moved)-->  nsB
 * </pre>
 */
@SuppressWarnings("try") // try-with-resources used to scope a namespace switch
class NetnsMigrationTest {
    private static final int MB = 1 << 20;

    @Test
    void megabytesInFlightMoveToAnotherNamespace() throws Exception {
        try (TestNet net = new TestNet()) {
            String nsP = net.add("p");
            String nsA = net.add("a");
            String nsB = net.add("b");
            TestNet.ip("link", "add", "vp", "netns", nsP, "type", "veth", "peer", "name", "va", "netns", nsA);
            TestNet.ip("-n", nsP, "addr", "add", "10.200.0.1/24", "dev", "vp");
            TestNet.ip("-n", nsA, "addr", "add", "10.200.0.2/24", "dev", "va");
            TestNet.ip("-n", nsP, "link", "set", "vp", "up");
            TestNet.ip("-n", nsA, "link", "set", "va", "up");
            byte[] srvAddr = Raw.addr("10.200.0.2");
            int lfd;
            int peer;
            int srv;
            try (NetNs in = TestNet.enter(nsA)) {
                lfd = Raw.listen(srvAddr, 7000);
            }
            try (NetNs in = TestNet.enter(nsP)) {
                peer = Sys.socket(LibC.AF_INET, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
            }
            Raw.buffers(peer, 4 * MB);
            byte[] sa = SockAddr.encode(srvAddr, 7000);
            Sys.connect(peer, sa, sa.length);
            srv = Raw.accept(lfd);
            Raw.buffers(srv, 4 * MB);
            LibC.close(lfd);
            try (Capture cap = new Capture(nsP, "vp")) {
                long toSrv = Raw.fillNonBlocking(peer, 1, 0, 6L * MB);
                long toPeer = Raw.fillNonBlocking(srv, 2, 0, 6L * MB);
                assertTrue(toSrv >= 2 * MB && toPeer >= 2 * MB, toSrv + " / " + toPeer);

                // network lock: nothing from the peer reaches nsA while the socket is paused
                TestNet.ip("-n", nsA, "link", "set", "va", "down");
                byte[] wire;
                try (PausedSocket p = Soccr.pause(srv)) {
                    TcpConnectionState s = p.save();
                    assertTrue(s.receiveQueueLength() >= MB && s.sendQueueLength() >= MB, s.toString());
                    assertTrue(s.sentUnackedLength() > 0 && s.unsentLength() > 0, s.toString());
                    wire = s.toBytes();
                    p.release();
                }
                // the address moves to nsB
                TestNet.ip("-n", nsA, "link", "set", "va", "netns", nsB);
                TestNet.ip("-n", nsB, "addr", "add", "10.200.0.2/24", "dev", "va");
                TestNet.lock(nsB);
                TestNet.ip("-n", nsB, "link", "set", "va", "up");
                RestoredSocket r = Soccr.restore(TcpConnectionState.fromBytes(wire),
                        RestoreOptions.DEFAULT.withNetns(TestNet.path(nsB)));
                TestNet.unlock(nsB);
                try {
                    Thread reader = new Thread(() -> {
                        try {
                            Raw.expectPattern(peer, 2, 0, toPeer, 20_000);
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    });
                    Throwable[] fail = new Throwable[1];
                    reader.setUncaughtExceptionHandler((t, e) -> fail[0] = e);
                    reader.start();
                    Raw.expectPattern(r.fd(), 1, 0, toSrv, 20_000);
                    reader.join(25_000);
                    assertEquals(null, fail[0]);
                    // both sides go on talking
                    Raw.writeAll(peer, "after-move".getBytes(StandardCharsets.US_ASCII));
                    assertArrayEquals("after-move".getBytes(StandardCharsets.US_ASCII), Raw.read(r.fd(), 10, 5000));
                    Raw.writeAll(r.fd(), "reply".getBytes(StandardCharsets.US_ASCII));
                    assertArrayEquals("reply".getBytes(StandardCharsets.US_ASCII), Raw.read(peer, 5, 5000));
                    assertEquals(TcpState.ESTABLISHED, Raw.state(peer));
                    assertEquals(TcpState.ESTABLISHED, r.state());
                    List<String> finOrRst = cap.snapshot();
                    assertTrue(finOrRst.isEmpty(), "peer saw FIN/RST: " + finOrRst);
                    // control: the capture does see a FIN when the peer closes for real
                    Sys.shutdown(peer, LibC.SHUT_WR);
                    assertEquals(0, Raw.read(r.fd(), 1, 5000).length, "restored side reads EOF");
                    List<String> control = cap.stopAndGet();
                    assertTrue(control.size() >= 1 && control.get(0).contains("10.200.0.1.")
                            && control.get(0).contains("[F"), "capture control: " + control);
                } finally {
                    // silent close so the test's own teardown sends nothing either
                    Sys.setInt(r.fd(), LibC.IPPROTO_TCP, LibC.TCP_REPAIR, 1, "TCP_REPAIR");
                    r.close();
                    LibC.close(peer);
                }
            }
        }
    }
}
