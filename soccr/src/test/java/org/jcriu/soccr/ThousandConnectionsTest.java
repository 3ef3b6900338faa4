package org.jcriu.soccr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** 1000 connections, each with a little data queued both ways, saved and restored in one go. */
@SuppressWarnings("try") // try-with-resources used to scope a namespace switch
class ThousandConnectionsTest {
    static final int N = 1000;

    @Test
    void thousandConnectionsInOneGo() throws Exception {
        try (TestNet net = new TestNet()) {
            String ns = net.add("k");
            byte[] a = Raw.addr("127.0.0.1");
            int lfd;
            int[] peers = new int[N];
            int[] srvs = new int[N];
            try (NetNs in = TestNet.enter(ns)) {
                lfd = Raw.listen(a, 0);
                int port = Raw.localPort(lfd);
                for (int i = 0; i < N; i++) {
                    peers[i] = Raw.connect(a, port);
                    srvs[i] = Raw.accept(lfd);
                }
            }
            List<RestoredSocket> restored = new ArrayList<>();
            try {
                for (int i = 0; i < N; i++) {
                    Raw.writeAll(peers[i], msg("to-srv", i));
                    Raw.writeAll(srvs[i], msg("to-peer", i));
                }
                Raw.sleep(50);
                TestNet.lock(ns);
                long t0 = System.nanoTime();
                List<TcpConnectionState> saved = new ArrayList<>(N);
                for (int i = 0; i < N; i++) {
                    try (PausedSocket p = Soccr.pause(srvs[i])) {
                        saved.add(p.save());
                        p.release();
                    }
                }
                long t1 = System.nanoTime();
                restored.addAll(Soccr.restoreAll(saved, RestoreOptions.DEFAULT.withNetns(TestNet.path(ns))));
                long t2 = System.nanoTime();
                TestNet.unlock(ns);
                System.err.printf("1000 connections: save+release %.1f ms, restoreAll %.1f ms%n",
                        (t1 - t0) / 1e6, (t2 - t1) / 1e6);
                assertEquals(N, restored.size());
                for (int i = 0; i < N; i++) {
                    int fd = restored.get(i).fd();
                    byte[] want = msg("to-srv", i);
                    assertArrayEquals(want, Raw.read(fd, want.length, 5000), "connection " + i);
                    Raw.writeAll(fd, msg("again", i));
                }
                for (int i = 0; i < N; i++) {
                    byte[] want = msg("to-peer", i);
                    byte[] again = msg("again", i);
                    byte[] got = Raw.read(peers[i], want.length + again.length, 5000);
                    assertEquals(new String(want, StandardCharsets.US_ASCII) + new String(again,
                            StandardCharsets.US_ASCII), new String(got, StandardCharsets.US_ASCII));
                    assertEquals(TcpState.ESTABLISHED, Raw.state(peers[i]));
                }
                assertTrue(restored.stream().allMatch(r -> r.fd() >= 0));
            } finally {
                for (RestoredSocket r : restored) {
                    Sys.setInt(r.fd(), LibC.IPPROTO_TCP, LibC.TCP_REPAIR, 1, "TCP_REPAIR");
                    r.close();
                }
                for (int p : peers) {
                    LibC.close(p);
                }
                LibC.close(lfd);
            }
        }
    }

    private static byte[] msg(String what, int i) {
        return (what + "-" + i + ";").getBytes(StandardCharsets.US_ASCII);
    }
}
