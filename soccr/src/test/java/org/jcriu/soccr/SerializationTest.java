package org.jcriu.soccr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The versioned binary form, for values built by hand (as the orchestrator does from an image). */
class SerializationTest {

    private static TcpConnectionState full() {
        byte[] l = new byte[16];
        byte[] r = new byte[16];
        l[15] = 1;
        r[0] = (byte) 0xfe;
        r[1] = (byte) 0x80;
        r[15] = 2;
        byte[] sendq = new byte[70_000];
        Arrays.fill(sendq, (byte) 7);
        return TcpConnectionState.builder().addresses(l, 443, r, 50_000).state(TcpState.LAST_ACK)
                .sequences(0xfffffff0, 0x80000001).receiveQueue(new byte[] {1, 2, 3}).sendQueue(sendq, 1000)
                .mss(1448).windowScale(7, 9).sack(true).timestamp(0xdeadbeef)
                .window(new TcpConnectionState.RepairWindow(1, 2, 3, 4, 5)).bufferSizes(46080, 131072)
                .noDelay(true).cork(true).keepAlive(true, 60, 10, 3).build();
    }

    @Test
    void fullValueRoundTrips() throws Exception {
        TcpConnectionState s = full();
        byte[] b = s.toBytes();
        assertEquals(s.serializedSize(), b.length);
        TcpConnectionState t = TcpConnectionState.fromBytes(b);
        assertEquals(s, t);
        assertEquals(69_000, t.sentUnackedLength());
        assertEquals(1000, t.unsentLength());
        assertEquals(0xfffffff0 - 1 - 70_000, t.sendQueueSeq(), "our FIN counted in LAST_ACK");
        assertEquals(0x80000001 - 1 - 3, t.receiveQueueSeq(), "peer FIN counted in LAST_ACK");
        assertEquals(443, t.localPort());
        assertTrue(t.isIpv6() && !t.ipv4OnWire());
    }

    @Test
    void minimalIpv4ValueAndSeveralInOneBuffer() throws Exception {
        TcpConnectionState m = TcpConnectionState.builder()
                .addresses(new byte[] {10, 0, 0, 1}, 1, new byte[] {10, 0, 0, 2}, 2).build();
        ByteBuffer buf = ByteBuffer.allocate(m.serializedSize() + full().serializedSize());
        m.writeTo(buf);
        full().writeTo(buf);
        buf.flip();
        assertEquals(m, TcpConnectionState.readFrom(buf));
        assertEquals(full(), TcpConnectionState.readFrom(buf));
        assertEquals(0, buf.remaining());
        assertNull(m.window());
        assertEquals(4 + 4 + 12 + 12 + 8 + 12 + 4 + 8 + 4, m.serializedSize());
    }

    @Test
    void rejectsOtherVersionsAndTruncation() {
        byte[] b = full().toBytes();
        byte[] v2 = b.clone();
        v2[4] = 2;
        SoccrException e = assertThrows(SoccrException.class, () -> TcpConnectionState.fromBytes(v2));
        assertEquals("unsupported soccr state format version 2", e.getMessage());
        byte[] cut = Arrays.copyOf(b, b.length - 10);
        assertThrows(SoccrException.class, () -> TcpConnectionState.fromBytes(cut));
        assertThrows(IllegalArgumentException.class, () -> TcpConnectionState.builder()
                .addresses(new byte[4], 1, new byte[4], 2).sendQueue(new byte[2], 3).build());
    }
}
