package org.jcriu.criu.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * netlink sock_diag (NETLINK_SOCK_DIAG): every unix socket of the caller's
 * network namespace with its name, bound inode, peer, pending connections,
 * queue lengths and shutdown state (UNIX_DIAG_*).
 *
 * <pre>
 * struct unix_diag_req { u8 sdiag_family, sdiag_protocol; u16 pad; u32 udiag_states, udiag_ino,
 *                        udiag_show, udiag_cookie[2]; };
 * struct unix_diag_msg { u8 udiag_family, udiag_type, udiag_state, pad; u32 udiag_ino, udiag_cookie[2]; };
 * </pre>
 */
public final class SockDiag {
    private static final int AF_NETLINK = 16, SOCK_DGRAM = 2, NETLINK_SOCK_DIAG = 4, SOCK_DIAG_BY_FAMILY = 20;
    private static final int NLM_F_REQUEST = 1, NLM_F_DUMP = 0x300, NLMSG_DONE = 3, NLMSG_ERROR = 2;
    private static final int UDIAG_SHOW_NAME = 1, UDIAG_SHOW_VFS = 2, UDIAG_SHOW_PEER = 4, UDIAG_SHOW_ICONS = 8,
            UDIAG_SHOW_RQLEN = 16, UDIAG_SHOW_MEMINFO = 32;
    private static final int UNIX_DIAG_NAME = 0, UNIX_DIAG_VFS = 1, UNIX_DIAG_PEER = 2, UNIX_DIAG_ICONS = 3,
            UNIX_DIAG_RQLEN = 4, UNIX_DIAG_SHUTDOWN = 6;
    public static final int AF_UNIX = 1;

    /**
     * One unix socket as the kernel describes it.
     *
     * @param ino socket inode
     * @param type SOCK_STREAM 1, SOCK_DGRAM 2, SOCK_SEQPACKET 5
     * @param state TCP_ESTABLISHED 1, TCP_CLOSE 7, TCP_LISTEN 10
     * @param name bound name (abstract names begin with a 0 byte), empty if none
     * @param vfsIno inode of the socket file of a bound path, 0 if none
     * @param vfsDev device of the socket file
     * @param peer inode of the peer, 0 if none
     * @param icons inodes of connections waiting to be accepted
     * @param rqueue bytes queued to read (for a listener: pending connections)
     * @param wqueue bytes queued to write (for a listener: its backlog)
     * @param shutdown RCV_SHUTDOWN 1 | SEND_SHUTDOWN 2
     */
    public record UnixSocket(long ino, int type, int state, byte[] name, long vfsIno, int vfsDev, long peer,
                             long[] icons, int rqueue, int wqueue, int shutdown) {}

    private SockDiag() {}

    /** Dumps every unix socket of this network namespace, by inode. */
    public static Map<Long, UnixSocket> unixSockets() throws Errno {
        int fd;
        try {
            fd = LibC.socket(AF_NETLINK, SOCK_DGRAM | 02000000, NETLINK_SOCK_DIAG);
        } catch (LastErrorException e) {
            throw new Errno("socket(AF_NETLINK, NETLINK_SOCK_DIAG)", e.getErrorCode());
        }
        try (Fd nl = new Fd(fd)) {
            Memory req = new Memory(16 + 24);
            req.clear();
            req.setInt(0, 40);
            req.setShort(4, (short) SOCK_DIAG_BY_FAMILY);
            req.setShort(6, (short) (NLM_F_REQUEST | NLM_F_DUMP));
            req.setInt(8, 1);
            req.setByte(16, (byte) AF_UNIX);
            req.setInt(20, -1); // all states
            req.setInt(28, UDIAG_SHOW_NAME | UDIAG_SHOW_VFS | UDIAG_SHOW_PEER | UDIAG_SHOW_ICONS | UDIAG_SHOW_RQLEN);
            req.setInt(32, -1);
            req.setInt(36, -1);
            Memory addr = new Memory(12);
            addr.clear();
            addr.setShort(0, (short) AF_NETLINK);
            try {
                LibC.sendto(nl.fd(), req, 40, 0, addr, 12);
            } catch (LastErrorException e) {
                throw new Errno("sendto(sock_diag)", e.getErrorCode());
            }
            Map<Long, UnixSocket> out = new HashMap<>();
            Memory buf = new Memory(1 << 16);
            for (;;) {
                long n;
                try {
                    n = LibC.recv(nl.fd(), buf, buf.size(), 0);
                } catch (LastErrorException e) {
                    throw new Errno("recv(sock_diag)", e.getErrorCode());
                }
                int off = 0;
                while (off + 16 <= n) {
                    int len = buf.getInt(off);
                    int type = buf.getShort(off + 4) & 0xffff;
                    if (type == NLMSG_DONE) return out;
                    if (type == NLMSG_ERROR) throw new Errno("sock_diag", -buf.getInt(off + 16));
                    if (type == SOCK_DIAG_BY_FAMILY) parse(buf, off + 16, off + len, out);
                    off += (len + 3) & ~3;
                }
                if (n <= 0) return out;
            }
        }
    }

    private static void parse(Memory b, int p, int end, Map<Long, UnixSocket> out) {
        int type = b.getByte(p + 1) & 0xff;
        int state = b.getByte(p + 2) & 0xff;
        long ino = b.getInt(p + 4) & 0xffffffffL;
        byte[] name = new byte[0];
        long vfsIno = 0, peer = 0;
        int vfsDev = 0, rq = 0, wq = 0, shut = 0;
        List<Long> icons = new ArrayList<>();
        int a = p + 16;
        while (a + 4 <= end) {
            int alen = b.getShort(a) & 0xffff;
            int atype = b.getShort(a + 2) & 0xffff;
            if (alen < 4) break;
            int d = a + 4, dl = alen - 4;
            switch (atype) {
                case UNIX_DIAG_NAME -> name = b.getByteArray(d, dl);
                case UNIX_DIAG_VFS -> {
                    vfsIno = b.getInt(d) & 0xffffffffL;
                    vfsDev = b.getInt(d + 4);
                }
                case UNIX_DIAG_PEER -> peer = b.getInt(d) & 0xffffffffL;
                case UNIX_DIAG_ICONS -> {
                    for (int i = 0; i + 4 <= dl; i += 4) icons.add(b.getInt(d + i) & 0xffffffffL);
                }
                case UNIX_DIAG_RQLEN -> {
                    rq = b.getInt(d);
                    wq = b.getInt(d + 4);
                }
                case UNIX_DIAG_SHUTDOWN -> shut = b.getByte(d) & 0xff;
                default -> { }
            }
            a += (alen + 3) & ~3;
        }
        out.put(ino, new UnixSocket(ino, type, state, name, vfsIno, vfsDev, peer,
                icons.stream().mapToLong(Long::longValue).toArray(), rq, wq, shut));
    }
}
