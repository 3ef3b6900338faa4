package org.jcriu.soccr;

import com.sun.jna.Memory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Rebuilds one connection on a fresh socket, in the order the kernel requires. */
final class Restorer {
    private static final int CHUNK = 128 * 1024;
    private static final int IPPROTO_TCP = LibC.IPPROTO_TCP;

    private Restorer() {
    }

    /** Whether restoring {@code s} needs a raw socket to replay the peer's FIN. */
    static boolean needsPeerFin(TcpConnectionState s) {
        return s.state().finReceived();
    }

    /** Creates the new, unconnected socket for {@code s} in the calling thread's namespace. */
    static int newSocket(TcpConnectionState s) throws SoccrException {
        if (!s.state().isRepairable()) {
            throw new UnsupportedSocketException("cannot restore a connection in state " + s.state());
        }
        return Sys.socket(s.isIpv6() ? LibC.AF_INET6 : LibC.AF_INET, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC,
                IPPROTO_TCP);
    }

    /** Runs the whole restore sequence on {@code fd}; {@code rawFd} is needed only when {@link #needsPeerFin}. */
    static void restore(int fd, TcpConnectionState s, int rawFd, RestoreOptions o) throws SoccrException {
        SoccrLogger log = o.logger();
        TcpState st = s.state();
        // 1. repair mode first: connect() will then not send a SYN, bind() may reuse a busy port
        Sys.setInt(fd, IPPROTO_TCP, LibC.TCP_REPAIR, LibC.TCP_REPAIR_ON, "TCP_REPAIR");
        // 2. buffer sizes before any queue refill, or the refill blocks (the kernel doubles the value given)
        if (s.sendBufferSize() > 0) {
            Sys.setInt(fd, LibC.SOL_SOCKET, LibC.SO_SNDBUFFORCE, s.sendBufferSize() / 2, "SO_SNDBUFFORCE");
        }
        if (s.receiveBufferSize() > 0) {
            Sys.setInt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUFFORCE, s.receiveBufferSize() / 2, "SO_RCVBUFFORCE");
        }
        // 3. sequence numbers of both queues: only possible while the socket is still closed
        Sys.setInt(fd, IPPROTO_TCP, LibC.TCP_REPAIR_QUEUE, LibC.TCP_RECV_QUEUE, "TCP_REPAIR_QUEUE");
        Sys.setInt(fd, IPPROTO_TCP, LibC.TCP_QUEUE_SEQ, s.receiveQueueSeq(), "TCP_QUEUE_SEQ recv");
        Sys.setInt(fd, IPPROTO_TCP, LibC.TCP_REPAIR_QUEUE, LibC.TCP_SEND_QUEUE, "TCP_REPAIR_QUEUE");
        Sys.setInt(fd, IPPROTO_TCP, LibC.TCP_QUEUE_SEQ, s.sendQueueSeq(), "TCP_QUEUE_SEQ send");
        // 4. bind + connect in repair mode: straight to ESTABLISHED, nothing on the wire
        byte[] local = SockAddr.encode(s.localAddressBytes(), s.localPort());
        Sys.bind(fd, local, local.length);
        byte[] remote = SockAddr.encode(s.remoteAddressBytes(), s.remotePort());
        Sys.connect(fd, remote, remote.length);
        // 5. negotiated options: only between connect and the first byte queued
        setRepairOptions(fd, s);
        if (s.timestamps()) {
            Sys.setInt(fd, IPPROTO_TCP, LibC.TCP_TIMESTAMP, s.timestamp(), "TCP_TIMESTAMP");
        }
        // 6. queues: send queue (all of it when our FIN must follow), then receive queue
        byte[] sendQ = s.sendQueueArray();
        int sentPart = st.finSent() ? s.sendQueueLength() : s.sentUnackedLength();
        Memory mem = s.sendQueueLength() + s.receiveQueueLength() > 0
                ? new Memory(Math.max(s.sendQueueLength(), s.receiveQueueLength())) : null;
        if (sentPart > 0) {
            // TCP_REPAIR_QUEUE is still TCP_SEND_QUEUE
            fill(fd, mem, sendQ, 0, sentPart, LibC.SO_SNDBUFFORCE, s.sendBufferSize(), "send queue");
        }
        if (s.receiveQueueLength() > 0) {
            Sys.setInt(fd, IPPROTO_TCP, LibC.TCP_REPAIR_QUEUE, LibC.TCP_RECV_QUEUE, "TCP_REPAIR_QUEUE");
            fill(fd, mem, s.receiveQueueArray(), 0, s.receiveQueueLength(), LibC.SO_RCVBUFFORCE, s.receiveBufferSize(),
                    "receive queue");
        }
        // 7. half-closed states: replay the FINs in the order the connection saw them
        int rcvNxt = s.receiveQueueSeq() + s.receiveQueueLength();
        if (st == TcpState.CLOSE_WAIT || st == TcpState.LAST_ACK) {
            PeerFin.send(rawFd, s, rcvNxt, s.sendQueueSeq());
        }
        if (st.finSent()) {
            Sys.setInt(fd, IPPROTO_TCP, LibC.TCP_REPAIR_QUEUE, LibC.TCP_SEND_QUEUE, "TCP_REPAIR_QUEUE");
            Sys.shutdown(fd, LibC.SHUT_WR);
        }
        if (st == TcpState.CLOSING) {
            PeerFin.send(rawFd, s, rcvNxt, s.sendQueueSeq());
        }
        // 8. window after the receive queue (the kernel checks rcv_wup against rcv_nxt)
        if (s.window() != null) {
            TcpConnectionState.RepairWindow w = s.window();
            byte[] b = new byte[20];
            ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).putInt(w.sndWl1()).putInt(w.sndWnd())
                    .putInt(w.maxWindow()).putInt(w.rcvWnd()).putInt(w.rcvWup());
            Sys.setBytes(fd, IPPROTO_TCP, LibC.TCP_REPAIR_WINDOW, b, 20, "TCP_REPAIR_WINDOW");
        }
        // 9. user options
        if (s.noDelay()) {
            Sys.setInt(fd, IPPROTO_TCP, LibC.TCP_NODELAY, 1, "TCP_NODELAY");
        }
        if (s.keepAlive()) {
            Sys.setInt(fd, IPPROTO_TCP, LibC.TCP_KEEPIDLE, s.keepIdle(), "TCP_KEEPIDLE");
            Sys.setInt(fd, IPPROTO_TCP, LibC.TCP_KEEPINTVL, s.keepInterval(), "TCP_KEEPINTVL");
            Sys.setInt(fd, IPPROTO_TCP, LibC.TCP_KEEPCNT, s.keepCount(), "TCP_KEEPCNT");
            Sys.setInt(fd, LibC.SOL_SOCKET, LibC.SO_KEEPALIVE, 1, "SO_KEEPALIVE");
        }
        if (s.cork()) {
            Sys.setInt(fd, IPPROTO_TCP, LibC.TCP_CORK, 1, "TCP_CORK");
        }
        // 10. leave repair mode (the queue selection is ignored outside repair and reset when it is next
        //     turned on); then the never-sent tail goes out as ordinary data
        Sys.setInt(fd, IPPROTO_TCP, LibC.TCP_REPAIR, o.windowProbe() ? LibC.TCP_REPAIR_OFF
                : LibC.TCP_REPAIR_OFF_NO_WP, "TCP_REPAIR off");
        if (!st.finSent() && s.unsentLength() > 0) {
            sendAll(fd, mem, sendQ, s.sentUnackedLength(), s.unsentLength(), s.sendBufferSize());
        }
        if (log.isEnabled(SoccrLogger.Level.DEBUG)) {
            log.log(SoccrLogger.Level.DEBUG, "restored fd " + fd + ": " + s);
        }
    }

    private static void setRepairOptions(int fd, TcpConnectionState s) throws ErrnoException {
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.nativeOrder());
        b.putInt(LibC.TCPOPT_MSS).putInt(s.mss());
        if (s.windowScaling()) {
            b.putInt(LibC.TCPOPT_WINDOW).putInt(s.sendWindowScale() | s.receiveWindowScale() << 16);
        }
        if (s.sack()) {
            b.putInt(LibC.TCPOPT_SACK_PERM).putInt(0);
        }
        if (s.timestamps()) {
            b.putInt(LibC.TCPOPT_TIMESTAMP).putInt(0);
        }
        Sys.setBytes(fd, IPPROTO_TCP, LibC.TCP_REPAIR_OPTIONS, b.array(), b.position(), "TCP_REPAIR_OPTIONS");
    }

    /**
     * Writes {@code len} bytes from {@code src}'s position into the selected
     * repair queue. When the kernel reports the buffer full (the saved data was
     * stored more compactly than a refill allows) the buffer is raised for the
     * refill and set back to the saved size afterwards.
     */
    private static void fill(int fd, Memory mem, byte[] src, int start, int len, int bufOpt, int savedSize,
            String what) throws SoccrException {
        mem.write(0, src, start, len);
        int off = 0;
        int size = Math.max(savedSize, 4096);
        boolean raised = false;
        while (off < len) {
            int n = Math.min(CHUNK, len - off);
            long r = Sys.send(fd, mem.share(off), n, LibC.MSG_DONTWAIT, what);
            if (r > 0) {
                off += (int) r;
                continue;
            }
            if (r == -ErrnoException.EINTR) {
                continue;
            }
            if (size >= (1 << 29)) {
                throw ErrnoException.of("send(" + what + ")", (int) -r);
            }
            size *= 2;
            raised = true;
            Sys.setInt(fd, LibC.SOL_SOCKET, bufOpt, size / 2, bufOpt == LibC.SO_SNDBUFFORCE ? "SO_SNDBUFFORCE"
                    : "SO_RCVBUFFORCE");
        }
        if (raised && savedSize > 0) {
            Sys.setInt(fd, LibC.SOL_SOCKET, bufOpt, savedSize / 2, "buffer size back");
        }
    }

    /**
     * Sends the never-transmitted tail as ordinary data after repair mode. It
     * fitted the original buffer; if the kernel still says full, the send
     * buffer is raised (at most to 512 MiB) rather than waiting on the peer,
     * then set back to the saved size.
     */
    private static void sendAll(int fd, Memory mem, byte[] src, int start, int len, int savedSize)
            throws SoccrException {
        mem.write(0, src, start, len);
        int off = 0;
        int size = Math.max(savedSize, 4096);
        boolean raised = false;
        while (off < len) {
            long r = Sys.send(fd, mem.share(off), len - off, LibC.MSG_DONTWAIT | LibC.MSG_NOSIGNAL, "unsent data");
            if (r > 0) {
                off += (int) r;
            } else if (r != -ErrnoException.EINTR) {
                if (size >= (1 << 29)) {
                    throw ErrnoException.of("send(unsent data)", (int) -r);
                }
                size *= 2;
                raised = true;
                Sys.setInt(fd, LibC.SOL_SOCKET, LibC.SO_SNDBUFFORCE, size / 2, "SO_SNDBUFFORCE");
            }
        }
        if (raised && savedSize > 0) {
            Sys.setInt(fd, LibC.SOL_SOCKET, LibC.SO_SNDBUFFORCE, savedSize / 2, "buffer size back");
        }
    }
}
