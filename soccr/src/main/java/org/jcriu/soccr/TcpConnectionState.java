package org.jcriu.soccr;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * The saved state of one TCP connection: a plain, immutable value with no tie
 * to any socket. Produced by {@link PausedSocket#save()}, consumed by
 * {@link Soccr#restore(TcpConnectionState, RestoreOptions)}, and turned into
 * bytes by {@link #toBytes()} / {@link #fromBytes(byte[])} to cross processes or hosts.
 *
 * <p>Sequence numbers are the kernel's: {@link #sendSeq()} is write_seq (the
 * sequence number after the last byte the application wrote, counting our FIN
 * when one was queued) and {@link #receiveSeq()} is rcv_nxt (the next sequence
 * number expected from the peer, counting the peer's FIN when one was received).
 * The send queue holds every byte from snd_una on: the first
 * {@link #sentUnackedLength()} bytes were transmitted but not acknowledged, the
 * last {@link #unsentLength()} bytes were never transmitted.
 *
 * <p>Ownership: byte arrays given to the {@link Builder} are copied; the queue
 * accessors return read-only views of this value's own copy.
 */
public final class TcpConnectionState {
    /** Serialization magic "SOCR". */
    static final int MAGIC = 0x534F4352;
    /** Current serialization version. */
    public static final int FORMAT_VERSION = 1;

    private static final int F_IPV6 = 1;
    private static final int F_WSCALE = 1 << 1;
    private static final int F_SACK = 1 << 2;
    private static final int F_TIMESTAMPS = 1 << 3;
    private static final int F_WINDOW = 1 << 4;
    private static final int F_NODELAY = 1 << 5;
    private static final int F_CORK = 1 << 6;
    private static final int F_KEEPALIVE = 1 << 7;

    private final boolean ipv6;
    private final byte[] localAddress;
    private final int localPort;
    private final byte[] remoteAddress;
    private final int remotePort;
    private final TcpState state;
    private final int sendSeq;
    private final int receiveSeq;
    private final byte[] receiveQueue;
    private final byte[] sendQueue;
    private final int unsentLength;
    private final int mss;
    private final boolean windowScaling;
    private final int sendWindowScale;
    private final int receiveWindowScale;
    private final boolean sack;
    private final boolean timestamps;
    private final int timestamp;
    private final RepairWindow window;
    private final int sendBufferSize;
    private final int receiveBufferSize;
    private final boolean noDelay;
    private final boolean cork;
    private final boolean keepAlive;
    private final int keepIdle;
    private final int keepInterval;
    private final int keepCount;

    private TcpConnectionState(Builder b) {
        this.ipv6 = b.ipv6;
        this.localAddress = b.localAddress;
        this.localPort = b.localPort;
        this.remoteAddress = b.remoteAddress;
        this.remotePort = b.remotePort;
        this.state = b.state;
        this.sendSeq = b.sendSeq;
        this.receiveSeq = b.receiveSeq;
        this.receiveQueue = b.receiveQueue;
        this.sendQueue = b.sendQueue;
        this.unsentLength = b.unsentLength;
        this.mss = b.mss;
        this.windowScaling = b.windowScaling;
        this.sendWindowScale = b.sendWindowScale;
        this.receiveWindowScale = b.receiveWindowScale;
        this.sack = b.sack;
        this.timestamps = b.timestamps;
        this.timestamp = b.timestamp;
        this.window = b.window;
        this.sendBufferSize = b.sendBufferSize;
        this.receiveBufferSize = b.receiveBufferSize;
        this.noDelay = b.noDelay;
        this.cork = b.cork;
        this.keepAlive = b.keepAlive;
        this.keepIdle = b.keepIdle;
        this.keepInterval = b.keepInterval;
        this.keepCount = b.keepCount;
    }

    /** A builder for values not produced by save(), e.g. mapped from an image file. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether the socket is AF_INET6 (addresses are then 16 bytes, possibly IPv4-mapped). */
    public boolean isIpv6() {
        return ipv6;
    }

    /** Whether packets of this connection are IPv4 on the wire (AF_INET, or AF_INET6 with IPv4-mapped addresses). */
    boolean ipv4OnWire() {
        if (!ipv6) {
            return true;
        }
        for (int i = 0; i < 10; i++) {
            if (localAddress[i] != 0) {
                return false;
            }
        }
        return localAddress[10] == (byte) 0xff && localAddress[11] == (byte) 0xff;
    }

    /** Local address bytes as the kernel holds them (4 or 16 bytes); a copy. */
    public byte[] localAddressBytes() {
        return localAddress.clone();
    }

    /** Remote address bytes (4 or 16 bytes); a copy. */
    public byte[] remoteAddressBytes() {
        return remoteAddress.clone();
    }

    /** Local address and port (an IPv4-mapped address comes back as an Inet4Address). */
    public InetSocketAddress localAddress() {
        return socketAddress(localAddress, localPort);
    }

    /** Peer address and port. */
    public InetSocketAddress remoteAddress() {
        return socketAddress(remoteAddress, remotePort);
    }

    /** Local port. */
    public int localPort() {
        return localPort;
    }

    /** Peer port. */
    public int remotePort() {
        return remotePort;
    }

    /** TCP state at save time. */
    public TcpState state() {
        return state;
    }

    /** write_seq: next sequence number this side would send (our FIN counted). */
    public int sendSeq() {
        return sendSeq;
    }

    /** rcv_nxt: next sequence number expected from the peer (its FIN counted). */
    public int receiveSeq() {
        return receiveSeq;
    }

    /** Sequence number of the first byte of the send queue (snd_una). */
    public int sendQueueSeq() {
        return sendSeq - (state.finSent() ? 1 : 0) - sendQueue.length;
    }

    /** Sequence number of the first byte of the receive queue. */
    public int receiveQueueSeq() {
        return receiveSeq - (state.finReceived() ? 1 : 0) - receiveQueue.length;
    }

    /** Bytes received and not yet read by the application; a read-only view. */
    public ByteBuffer receiveQueue() {
        return ByteBuffer.wrap(receiveQueue).asReadOnlyBuffer();
    }

    /** This value's own receive queue array: package-private, never modified. */
    byte[] receiveQueueArray() {
        return receiveQueue;
    }

    /** This value's own send queue array: package-private, never modified. */
    byte[] sendQueueArray() {
        return sendQueue;
    }

    /** Bytes in the receive queue. */
    public int receiveQueueLength() {
        return receiveQueue.length;
    }

    /** The whole send queue (sent-unacked part then unsent part); a read-only view. */
    public ByteBuffer sendQueue() {
        return ByteBuffer.wrap(sendQueue).asReadOnlyBuffer();
    }

    /** Bytes in the send queue (sent-unacked plus unsent). */
    public int sendQueueLength() {
        return sendQueue.length;
    }

    /** Length of the head of the send queue that was transmitted but not acknowledged. */
    public int sentUnackedLength() {
        return sendQueue.length - unsentLength;
    }

    /** Length of the tail of the send queue that was never transmitted. */
    public int unsentLength() {
        return unsentLength;
    }

    /** Maximum segment size (TCP_MAXSEG at save time), restored as the MSS clamp. */
    public int mss() {
        return mss;
    }

    /** Whether window scaling was negotiated. */
    public boolean windowScaling() {
        return windowScaling;
    }

    /** Scale applied to the peer's advertised window (tcpi_snd_wscale). */
    public int sendWindowScale() {
        return sendWindowScale;
    }

    /** Scale applied to our advertised window (tcpi_rcv_wscale). */
    public int receiveWindowScale() {
        return receiveWindowScale;
    }

    /** Whether SACK was negotiated. */
    public boolean sack() {
        return sack;
    }

    /** Whether TCP timestamps were negotiated; {@link #timestamp()} is then valid. */
    public boolean timestamps() {
        return timestamps;
    }

    /** TCP_TIMESTAMP at save time: the socket's timestamp clock including its offset. */
    public int timestamp() {
        return timestamp;
    }

    /** The repair window, or null when the kernel did not provide one. */
    public RepairWindow window() {
        return window;
    }

    /** SO_SNDBUF as the kernel reports it (already doubled). */
    public int sendBufferSize() {
        return sendBufferSize;
    }

    /** SO_RCVBUF as the kernel reports it (already doubled). */
    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /** TCP_NODELAY. */
    public boolean noDelay() {
        return noDelay;
    }

    /** TCP_CORK. */
    public boolean cork() {
        return cork;
    }

    /** SO_KEEPALIVE; the timers below are saved only when it is on (defaults otherwise). */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** TCP_KEEPIDLE in seconds. */
    public int keepIdle() {
        return keepIdle;
    }

    /** TCP_KEEPINTVL in seconds. */
    public int keepInterval() {
        return keepInterval;
    }

    /** TCP_KEEPCNT. */
    public int keepCount() {
        return keepCount;
    }

    /** Size in bytes of {@link #toBytes()}. */
    public int serializedSize() {
        int a = ipv6 ? 16 : 4;
        return 4 + 1 + 1 + 2 + 2 * (a + 2) + 12 + (windowScaling ? 2 : 0) + (timestamps ? 4 : 0)
                + (window != null ? 20 : 0) + 8 + 12 + 4 + 4 + receiveQueue.length + 4 + sendQueue.length + 4;
    }

    /**
     * Compact versioned binary form, network byte order:
     * magic "SOCR", u8 version, u8 state, u16 flags, addresses and ports,
     * u32 send/receive seq and mss, optional wscales/timestamp/window (by flag),
     * buffer sizes, keepalive timers, u32 unsent length, length-prefixed receive
     * and send queues, u32 length of extensions (0 in version 1).
     */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(serializedSize());
        writeTo(b);
        return b.array();
    }

    /** Writes {@link #toBytes()} into {@code out} at its position. */
    public void writeTo(ByteBuffer out) {
        int flags = (ipv6 ? F_IPV6 : 0) | (windowScaling ? F_WSCALE : 0) | (sack ? F_SACK : 0)
                | (timestamps ? F_TIMESTAMPS : 0) | (window != null ? F_WINDOW : 0) | (noDelay ? F_NODELAY : 0)
                | (cork ? F_CORK : 0) | (keepAlive ? F_KEEPALIVE : 0);
        out.putInt(MAGIC).put((byte) FORMAT_VERSION).put((byte) state.kernelValue()).putShort((short) flags);
        out.put(localAddress).putShort((short) localPort).put(remoteAddress).putShort((short) remotePort);
        out.putInt(sendSeq).putInt(receiveSeq).putInt(mss);
        if (windowScaling) {
            out.put((byte) sendWindowScale).put((byte) receiveWindowScale);
        }
        if (timestamps) {
            out.putInt(timestamp);
        }
        if (window != null) {
            out.putInt(window.sndWl1()).putInt(window.sndWnd()).putInt(window.maxWindow())
                    .putInt(window.rcvWnd()).putInt(window.rcvWup());
        }
        out.putInt(sendBufferSize).putInt(receiveBufferSize);
        out.putInt(keepIdle).putInt(keepInterval).putInt(keepCount);
        out.putInt(unsentLength);
        out.putInt(receiveQueue.length).put(receiveQueue);
        out.putInt(sendQueue.length).put(sendQueue);
        out.putInt(0);
    }

    /** Parses {@link #toBytes()} output. */
    public static TcpConnectionState fromBytes(byte[] data) throws SoccrException {
        return readFrom(ByteBuffer.wrap(data));
    }

    /** Parses one value at {@code in}'s position and advances past it. */
    public static TcpConnectionState readFrom(ByteBuffer in) throws SoccrException {
        try {
            if (in.getInt() != MAGIC) {
                throw new SoccrException("not a soccr connection state (bad magic)");
            }
            int version = in.get() & 0xff;
            if (version != FORMAT_VERSION) {
                throw new SoccrException("unsupported soccr state format version " + version);
            }
            Builder b = new Builder();
            b.state = TcpState.ofKernel(in.get() & 0xff);
            int flags = in.getShort() & 0xffff;
            b.ipv6 = (flags & F_IPV6) != 0;
            b.localAddress = new byte[b.ipv6 ? 16 : 4];
            in.get(b.localAddress);
            b.localPort = in.getShort() & 0xffff;
            b.remoteAddress = new byte[b.ipv6 ? 16 : 4];
            in.get(b.remoteAddress);
            b.remotePort = in.getShort() & 0xffff;
            b.sendSeq = in.getInt();
            b.receiveSeq = in.getInt();
            b.mss = in.getInt();
            if ((flags & F_WSCALE) != 0) {
                b.windowScaling = true;
                b.sendWindowScale = in.get();
                b.receiveWindowScale = in.get();
            }
            b.sack = (flags & F_SACK) != 0;
            if ((flags & F_TIMESTAMPS) != 0) {
                b.timestamps = true;
                b.timestamp = in.getInt();
            }
            if ((flags & F_WINDOW) != 0) {
                b.window = new RepairWindow(in.getInt(), in.getInt(), in.getInt(), in.getInt(), in.getInt());
            }
            b.sendBufferSize = in.getInt();
            b.receiveBufferSize = in.getInt();
            b.keepIdle = in.getInt();
            b.keepInterval = in.getInt();
            b.keepCount = in.getInt();
            b.noDelay = (flags & F_NODELAY) != 0;
            b.cork = (flags & F_CORK) != 0;
            b.keepAlive = (flags & F_KEEPALIVE) != 0;
            b.unsentLength = in.getInt();
            b.receiveQueue = new byte[in.getInt()];
            in.get(b.receiveQueue);
            b.sendQueue = new byte[in.getInt()];
            in.get(b.sendQueue);
            int ext = in.getInt();
            in.position(in.position() + ext);
            return b.check();
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException | NegativeArraySizeException e) {
            throw new SoccrException("corrupt soccr connection state: " + e, e);
        }
    }

    /** A builder carrying over every field, to derive a changed value. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.ipv6 = ipv6;
        b.localAddress = localAddress;
        b.localPort = localPort;
        b.remoteAddress = remoteAddress;
        b.remotePort = remotePort;
        b.state = state;
        b.sendSeq = sendSeq;
        b.receiveSeq = receiveSeq;
        b.receiveQueue = receiveQueue;
        b.sendQueue = sendQueue;
        b.unsentLength = unsentLength;
        b.mss = mss;
        b.windowScaling = windowScaling;
        b.sendWindowScale = sendWindowScale;
        b.receiveWindowScale = receiveWindowScale;
        b.sack = sack;
        b.timestamps = timestamps;
        b.timestamp = timestamp;
        b.window = window;
        b.sendBufferSize = sendBufferSize;
        b.receiveBufferSize = receiveBufferSize;
        b.noDelay = noDelay;
        b.cork = cork;
        b.keepAlive = keepAlive;
        b.keepIdle = keepIdle;
        b.keepInterval = keepInterval;
        b.keepCount = keepCount;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TcpConnectionState)) {
            return false;
        }
        TcpConnectionState t = (TcpConnectionState) o;
        return ipv6 == t.ipv6 && Arrays.equals(localAddress, t.localAddress) && localPort == t.localPort
                && Arrays.equals(remoteAddress, t.remoteAddress) && remotePort == t.remotePort && state == t.state
                && sendSeq == t.sendSeq && receiveSeq == t.receiveSeq && Arrays.equals(receiveQueue, t.receiveQueue)
                && Arrays.equals(sendQueue, t.sendQueue) && unsentLength == t.unsentLength && mss == t.mss
                && windowScaling == t.windowScaling && sendWindowScale == t.sendWindowScale
                && receiveWindowScale == t.receiveWindowScale && sack == t.sack && timestamps == t.timestamps
                && timestamp == t.timestamp && Objects.equals(window, t.window)
                && sendBufferSize == t.sendBufferSize && receiveBufferSize == t.receiveBufferSize
                && noDelay == t.noDelay && cork == t.cork && keepAlive == t.keepAlive && keepIdle == t.keepIdle
                && keepInterval == t.keepInterval && keepCount == t.keepCount;
    }

    @Override
    public int hashCode() {
        return Objects.hash(localPort, remotePort, state, sendSeq, receiveSeq, Arrays.hashCode(receiveQueue),
                Arrays.hashCode(sendQueue));
    }

    @Override
    public String toString() {
        return "TcpConnectionState[" + localAddress() + " -> " + remoteAddress() + " " + state
                + " snd_seq=" + Integer.toUnsignedString(sendSeq) + " rcv_seq=" + Integer.toUnsignedString(receiveSeq)
                + " sendq=" + sendQueue.length + " (unsent " + unsentLength + ") recvq=" + receiveQueue.length
                + " mss=" + mss + (windowScaling ? " wscale=" + sendWindowScale + "/" + receiveWindowScale : "")
                + (sack ? " sack" : "") + (timestamps ? " ts=" + Integer.toUnsignedString(timestamp) : "")
                + (window != null ? " " + window : "") + "]";
    }

    private static InetSocketAddress socketAddress(byte[] addr, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(addr), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The kernel's struct tcp_repair_window:
     * <pre>struct tcp_repair_window { __u32 snd_wl1; __u32 snd_wnd; __u32 max_window; __u32 rcv_wnd; __u32 rcv_wup; };</pre>
     */
    public static final class RepairWindow {
        private final int sndWl1;
        private final int sndWnd;
        private final int maxWindow;
        private final int rcvWnd;
        private final int rcvWup;

        /** The five fields in the kernel's order. */
        public RepairWindow(int sndWl1, int sndWnd, int maxWindow, int rcvWnd, int rcvWup) {
            this.sndWl1 = sndWl1;
            this.sndWnd = sndWnd;
            this.maxWindow = maxWindow;
            this.rcvWnd = rcvWnd;
            this.rcvWup = rcvWup;
        }

        /** Sequence number of the segment that last updated the send window. */
        public int sndWl1() {
            return sndWl1;
        }

        /** Send window the peer advertised, in bytes. */
        public int sndWnd() {
            return sndWnd;
        }

        /** Largest window the peer ever advertised. */
        public int maxWindow() {
            return maxWindow;
        }

        /** Receive window we advertise. */
        public int rcvWnd() {
            return rcvWnd;
        }

        /** rcv_nxt at our last window update. */
        public int rcvWup() {
            return rcvWup;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof RepairWindow)) {
                return false;
            }
            RepairWindow w = (RepairWindow) o;
            return sndWl1 == w.sndWl1 && sndWnd == w.sndWnd && maxWindow == w.maxWindow && rcvWnd == w.rcvWnd
                    && rcvWup == w.rcvWup;
        }

        @Override
        public int hashCode() {
            return Objects.hash(sndWl1, sndWnd, maxWindow, rcvWnd, rcvWup);
        }

        @Override
        public String toString() {
            return "window[snd_wl1=" + Integer.toUnsignedString(sndWl1) + " snd_wnd=" + sndWnd + " max_window="
                    + maxWindow + " rcv_wnd=" + rcvWnd + " rcv_wup=" + Integer.toUnsignedString(rcvWup) + "]";
        }
    }

    /** Assembles a {@link TcpConnectionState}; arrays are copied on set. */
    public static final class Builder {
        private boolean ipv6;
        private byte[] localAddress;
        private int localPort;
        private byte[] remoteAddress;
        private int remotePort;
        private TcpState state = TcpState.ESTABLISHED;
        private int sendSeq;
        private int receiveSeq;
        private byte[] receiveQueue = new byte[0];
        private byte[] sendQueue = new byte[0];
        private int unsentLength;
        private int mss = 536;
        private boolean windowScaling;
        private int sendWindowScale;
        private int receiveWindowScale;
        private boolean sack;
        private boolean timestamps;
        private int timestamp;
        private RepairWindow window;
        private int sendBufferSize;
        private int receiveBufferSize;
        private boolean noDelay;
        private boolean cork;
        private boolean keepAlive;
        private int keepIdle = 7200;
        private int keepInterval = 75;
        private int keepCount = 9;

        private Builder() {
        }

        /** Addresses: 4-byte arrays for AF_INET, 16-byte arrays for AF_INET6 (both the same length). */
        public Builder addresses(byte[] local, int localPort, byte[] remote, int remotePort) {
            if (local.length != remote.length || (local.length != 4 && local.length != 16)) {
                throw new IllegalArgumentException("addresses must both be 4 or both 16 bytes");
            }
            this.ipv6 = local.length == 16;
            this.localAddress = local.clone();
            this.localPort = localPort;
            this.remoteAddress = remote.clone();
            this.remotePort = remotePort;
            return this;
        }

        /** TCP state (default ESTABLISHED). */
        public Builder state(TcpState s) {
            this.state = s;
            return this;
        }

        /** write_seq and rcv_nxt, FINs counted as for the state. */
        public Builder sequences(int sendSeq, int receiveSeq) {
            this.sendSeq = sendSeq;
            this.receiveSeq = receiveSeq;
            return this;
        }

        /** Receive queue bytes (copied). */
        public Builder receiveQueue(byte[] data) {
            this.receiveQueue = data.clone();
            return this;
        }

        /** The whole send queue, of which the last {@code unsent} bytes were never sent. */
        public Builder sendQueue(byte[] data, int unsent) {
            this.sendQueue = data.clone();
            this.unsentLength = unsent;
            return this;
        }

        /** MSS clamp (default 536). */
        public Builder mss(int mss) {
            this.mss = mss;
            return this;
        }

        /** Negotiated window scaling: the peer's shift and ours. */
        public Builder windowScale(int send, int receive) {
            this.windowScaling = true;
            this.sendWindowScale = send;
            this.receiveWindowScale = receive;
            return this;
        }

        /** Whether SACK was negotiated. */
        public Builder sack(boolean on) {
            this.sack = on;
            return this;
        }

        /** Timestamps negotiated, with the TCP_TIMESTAMP value to restore. */
        public Builder timestamp(int value) {
            this.timestamps = true;
            this.timestamp = value;
            return this;
        }

        /** The repair window, or null to leave the kernel's defaults. */
        public Builder window(RepairWindow w) {
            this.window = w;
            return this;
        }

        /** SO_SNDBUF and SO_RCVBUF as read back from the kernel. */
        public Builder bufferSizes(int send, int receive) {
            this.sendBufferSize = send;
            this.receiveBufferSize = receive;
            return this;
        }

        /** TCP_NODELAY. */
        public Builder noDelay(boolean on) {
            this.noDelay = on;
            return this;
        }

        /** TCP_CORK. */
        public Builder cork(boolean on) {
            this.cork = on;
            return this;
        }

        /** SO_KEEPALIVE with TCP_KEEPIDLE, TCP_KEEPINTVL (seconds) and TCP_KEEPCNT. */
        public Builder keepAlive(boolean on, int idle, int interval, int count) {
            this.keepAlive = on;
            this.keepIdle = idle;
            this.keepInterval = interval;
            this.keepCount = count;
            return this;
        }

        Builder checkedQueues(byte[] receive, byte[] send, int unsent) {
            this.receiveQueue = receive;
            this.sendQueue = send;
            this.unsentLength = unsent;
            return this;
        }

        TcpConnectionState check() {
            if (localAddress == null || remoteAddress == null) {
                throw new IllegalArgumentException("addresses not set");
            }
            if (unsentLength < 0 || unsentLength > sendQueue.length) {
                throw new IllegalArgumentException("unsent length " + unsentLength + " outside send queue of "
                        + sendQueue.length);
            }
            return new TcpConnectionState(this);
        }

        /** The value; throws IllegalArgumentException when addresses are missing or lengths disagree. */
        public TcpConnectionState build() {
            return check();
        }
    }
}
