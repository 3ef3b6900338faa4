package org.jcriu.soccr;

import com.sun.jna.Memory;

/**
 * A live TCP socket in repair mode: the live handle, kept apart from the plain
 * saved value ({@link TcpConnectionState}). While paused the socket sends
 * nothing; the caller must keep the peer's packets away (a network lock) from
 * {@link Soccr#pause(int)} until the connection is restored, or bytes the
 * kernel receives in between are lost.
 *
 * <p>Lifetime: {@link #save()} any number of times, then exactly one of
 * {@link #release()} (close without FIN or RST: the connection now lives only
 * in the saved value) or {@link #resume()} (leave repair mode: the original
 * socket goes on as if nothing happened). {@link #close()} resumes when
 * neither was called, so a forgotten handle never loses a connection; it is
 * safe to call twice. Not thread-safe: one thread drives a handle.
 */
public final class PausedSocket implements AutoCloseable {
    private static final int PAUSED = 0;
    private static final int RESUMED = 1;
    private static final int RELEASED = 2;

    private final int fd;
    private final SoccrLogger log;
    private final TcpState state;
    private int phase = PAUSED;
    private boolean queueSelected;

    PausedSocket(int fd, TcpState state, SoccrLogger log) {
        this.fd = fd;
        this.state = state;
        this.log = log;
    }

    /** The socket's file descriptor (still owned by the caller until {@link #release()}). */
    public int fd() {
        return fd;
    }

    /** The TCP state at pause time. */
    public TcpState state() {
        return state;
    }

    /**
     * Reads the complete connection state. The socket must still be in repair
     * mode ({@link NotInRepairModeException} otherwise).
     */
    public TcpConnectionState save() throws SoccrException {
        checkPaused("save");
        // TCP_REPAIR_WINDOW is refused with EPERM outside repair mode: it doubles as the repair check
        byte[] w = new byte[20];
        int wlen;
        try {
            wlen = Sys.getBytes(fd, LibC.IPPROTO_TCP, LibC.TCP_REPAIR_WINDOW, w, "TCP_REPAIR_WINDOW");
        } catch (PermissionDeniedException e) {
            throw new NotInRepairModeException("socket " + fd + " is not in TCP repair mode");
        }
        TcpInfo info = new TcpInfo().read(fd);
        TcpState now = TcpState.ofKernel(info.state());
        TcpConnectionState.Builder b = TcpConnectionState.builder().state(now);
        if (wlen == 20) {
            java.nio.ByteBuffer wb = java.nio.ByteBuffer.wrap(w).order(java.nio.ByteOrder.nativeOrder());
            b.window(new TcpConnectionState.RepairWindow(wb.getInt(), wb.getInt(), wb.getInt(), wb.getInt(),
                    wb.getInt()));
        }

        byte[] sa = new byte[SockAddr.MAX_LEN];
        Sys.getsockname(fd, sa);
        byte[] local = SockAddr.address(sa);
        int localPort = SockAddr.port(sa);
        Sys.getpeername(fd, sa);
        b.addresses(local, localPort, SockAddr.address(sa), SockAddr.port(sa));

        int inq = Sys.ioctlInt(fd, LibC.SIOCINQ, "SIOCINQ");
        int outq = Sys.ioctlInt(fd, LibC.SIOCOUTQ, "SIOCOUTQ");
        int notSent = outq > 0 ? Sys.ioctlInt(fd, LibC.SIOCOUTQNSD, "SIOCOUTQNSD") : 0;
        Memory buf = inq > 0 || outq > 0 ? new Memory(Math.max(inq, outq) + 1L) : null;

        Sys.setInt(fd, LibC.IPPROTO_TCP, LibC.TCP_REPAIR_QUEUE, LibC.TCP_RECV_QUEUE, "TCP_REPAIR_QUEUE");
        int rcvNxt = Sys.getInt(fd, LibC.IPPROTO_TCP, LibC.TCP_QUEUE_SEQ, "TCP_QUEUE_SEQ recv");
        byte[] recvQ = peek(buf, inq, "receive queue");
        Sys.setInt(fd, LibC.IPPROTO_TCP, LibC.TCP_REPAIR_QUEUE, LibC.TCP_SEND_QUEUE, "TCP_REPAIR_QUEUE");
        int writeSeq = Sys.getInt(fd, LibC.IPPROTO_TCP, LibC.TCP_QUEUE_SEQ, "TCP_QUEUE_SEQ send");
        byte[] sendQ = peek(buf, outq, "send queue");
        queueSelected = true;
        // an unsent FIN counts in SIOCOUTQNSD but is not data
        int unsent = Math.max(0, Math.min(sendQ.length, now.finSent() ? notSent - 1 : notSent));
        b.sequences(writeSeq, rcvNxt).checkedQueues(recvQ, sendQ, unsent);

        b.mss(Sys.getInt(fd, LibC.IPPROTO_TCP, LibC.TCP_MAXSEG, "TCP_MAXSEG"));
        int opts = info.options();
        if ((opts & LibC.TCPI_OPT_WSCALE) != 0) {
            b.windowScale(info.sndWscale(), info.rcvWscale());
        }
        b.sack((opts & LibC.TCPI_OPT_SACK) != 0);
        if ((opts & LibC.TCPI_OPT_TIMESTAMPS) != 0) {
            b.timestamp(Sys.getInt(fd, LibC.IPPROTO_TCP, LibC.TCP_TIMESTAMP, "TCP_TIMESTAMP"));
        }
        b.bufferSizes(Sys.getInt(fd, LibC.SOL_SOCKET, LibC.SO_SNDBUF, "SO_SNDBUF"),
                Sys.getInt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUF, "SO_RCVBUF"));
        b.noDelay(Sys.getInt(fd, LibC.IPPROTO_TCP, LibC.TCP_NODELAY, "TCP_NODELAY") != 0);
        b.cork(Sys.getInt(fd, LibC.IPPROTO_TCP, LibC.TCP_CORK, "TCP_CORK") != 0);
        // keepalive timers matter (and are saved) only while keepalive is on
        if (Sys.getInt(fd, LibC.SOL_SOCKET, LibC.SO_KEEPALIVE, "SO_KEEPALIVE") != 0) {
            b.keepAlive(true, Sys.getInt(fd, LibC.IPPROTO_TCP, LibC.TCP_KEEPIDLE, "TCP_KEEPIDLE"),
                    Sys.getInt(fd, LibC.IPPROTO_TCP, LibC.TCP_KEEPINTVL, "TCP_KEEPINTVL"),
                    Sys.getInt(fd, LibC.IPPROTO_TCP, LibC.TCP_KEEPCNT, "TCP_KEEPCNT"));
        }
        TcpConnectionState s = b.check();
        if (log.isEnabled(SoccrLogger.Level.DEBUG)) {
            log.log(SoccrLogger.Level.DEBUG, "saved fd " + fd + ": " + s);
        }
        return s;
    }

    private byte[] peek(Memory buf, int len, String what) throws ErrnoException {
        if (len <= 0) {
            return new byte[0];
        }
        long n = Sys.recv(fd, buf, len + 1L, LibC.MSG_PEEK | LibC.MSG_DONTWAIT, "MSG_PEEK " + what);
        byte[] data = new byte[(int) n];
        buf.read(0, data, 0, data.length);
        return data;
    }

    /**
     * Closes the socket while in repair mode: the kernel drops it without
     * sending FIN or RST. Every other descriptor the caller holds for the same
     * socket must already be closed, or the socket lives on through it.
     */
    public void release() throws SoccrException {
        checkPaused("release");
        phase = RELEASED;
        Sys.close(fd);
        if (log.isEnabled(SoccrLogger.Level.DEBUG)) {
            log.log(SoccrLogger.Level.DEBUG, "released fd " + fd + " silently");
        }
    }

    /** Leaves repair mode without a window probe; the original socket carries on. The fd stays open. */
    public void resume() throws SoccrException {
        checkPaused("resume");
        phase = RESUMED;
        if (queueSelected) {
            Sys.setInt(fd, LibC.IPPROTO_TCP, LibC.TCP_REPAIR_QUEUE, LibC.TCP_NO_QUEUE, "TCP_REPAIR_QUEUE");
        }
        Sys.setInt(fd, LibC.IPPROTO_TCP, LibC.TCP_REPAIR, LibC.TCP_REPAIR_OFF_NO_WP, "TCP_REPAIR off");
    }

    /** {@link #resume()} if neither release() nor resume() was called; otherwise nothing. */
    @Override
    public void close() throws SoccrException {
        if (phase == PAUSED) {
            resume();
        }
    }

    private void checkPaused(String verb) throws NotInRepairModeException {
        if (phase != PAUSED) {
            throw new NotInRepairModeException("cannot " + verb + ": socket " + fd + " was already "
                    + (phase == RESUMED ? "resumed" : "released"));
        }
    }
}
