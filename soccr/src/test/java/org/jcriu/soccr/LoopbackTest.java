package org.jcriu.soccr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Save and restore within one namespace on loopback, IPv4 and IPv6, with data in both queues. */
@SuppressWarnings("try") // try-with-resources used to scope a namespace switch
class LoopbackTest {

    @Test
    void ipv4RoundTripWithQueuedData() throws Exception {
        roundTrip("127.0.0.1");
    }

    @Test
    void ipv6RoundTripWithQueuedData() throws Exception {
        roundTrip("::1");
    }

    private void roundTrip(String host) throws Exception {
        try (TestNet net = new TestNet()) {
            String ns = net.add("lo");
            try (LoopbackPair c = LoopbackPair.open(ns, Raw.addr(host))) {
                int peer = c.peer();
                int srv = c.srv();
                Sys.setInt(srv, LibC.IPPROTO_TCP, LibC.TCP_NODELAY, 1, "TCP_NODELAY");
                Sys.setInt(srv, LibC.SOL_SOCKET, LibC.SO_KEEPALIVE, 1, "SO_KEEPALIVE");
                Sys.setInt(srv, LibC.IPPROTO_TCP, LibC.TCP_KEEPIDLE, 33, "TCP_KEEPIDLE");
                long toSrv = Raw.fillNonBlocking(peer, 1, 0, 200_000);
                long toPeer = Raw.fillNonBlocking(srv, 2, 0, 200_000);
                Raw.sleep(50);
                // As criu's network lock: while no socket owns the 4-tuple (between release and
                // restore) the peer's retransmissions and zero-window probes would be answered with
                // RST by the kernel; under load that gap can outlast the peer's timers.
                TestNet.lockPort(ns, Raw.localPort(c.lfd()));
                TcpConnectionState s;
                try (PausedSocket p = Soccr.pause(srv)) {
                    s = p.save();
                    p.release();
                }
                assertEquals(TcpState.ESTABLISHED, s.state());
                assertTrue(s.receiveQueueLength() > 0 && s.receiveQueueLength() <= toSrv, s.toString());
                assertTrue(s.sendQueueLength() > 0 && s.sendQueueLength() <= toPeer, s.toString());
                assertTrue(s.noDelay() && s.keepAlive() && s.keepIdle() == 33, s.toString());
                assertTrue(s.timestamps() && s.sack() && s.windowScaling() && s.window() != null, s.toString());
                TcpConnectionState back = TcpConnectionState.fromBytes(s.toBytes());
                assertEquals(s, back);
                assertEquals(s.serializedSize(), s.toBytes().length);
                try (RestoredSocket r = Soccr.restore(back, RestoreOptions.DEFAULT.withNetns(TestNet.path(ns)))) {
                    TestNet.unlock(ns);
                    assertEquals(TcpState.ESTABLISHED, r.state());
                    assertEquals(1, Sys.getInt(r.fd(), LibC.IPPROTO_TCP, LibC.TCP_NODELAY, "nodelay"));
                    assertEquals(33, Sys.getInt(r.fd(), LibC.IPPROTO_TCP, LibC.TCP_KEEPIDLE, "keepidle"));
                    Raw.expectPattern(r.fd(), 1, 0, toSrv, 5000);
                    Raw.expectPattern(peer, 2, 0, toPeer, 5000);
                    Raw.writeAll(peer, "ping".getBytes(StandardCharsets.US_ASCII));
                    assertArrayEquals("ping".getBytes(StandardCharsets.US_ASCII), Raw.read(r.fd(), 4, 5000));
                    Raw.writeAll(r.fd(), "pong".getBytes(StandardCharsets.US_ASCII));
                    assertArrayEquals("pong".getBytes(StandardCharsets.US_ASCII), Raw.read(peer, 4, 5000));
                    assertEquals(TcpState.ESTABLISHED, Raw.state(peer));
                }
            }
        }
    }

    @Test
    void resumeLeavesTheOriginalSocketRunning() throws Exception {
        try (TestNet net = new TestNet()) {
            String ns = net.add("rs");
            try (LoopbackPair c = LoopbackPair.open(ns, Raw.addr("127.0.0.1"))) {
                int peer = c.peer();
                int srv = c.srv();
                Raw.writeAll(peer, "before".getBytes(StandardCharsets.US_ASCII));
                Raw.sleep(20);
                TcpConnectionState s;
                try (PausedSocket p = Soccr.pause(srv)) {
                    s = p.save();
                    assertEquals(TcpState.ESTABLISHED, p.state());
                } // close() resumes
                assertEquals(6, s.receiveQueueLength());
                assertEquals(0, Sys.getInt(srv, LibC.IPPROTO_TCP, LibC.TCP_REPAIR, "TCP_REPAIR"));
                assertArrayEquals("before".getBytes(StandardCharsets.US_ASCII), Raw.read(srv, 6, 2000));
                Raw.writeAll(srv, "after".getBytes(StandardCharsets.US_ASCII));
                assertArrayEquals("after".getBytes(StandardCharsets.US_ASCII), Raw.read(peer, 5, 2000));
                LibC.close(srv); // resumed, so still ours (an assertion failure leaks it to the test's end)
            }
        }
    }

    @Test
    void restoredChannelIsSelectable() throws Exception {
        try (TestNet net = new TestNet()) {
            String ns = net.add("sel");
            try (LoopbackPair c = LoopbackPair.open(ns, Raw.addr("127.0.0.1"))) {
                int peer = c.peer();
                int srv = c.srv();
                TcpConnectionState s;
                try (PausedSocket p = Soccr.pause(srv)) {
                    s = p.save();
                    p.release();
                }
                RestoredSocket r = Soccr.restore(s, RestoreOptions.DEFAULT.withNetns(TestNet.path(ns)));
                try (jnr.enxio.channels.NativeSocketChannel ch = r.channel();
                        java.nio.channels.Selector sel =
                                jnr.enxio.channels.NativeSelectorProvider.getInstance().openSelector()) {
                    ch.configureBlocking(false);
                    ch.register(sel, java.nio.channels.SelectionKey.OP_READ);
                    assertEquals(0, sel.selectNow());
                    Raw.writeAll(peer, "wake".getBytes(StandardCharsets.US_ASCII));
                    assertEquals(1, sel.select(2000));
                    java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(16);
                    assertEquals(4, ch.read(bb));
                    assertEquals("wake", new String(bb.array(), 0, 4, StandardCharsets.US_ASCII));
                }
            }
        }
    }
}
