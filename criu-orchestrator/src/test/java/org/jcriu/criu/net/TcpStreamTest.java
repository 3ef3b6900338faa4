package org.jcriu.criu.net;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.jcriu.images.proto.FownEntry;
import org.jcriu.images.proto.InetSkEntry;
import org.jcriu.images.proto.SkOptsEntry;
import org.jcriu.images.proto.TcpStreamEntry;
import org.jcriu.soccr.TcpConnectionState;
import org.jcriu.soccr.TcpState;
import org.junit.jupiter.api.Test;

/** soccr values to tcp-stream entries and back; addresses to CRIU's u32 words and back. */
class TcpStreamTest {
    @Test
    void addressWordsAreTheNetworkBytesReadLittleEndian() {
        SockAddr a = new SockAddr(NetLib.AF_INET, new byte[] {127, 0, 0, 1}, 80);
        assertEquals(List.of(0x0100007f), a.words());
        assertEquals(a, SockAddr.fromWords(NetLib.AF_INET, a.words(), 80));
        SockAddr m = new SockAddr(NetLib.AF_INET6, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 10, 0, 0, 2}, 1);
        assertTrue(m.v4Mapped());
        assertArrayEquals(new byte[] {10, 0, 0, 2}, m.wire());
        assertEquals(m, SockAddr.fromWords(NetLib.AF_INET6, m.words(), 1));
    }

    @Test
    void everyStateMapsBackToTheSameValue() {
        for (TcpState st : new TcpState[] {TcpState.ESTABLISHED, TcpState.FIN_WAIT1, TcpState.FIN_WAIT2,
                TcpState.CLOSE_WAIT, TcpState.LAST_ACK, TcpState.CLOSING}) {
            TcpConnectionState s = TcpConnectionState.builder()
                    .addresses(new byte[] {127, 0, 0, 1}, 40000, new byte[] {127, 0, 0, 2}, 80).state(st)
                    .sequences(1000, 0xfffffff0).receiveQueue(new byte[] {1, 2, 3}).sendQueue(new byte[] {4, 5, 6, 7}, 1)
                    .mss(1460).windowScale(7, 9).sack(true).timestamp(12345)
                    .window(new TcpConnectionState.RepairWindow(1, 2, 3, 4, 5)).bufferSizes(4096, 8192)
                    .noDelay(true).keepAlive(true, 10, 20, 3).build();
            TcpStreamEntry e = TcpStream.entry(s);
            assertEquals(1000 - (st.finSent() ? 1 : 0), e.getOutqSeq(), st + ": outq_seq without our FIN");
            assertEquals(0xfffffff0 - (st.finReceived() ? 1 : 0), e.getInqSeq(), st + ": inq_seq without the peer's FIN");
            assertEquals(7, e.getOptMask());
            byte[] p = TcpStream.payload(s);
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7}, p);
            SockAddr src = new SockAddr(NetLib.AF_INET, new byte[] {127, 0, 0, 1}, 40000);
            SockAddr dst = new SockAddr(NetLib.AF_INET, new byte[] {127, 0, 0, 2}, 80);
            InetSkEntry sk = InetSkEntry.newBuilder().setId(1).setIno(2).setFamily(NetLib.AF_INET).setType(1).setProto(6)
                    .setState(st.kernelValue()).setSrcPort(40000).setDstPort(80).setFlags(2).setBacklog(0)
                    .addAllSrcAddr(src.words()).addAllDstAddr(dst.words())
                    .setFown(FownEntry.newBuilder().setUid(0).setEuid(0).setSignum(0).setPidType(0).setPid(0))
                    .setOpts(SkOptsEntry.newBuilder().setSoSndbuf(4096).setSoRcvbuf(8192).setSoSndTmoSec(0)
                            .setSoSndTmoUsec(0).setSoRcvTmoSec(0).setSoRcvTmoUsec(0).setSoKeepalive(true)
                            .setTcpKeepidle(10).setTcpKeepintvl(20).setTcpKeepcnt(3)).build();
            TcpConnectionState back = TcpStream.state(sk, e, new byte[] {1, 2, 3}, new byte[] {4, 5, 6, 7});
            assertEquals(s, back, st.toString());
        }
    }
}
