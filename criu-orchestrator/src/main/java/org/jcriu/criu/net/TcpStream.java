package org.jcriu.criu.net;

import java.nio.ByteBuffer;
import org.jcriu.images.proto.InetSkEntry;
import org.jcriu.images.proto.SkOptsEntry;
import org.jcriu.images.proto.TcpStreamEntry;
import org.jcriu.soccr.TcpConnectionState;
import org.jcriu.soccr.TcpState;

/**
 * soccr's connection value to CRIU's tcp-stream entry and back. The payload
 * after the entry is the receive queue (inq_len bytes) then the send queue
 * (outq_len bytes, of which the last unsq_len were never sent). CRIU keeps
 * the sequence numbers without the FINs: inq_seq = rcv_nxt minus the peer's
 * FIN if received, outq_seq = write_seq minus ours if queued. Addresses,
 * ports, state, buffer sizes and keepalive live in the inet socket entry.
 */
final class TcpStream {
    static final int TCPI_OPT_TIMESTAMPS = 1, TCPI_OPT_SACK = 2, TCPI_OPT_WSCALE = 4;

    private TcpStream() {}

    static TcpStreamEntry entry(TcpConnectionState s) {
        int mask = (s.timestamps() ? TCPI_OPT_TIMESTAMPS : 0) | (s.sack() ? TCPI_OPT_SACK : 0)
                | (s.windowScaling() ? TCPI_OPT_WSCALE : 0);
        TcpStreamEntry.Builder b = TcpStreamEntry.newBuilder()
                .setInqLen(s.receiveQueueLength()).setInqSeq(s.receiveSeq() - (s.state().finReceived() ? 1 : 0))
                .setOutqLen(s.sendQueueLength()).setOutqSeq(s.sendSeq() - (s.state().finSent() ? 1 : 0))
                .setOptMask(mask).setSndWscale(s.sendWindowScale()).setMssClamp(s.mss())
                .setRcvWscale(s.receiveWindowScale()).setCork(s.cork()).setNodelay(s.noDelay())
                .setUnsqLen(s.unsentLength());
        if (s.timestamps()) b.setTimestamp(s.timestamp());
        if (s.window() != null) {
            b.setSndWl1(s.window().sndWl1()).setSndWnd(s.window().sndWnd()).setMaxWindow(s.window().maxWindow())
                    .setRcvWnd(s.window().rcvWnd()).setRcvWup(s.window().rcvWup());
        }
        return b.build();
    }

    /** The payload: receive queue then send queue. */
    static byte[] payload(TcpConnectionState s) {
        ByteBuffer b = ByteBuffer.allocate(s.receiveQueueLength() + s.sendQueueLength());
        b.put(s.receiveQueue()).put(s.sendQueue());
        return b.array();
    }

    static TcpConnectionState state(InetSkEntry sk, TcpStreamEntry t, byte[] inq, byte[] outq) {
        TcpState st = TcpState.ofKernel(sk.getState());
        SockAddr src = SockAddr.fromWords(sk.getFamily(), sk.getSrcAddrList(), sk.getSrcPort());
        SockAddr dst = SockAddr.fromWords(sk.getFamily(), sk.getDstAddrList(), sk.getDstPort());
        SkOptsEntry o = sk.getOpts();
        TcpConnectionState.Builder b = TcpConnectionState.builder()
                .addresses(src.addr(), src.port(), dst.addr(), dst.port()).state(st)
                .sequences(t.getOutqSeq() + (st.finSent() ? 1 : 0), t.getInqSeq() + (st.finReceived() ? 1 : 0))
                .receiveQueue(inq).sendQueue(outq, t.getUnsqLen()).mss(t.getMssClamp())
                .sack((t.getOptMask() & TCPI_OPT_SACK) != 0).bufferSizes(o.getSoSndbuf(), o.getSoRcvbuf())
                .noDelay(t.getNodelay()).cork(t.getCork());
        if ((t.getOptMask() & TCPI_OPT_WSCALE) != 0) b.windowScale(t.getSndWscale(), t.getRcvWscale());
        if ((t.getOptMask() & TCPI_OPT_TIMESTAMPS) != 0) b.timestamp(t.getTimestamp());
        if (t.hasSndWl1()) {
            b.window(new TcpConnectionState.RepairWindow(t.getSndWl1(), t.getSndWnd(), t.getMaxWindow(),
                    t.getRcvWnd(), t.getRcvWup()));
        }
        if (o.getSoKeepalive()) {
            b.keepAlive(true, o.hasTcpKeepidle() ? o.getTcpKeepidle() : 7200,
                    o.hasTcpKeepintvl() ? o.getTcpKeepintvl() : 75, o.hasTcpKeepcnt() ? o.getTcpKeepcnt() : 9);
        }
        return b.build();
    }
}
