package org.jcriu.soccr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Half-closed connections are saved and come back in the same half-closed state. */
@SuppressWarnings("try") // try-with-resources used to scope a namespace switch
class HalfClosedTest {
    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

    /** One connection in a fresh namespace: [0] listener, [1] peer, [2] server side. */
    private static int[] pair(String ns, String host) throws Exception {
        return pair(ns, Raw.addr(host), Raw.addr(host));
    }

    private static int[] pair(String ns, byte[] listenAddr, byte[] connectAddr) throws Exception {
        try (NetNs in = TestNet.enter(ns)) {
            int lfd = Raw.listen(listenAddr, 0);
            int peer = Raw.connect(connectAddr, Raw.localPort(lfd));
            return new int[] {lfd, peer, Raw.accept(lfd)};
        }
    }

    private static TcpConnectionState moveSilently(int fd) throws Exception {
        try (PausedSocket p = Soccr.pause(fd)) {
            TcpConnectionState s = p.save();
            p.release();
            return TcpConnectionState.fromBytes(s.toBytes());
        }
    }

    private static void awaitState(int fd, TcpState want) throws Exception {
        long end = System.currentTimeMillis() + 5000;
        while (Raw.state(fd) != want && System.currentTimeMillis() < end) {
            Raw.sleep(5);
        }
        assertEquals(want, Raw.state(fd));
    }

    @Test
    void closeWaitKeepsPeerFinAndData() throws Exception {
        closeWait("127.0.0.1");
    }

    @Test
    void closeWaitIpv6() throws Exception {
        closeWait("::1");
    }

    @Test
    void closeWaitIpv4MappedOnIpv6Socket() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 127;
        mapped[15] = 1;
        closeWait(mapped, Raw.addr("127.0.0.1"));
    }

    private void closeWait(String host) throws Exception {
        closeWait(Raw.addr(host), Raw.addr(host));
    }

    private void closeWait(byte[] listenAddr, byte[] connectAddr) throws Exception {
        try (TestNet net = new TestNet()) {
            String ns = net.add("cw");
            int[] c = pair(ns, listenAddr, connectAddr);
            Raw.writeAll(c[1], HELLO);
            Sys.shutdown(c[1], LibC.SHUT_WR);
            awaitState(c[2], TcpState.CLOSE_WAIT);
            TcpConnectionState s = moveSilently(c[2]);
            assertEquals(TcpState.CLOSE_WAIT, s.state());
            assertEquals(listenAddr.length == 16, s.isIpv6());
            assertEquals(5, s.receiveQueueLength());
            try (RestoredSocket r = Soccr.restore(s, RestoreOptions.DEFAULT.withNetns(TestNet.path(ns)))) {
                assertEquals(TcpState.CLOSE_WAIT, r.state());
                assertArrayEquals(HELLO, Raw.read(r.fd(), 5, 2000));
                assertEquals(0, Raw.read(r.fd(), 1, 2000).length, "EOF after the peer's FIN");
                Raw.writeAll(r.fd(), "still-open".getBytes(StandardCharsets.US_ASCII));
                assertArrayEquals("still-open".getBytes(StandardCharsets.US_ASCII), Raw.read(c[1], 10, 2000));
                assertEquals(TcpState.FIN_WAIT2, Raw.state(c[1]));
            } finally {
                LibC.close(c[1]);
                LibC.close(c[0]);
            }
        }
    }

    @Test
    void finWait2KeepsOurFin() throws Exception {
        try (TestNet net = new TestNet()) {
            String ns = net.add("fw2");
            int[] c = pair(ns, "127.0.0.1");
            Sys.shutdown(c[2], LibC.SHUT_WR);
            awaitState(c[2], TcpState.FIN_WAIT2);
            assertEquals(0, Raw.read(c[1], 1, 2000).length);
            TcpConnectionState s = moveSilently(c[2]);
            assertEquals(TcpState.FIN_WAIT2, s.state());
            try (RestoredSocket r = Soccr.restore(s, RestoreOptions.DEFAULT.withNetns(TestNet.path(ns)))) {
                awaitState(r.fd(), TcpState.FIN_WAIT2);
                Raw.writeAll(c[1], HELLO);
                assertArrayEquals(HELLO, Raw.read(r.fd(), 5, 2000));
                assertEquals(TcpState.CLOSE_WAIT, Raw.state(c[1]));
            } finally {
                LibC.close(c[1]);
                LibC.close(c[0]);
            }
        }
    }

    @Test
    void finWait1WithUnackedFin() throws Exception {
        try (TestNet net = new TestNet()) {
            String ns = net.add("fw1");
            int[] c = pair(ns, "127.0.0.1");
            Raw.writeAll(c[2], HELLO);
            Raw.sleep(20);
            TestNet.lock(ns);
            Sys.shutdown(c[2], LibC.SHUT_WR);
            assertEquals(TcpState.FIN_WAIT1, Raw.state(c[2]));
            TcpConnectionState s = moveSilently(c[2]);
            assertEquals(TcpState.FIN_WAIT1, s.state());
            assertEquals(0, s.sendQueueLength());
            try (RestoredSocket r = Soccr.restore(s, RestoreOptions.DEFAULT.withNetns(TestNet.path(ns)))) {
                TestNet.unlock(ns);
                assertEquals(TcpState.FIN_WAIT1, r.state());
                assertArrayEquals(HELLO, Raw.read(c[1], 5, 5000));
                assertEquals(0, Raw.read(c[1], 1, 5000).length, "peer gets our FIN after the data");
                awaitState(r.fd(), TcpState.FIN_WAIT2);
            } finally {
                LibC.close(c[1]);
                LibC.close(c[0]);
            }
        }
    }

    @Test
    void lastAck() throws Exception {
        try (TestNet net = new TestNet()) {
            String ns = net.add("la");
            int[] c = pair(ns, "127.0.0.1");
            Sys.shutdown(c[1], LibC.SHUT_WR);
            awaitState(c[2], TcpState.CLOSE_WAIT);
            TestNet.lock(ns);
            Sys.shutdown(c[2], LibC.SHUT_WR);
            assertEquals(TcpState.LAST_ACK, Raw.state(c[2]));
            TcpConnectionState s = moveSilently(c[2]);
            assertEquals(TcpState.LAST_ACK, s.state());
            try (RestoredSocket r = Soccr.restore(s, RestoreOptions.DEFAULT.withNetns(TestNet.path(ns)))) {
                assertEquals(TcpState.LAST_ACK, r.state());
                TestNet.unlock(ns);
                assertEquals(0, Raw.read(c[1], 1, 5000).length, "peer gets our FIN");
                awaitState(r.fd(), TcpState.CLOSE);
                assertTrue(Raw.state(c[1]) == TcpState.TIME_WAIT || Raw.state(c[1]) == TcpState.CLOSE);
            } finally {
                LibC.close(c[1]);
                LibC.close(c[0]);
            }
        }
    }

    @Test
    void closingAfterSimultaneousClose() throws Exception {
        try (TestNet net = new TestNet()) {
            String ns = net.add("cl");
            int[] c = pair(ns, "127.0.0.1");
            // the peer never hears from us: our FIN stays unacknowledged while the peer's FIN arrives
            TestNet.lockPort(ns, Raw.localPort(c[1]));
            Sys.shutdown(c[2], LibC.SHUT_WR);
            Sys.shutdown(c[1], LibC.SHUT_WR);
            awaitState(c[2], TcpState.CLOSING);
            TcpConnectionState s = moveSilently(c[2]);
            assertEquals(TcpState.CLOSING, s.state());
            try (RestoredSocket r = Soccr.restore(s, RestoreOptions.DEFAULT.withNetns(TestNet.path(ns)))) {
                assertEquals(TcpState.CLOSING, r.state());
                assertEquals(0, Raw.read(r.fd(), 1, 2000).length, "the peer's FIN is there");
                TestNet.unlock(ns);
                awaitState(r.fd(), TcpState.CLOSE);
            } finally {
                LibC.close(c[1]);
                LibC.close(c[0]);
            }
        }
    }
}
