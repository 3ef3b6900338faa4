package org.jcriu.criu.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.jcriu.criu.sys.Errno;
import org.jcriu.images.proto.SkOptsEntry;

/**
 * Socket options of CRIU's sk-opts entry: read from a socket with getsockopt,
 * and set back on a new one (the options that must precede bind() in
 * {@link #beforeBind}, the rest in {@link #apply}).
 */
final class SkOpts {
    private static final int SOCK_SNDBUF_LOCK = 1, SOCK_RCVBUF_LOCK = 2;

    private SkOpts() {}

    static SkOptsEntry read(int fd, boolean tcp) throws Errno {
        SkOptsEntry.Builder b = SkOptsEntry.newBuilder()
                .setSoSndbuf(get(fd, NetLib.SO_SNDBUF, "SO_SNDBUF"))
                .setSoRcvbuf(get(fd, NetLib.SO_RCVBUF, "SO_RCVBUF"));
        long[] snd = timeval(fd, NetLib.SO_SNDTIMEO, "SO_SNDTIMEO"), rcv = timeval(fd, NetLib.SO_RCVTIMEO, "SO_RCVTIMEO");
        b.setSoSndTmoSec(snd[0]).setSoSndTmoUsec(snd[1]).setSoRcvTmoSec(rcv[0]).setSoRcvTmoUsec(rcv[1]);
        b.setReuseaddr(get(fd, NetLib.SO_REUSEADDR, "SO_REUSEADDR") != 0)
                .setSoPriority(get(fd, NetLib.SO_PRIORITY, "SO_PRIORITY"))
                .setSoRcvlowat(get(fd, NetLib.SO_RCVLOWAT, "SO_RCVLOWAT"));
        int mark = get(fd, NetLib.SO_MARK, "SO_MARK");
        if (mark != 0) b.setSoMark(mark);
        b.setSoPasscred(optional(fd, NetLib.SO_PASSCRED, "SO_PASSCRED") != 0)
                .setSoPasssec(optional(fd, NetLib.SO_PASSSEC, "SO_PASSSEC") != 0)
                .setSoDontroute(get(fd, NetLib.SO_DONTROUTE, "SO_DONTROUTE") != 0)
                .setSoNoCheck(get(fd, NetLib.SO_NO_CHECK, "SO_NO_CHECK") != 0);
        byte[] dev = NetLib.getBytes(fd, NetLib.SOL_SOCKET, NetLib.SO_BINDTODEVICE, 16, "SO_BINDTODEVICE");
        int n = 0;
        while (n < dev.length && dev[n] != 0) n++;
        if (n > 0) b.setSoBoundDev(new String(dev, 0, n, StandardCharsets.US_ASCII));
        b.setSoReuseport(get(fd, NetLib.SO_REUSEPORT, "SO_REUSEPORT") != 0)
                .setSoBroadcast(get(fd, NetLib.SO_BROADCAST, "SO_BROADCAST") != 0);
        boolean ka = get(fd, NetLib.SO_KEEPALIVE, "SO_KEEPALIVE") != 0;
        b.setSoKeepalive(ka);
        if (ka && tcp) {
            b.setTcpKeepcnt(NetLib.getInt(fd, NetLib.IPPROTO_TCP, NetLib.TCP_KEEPCNT, "TCP_KEEPCNT"))
                    .setTcpKeepidle(NetLib.getInt(fd, NetLib.IPPROTO_TCP, NetLib.TCP_KEEPIDLE, "TCP_KEEPIDLE"))
                    .setTcpKeepintvl(NetLib.getInt(fd, NetLib.IPPROTO_TCP, NetLib.TCP_KEEPINTVL, "TCP_KEEPINTVL"));
        }
        b.setSoOobinline(get(fd, NetLib.SO_OOBINLINE, "SO_OOBINLINE"));
        ByteBuffer l = ByteBuffer.wrap(NetLib.getBytes(fd, NetLib.SOL_SOCKET, NetLib.SO_LINGER, 8, "SO_LINGER"))
                .order(ByteOrder.LITTLE_ENDIAN);
        if (l.remaining() >= 8 && l.getInt(0) != 0) b.setSoLinger(l.getInt(4));
        try {
            b.setSoBufLock(get(fd, NetLib.SO_BUF_LOCK, "SO_BUF_LOCK"));
        } catch (Errno e) {
            // kernels before 5.14 have no SO_BUF_LOCK: leave it out
        }
        return b.build();
    }

    /** Options that change how bind() behaves. */
    static void beforeBind(int fd, SkOptsEntry o) throws Errno {
        set(fd, NetLib.SO_REUSEADDR, 1, "SO_REUSEADDR");
        if (o.getSoReuseport()) set(fd, NetLib.SO_REUSEPORT, 1, "SO_REUSEPORT");
        if (o.hasSoBoundDev() && !o.getSoBoundDev().isEmpty()) {
            NetLib.setBytes(fd, NetLib.SOL_SOCKET, NetLib.SO_BINDTODEVICE,
                    o.getSoBoundDev().getBytes(StandardCharsets.US_ASCII), "SO_BINDTODEVICE");
        }
    }

    /**
     * Everything else. Buffer sizes are set (with the *FORCE options, halved as
     * the kernel doubles them) only when the task had locked them; otherwise
     * the kernel's autotuning keeps them, as it did before the dump.
     * withBuffers false: soccr has already set them.
     */
    static void apply(int fd, SkOptsEntry o, boolean tcp, boolean withBuffers) throws Errno {
        set(fd, NetLib.SO_REUSEADDR, o.getReuseaddr() ? 1 : 0, "SO_REUSEADDR");
        if (withBuffers && (o.getSoBufLock() & SOCK_SNDBUF_LOCK) != 0) {
            set(fd, NetLib.SO_SNDBUFFORCE, o.getSoSndbuf() / 2, "SO_SNDBUFFORCE");
        }
        if (withBuffers && (o.getSoBufLock() & SOCK_RCVBUF_LOCK) != 0) {
            set(fd, NetLib.SO_RCVBUFFORCE, o.getSoRcvbuf() / 2, "SO_RCVBUFFORCE");
        }
        if (o.getSoSndTmoSec() != 0 || o.getSoSndTmoUsec() != 0) {
            setTimeval(fd, NetLib.SO_SNDTIMEO, o.getSoSndTmoSec(), o.getSoSndTmoUsec(), "SO_SNDTIMEO");
        }
        if (o.getSoRcvTmoSec() != 0 || o.getSoRcvTmoUsec() != 0) {
            setTimeval(fd, NetLib.SO_RCVTIMEO, o.getSoRcvTmoSec(), o.getSoRcvTmoUsec(), "SO_RCVTIMEO");
        }
        if (o.getSoPriority() != 0) set(fd, NetLib.SO_PRIORITY, o.getSoPriority(), "SO_PRIORITY");
        if (o.hasSoRcvlowat() && o.getSoRcvlowat() > 1) set(fd, NetLib.SO_RCVLOWAT, o.getSoRcvlowat(), "SO_RCVLOWAT");
        if (o.getSoMark() != 0) set(fd, NetLib.SO_MARK, o.getSoMark(), "SO_MARK");
        if (o.getSoPasscred()) set(fd, NetLib.SO_PASSCRED, 1, "SO_PASSCRED");
        if (o.getSoPasssec()) set(fd, NetLib.SO_PASSSEC, 1, "SO_PASSSEC");
        if (o.getSoDontroute()) set(fd, NetLib.SO_DONTROUTE, 1, "SO_DONTROUTE");
        if (o.getSoNoCheck()) set(fd, NetLib.SO_NO_CHECK, 1, "SO_NO_CHECK");
        if (o.getSoBroadcast()) set(fd, NetLib.SO_BROADCAST, 1, "SO_BROADCAST");
        if (o.getSoOobinline() != 0) set(fd, NetLib.SO_OOBINLINE, 1, "SO_OOBINLINE");
        if (o.getSoKeepalive()) {
            set(fd, NetLib.SO_KEEPALIVE, 1, "SO_KEEPALIVE");
            if (tcp && o.hasTcpKeepidle()) {
                NetLib.setInt(fd, NetLib.IPPROTO_TCP, NetLib.TCP_KEEPIDLE, o.getTcpKeepidle(), "TCP_KEEPIDLE");
                NetLib.setInt(fd, NetLib.IPPROTO_TCP, NetLib.TCP_KEEPINTVL, o.getTcpKeepintvl(), "TCP_KEEPINTVL");
                NetLib.setInt(fd, NetLib.IPPROTO_TCP, NetLib.TCP_KEEPCNT, o.getTcpKeepcnt(), "TCP_KEEPCNT");
            }
        }
        if (o.hasSoLinger()) {
            byte[] l = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putInt(o.getSoLinger()).array();
            NetLib.setBytes(fd, NetLib.SOL_SOCKET, NetLib.SO_LINGER, l, "SO_LINGER");
        }
    }

    private static int get(int fd, int name, String what) throws Errno {
        return NetLib.getInt(fd, NetLib.SOL_SOCKET, name, what);
    }

    /** An option some kernels refuse for inet sockets (SO_PASSCRED on 6.x): 0 when refused. */
    private static int optional(int fd, int name, String what) throws Errno {
        try {
            return get(fd, name, what);
        } catch (Errno e) {
            if (e.errno() == Errno.EOPNOTSUPP || e.errno() == 92 /* ENOPROTOOPT */) return 0;
            throw e;
        }
    }

    private static void set(int fd, int name, int v, String what) throws Errno {
        NetLib.setInt(fd, NetLib.SOL_SOCKET, name, v, what);
    }

    private static long[] timeval(int fd, int name, String what) throws Errno {
        ByteBuffer b = ByteBuffer.wrap(NetLib.getBytes(fd, NetLib.SOL_SOCKET, name, 16, what)).order(ByteOrder.LITTLE_ENDIAN);
        return b.remaining() >= 16 ? new long[] {b.getLong(0), b.getLong(8)} : new long[] {0, 0};
    }

    private static void setTimeval(int fd, int name, long sec, long usec, String what) throws Errno {
        byte[] v = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(sec).putLong(usec).array();
        NetLib.setBytes(fd, NetLib.SOL_SOCKET, name, v, what);
    }
}
