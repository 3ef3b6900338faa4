package org.jcriu.soccr;

/**
 * Builds and sends, through a raw IP socket, the FIN the peer once sent, so a
 * restored socket reaches CLOSE_WAIT, LAST_ACK or CLOSING. The kernel offers no
 * repair option for a received FIN; a segment from the peer's address is the
 * only way in. The segment carries no options (no timestamp), which the kernel
 * accepts and which leaves PAWS state untouched.
 */
final class PeerFin {
    private PeerFin() {
    }

    /**
     * Mark on the replayed FIN, so that a network lock (firewall rules dropping
     * the peer's traffic during a restore) can let it through: the value CRIU's
     * lock rules accept.
     */
    static final int SOCCR_MARK = 0xC114;

    /** Opens the raw socket for {@code ipv6} in the calling thread's network namespace. */
    static int open(boolean ipv6) throws ErrnoException {
        int fd = Sys.socket(ipv6 ? LibC.AF_INET6 : LibC.AF_INET, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.IPPROTO_RAW);
        try {
            Sys.setInt(fd, LibC.SOL_SOCKET, LibC.SO_MARK, SOCCR_MARK, "SO_MARK");
        } catch (ErrnoException e) {
            LibC.close(fd);
            throw e;
        }
        return fd;
    }

    /** Sends FIN|ACK from the peer with sequence {@code seq}, acknowledging {@code ack}. */
    static void send(int rawFd, TcpConnectionState s, int seq, int ack) throws ErrnoException {
        byte[] src = s.remoteAddressBytes();
        byte[] dst = s.localAddressBytes();
        if (src.length == 16 && s.ipv4OnWire()) {
            src = java.util.Arrays.copyOfRange(src, 12, 16);
            dst = java.util.Arrays.copyOfRange(dst, 12, 16);
        }
        int ipLen = src.length == 4 ? 20 : 40;
        byte[] p = new byte[ipLen + 20];
        if (src.length == 4) {
            p[0] = 0x45;
            p[2] = 0;
            p[3] = 40;
            p[6] = 0x40;
            p[8] = 64;
            p[9] = (byte) LibC.IPPROTO_TCP;
            System.arraycopy(src, 0, p, 12, 4);
            System.arraycopy(dst, 0, p, 16, 4);
        } else {
            p[0] = 0x60;
            p[5] = 20;
            p[6] = (byte) LibC.IPPROTO_TCP;
            p[7] = 64;
            System.arraycopy(src, 0, p, 8, 16);
            System.arraycopy(dst, 0, p, 24, 16);
        }
        int t = ipLen;
        put16(p, t, s.remotePort());
        put16(p, t + 2, s.localPort());
        put32(p, t + 4, seq);
        put32(p, t + 8, ack);
        p[t + 12] = 5 << 4;
        p[t + 13] = 0x11; // FIN | ACK
        int win = 65535;
        if (s.window() != null) {
            win = Math.min(65535, s.window().sndWnd() >>> (s.windowScaling() ? s.sendWindowScale() : 0));
        }
        put16(p, t + 14, win);
        long sum = 0;
        for (int i = 0; i < src.length; i += 2) {
            sum += ((src[i] & 0xff) << 8 | (src[i + 1] & 0xff)) + ((dst[i] & 0xff) << 8 | (dst[i + 1] & 0xff));
        }
        sum += LibC.IPPROTO_TCP + 20;
        for (int i = t; i < t + 20; i += 2) {
            sum += (p[i] & 0xff) << 8 | (p[i + 1] & 0xff);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        put16(p, t + 16, (int) ~sum & 0xffff);
        byte[] to = SockAddr.encode(dst, 0);
        Sys.sendto(rawFd, p, p.length, to, to.length, "raw FIN");
    }

    private static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static void put32(byte[] b, int off, int v) {
        put16(b, off, v >>> 16);
        put16(b, off + 2, v);
    }
}
