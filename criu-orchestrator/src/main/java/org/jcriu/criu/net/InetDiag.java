package org.jcriu.criu.net;

import com.sun.jna.Memory;
import java.util.HashMap;
import java.util.Map;
import org.jcriu.criu.sys.Errno;

/**
 * netlink sock_diag for inet sockets (NETLINK_SOCK_DIAG, SOCK_DIAG_BY_FAMILY
 * with struct inet_diag_req_v2): every TCP and UDP socket of the caller's
 * network namespace, IPv4 and IPv6, by inode.
 *
 * <pre>
 * struct inet_diag_sockid { __be16 sport, dport; __be32 src[4], dst[4]; __u32 if; __u32 cookie[2]; };   48 bytes
 * struct inet_diag_req_v2 { u8 family, protocol, ext, pad; u32 states; struct inet_diag_sockid id; };   56 bytes
 * struct inet_diag_msg    { u8 family, state, timer, retrans; struct inet_diag_sockid id;
 *                           u32 expires, rqueue, wqueue, uid, inode; };                                  72 bytes
 * attribute INET_DIAG_SHUTDOWN (8): u8 RCV_SHUTDOWN 1 | SEND_SHUTDOWN 2
 * </pre>
 */
final class InetDiag {
    private static final int NETLINK_SOCK_DIAG = 4, SOCK_DIAG_BY_FAMILY = 20;
    private static final int NLM_F_REQUEST = 1, NLM_F_DUMP = 0x300, NLMSG_ERROR = 2, NLMSG_DONE = 3;
    private static final int INET_DIAG_SHUTDOWN = 8;

    /**
     * One inet socket as the kernel describes it.
     *
     * @param state TCP state (UDP: 1 connected, 7 not)
     * @param rqueue TCP: bytes to read, LISTEN: connections waiting to be accepted
     * @param wqueue TCP: bytes to send, LISTEN: the backlog
     * @param shutdown RCV_SHUTDOWN 1 | SEND_SHUTDOWN 2
     */
    record Sock(long ino, int family, int proto, int state, SockAddr src, SockAddr dst, int rqueue, int wqueue,
                int shutdown) {}

    private InetDiag() {}

    /** TCP and UDP sockets of both families in this network namespace, by inode. */
    static Map<Long, Sock> all() throws Errno {
        Map<Long, Sock> out = new HashMap<>();
        int fd = NetLib.netlink(NETLINK_SOCK_DIAG);
        try (Memory req = new Memory(72); Memory addr = new Memory(12); Memory buf = new Memory(1 << 16)) {
            addr.clear();
            addr.setShort(0, (short) 16);
            int seq = 1;
            for (int family : new int[] {NetLib.AF_INET, NetLib.AF_INET6}) {
                for (int proto : new int[] {NetLib.IPPROTO_TCP, NetLib.IPPROTO_UDP}) {
                    req.clear();
                    req.setInt(0, 72);
                    req.setShort(4, (short) SOCK_DIAG_BY_FAMILY);
                    req.setShort(6, (short) (NLM_F_REQUEST | NLM_F_DUMP));
                    req.setInt(8, seq++);
                    req.setByte(16, (byte) family);
                    req.setByte(17, (byte) proto);
                    req.setInt(20, -1); // every state
                    NetLib.sendto(fd, req, 72, addr, 12);
                    read(fd, buf, proto, out);
                }
            }
        } finally {
            NetLib.close(fd, true);
        }
        return out;
    }

    private static void read(int fd, Memory buf, int proto, Map<Long, Sock> out) throws Errno {
        for (;;) {
            long n = NetLib.recv(fd, buf, buf.size());
            if (n <= 0) return;
            int off = 0;
            while (off + 16 <= n) {
                int len = buf.getInt(off);
                int type = buf.getShort(off + 4) & 0xffff;
                if (len < 16) return;
                if (type == NLMSG_DONE) return;
                if (type == NLMSG_ERROR) {
                    int err = -buf.getInt(off + 16);
                    if (err == 0) return;
                    throw new Errno("sock_diag(inet)", err);
                }
                if (type == SOCK_DIAG_BY_FAMILY) parse(buf, off + 16, off + len, proto, out);
                off += (len + 3) & ~3;
            }
        }
    }

    private static void parse(Memory b, int p, int end, int proto, Map<Long, Sock> out) {
        int family = b.getByte(p) & 0xff;
        int state = b.getByte(p + 1) & 0xff;
        int sport = port(b, p + 4), dport = port(b, p + 6);
        int alen = family == NetLib.AF_INET6 ? 16 : 4;
        SockAddr src = new SockAddr(family, b.getByteArray(p + 8, alen), sport);
        SockAddr dst = new SockAddr(family, b.getByteArray(p + 24, alen), dport);
        int rq = b.getInt(p + 56), wq = b.getInt(p + 60);
        long ino = b.getInt(p + 68) & 0xffffffffL;
        int shut = 0;
        int a = p + 72;
        while (a + 4 <= end) {
            int l = b.getShort(a) & 0xffff, t = b.getShort(a + 2) & 0xffff;
            if (l < 4) break;
            if (t == INET_DIAG_SHUTDOWN && l >= 5) shut = b.getByte(a + 4) & 0xff;
            a += (l + 3) & ~3;
        }
        if (ino != 0) out.put(ino, new Sock(ino, family, proto, state, src, dst, rq, wq, shut));
    }

    private static int port(Memory b, int off) {
        return ((b.getByte(off) & 0xff) << 8) | (b.getByte(off + 1) & 0xff);
    }
}
