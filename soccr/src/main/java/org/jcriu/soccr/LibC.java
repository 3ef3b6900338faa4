package org.jcriu.soccr;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * Raw libc bindings (JNA direct mapping) for sockets, TCP repair and setns.
 * Constants keep their C names; values are the Linux x86-64/generic ABI.
 * Every method returns the raw C result; {@link Sys} checks it and reads errno.
 */
final class LibC {
    static {
        Native.register(LibC.class, Platform.C_LIBRARY_NAME);
    }

    private LibC() {
    }

    // <sys/socket.h>
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_STREAM = 1;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_RAW = 3;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2;
    static final int SO_TYPE = 3;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_KEEPALIVE = 9;
    static final int SO_SNDBUFFORCE = 32;
    static final int SO_RCVBUFFORCE = 33;
    static final int SO_MARK = 36;
    static final int SO_PROTOCOL = 38;
    static final int SO_DOMAIN = 39;
    static final int MSG_PEEK = 0x2;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_NOSIGNAL = 0x4000;
    static final int SHUT_RD = 0;
    static final int SHUT_WR = 1;

    // <netinet/in.h>
    static final int IPPROTO_IP = 0;
    static final int IPPROTO_TCP = 6;
    static final int IPPROTO_IPV6 = 41;
    static final int IPPROTO_RAW = 255;
    static final int IP_HDRINCL = 3;
    static final int IPV6_V6ONLY = 26;
    static final int IPV6_HDRINCL = 36;

    // <linux/tcp.h>
    static final int TCP_NODELAY = 1;
    static final int TCP_MAXSEG = 2;
    static final int TCP_CORK = 3;
    static final int TCP_KEEPIDLE = 4;
    static final int TCP_KEEPINTVL = 5;
    static final int TCP_KEEPCNT = 6;
    static final int TCP_INFO = 11;
    /** Turn repair mode on (1), off (0), or off without a window probe (-1). */
    static final int TCP_REPAIR = 19;
    /** Select the queue that TCP_QUEUE_SEQ, send and recv(MSG_PEEK) act on. */
    static final int TCP_REPAIR_QUEUE = 20;
    /** Sequence number of the selected queue: write_seq (send) or rcv_nxt (receive). */
    static final int TCP_QUEUE_SEQ = 21;
    /** Array of struct tcp_repair_opt { u32 opt_code; u32 opt_val; }. */
    static final int TCP_REPAIR_OPTIONS = 22;
    /** Current timestamp clock plus the socket's offset; settable in repair mode. */
    static final int TCP_TIMESTAMP = 24;
    /** struct tcp_repair_window { u32 snd_wl1, snd_wnd, max_window, rcv_wnd, rcv_wup; }. */
    static final int TCP_REPAIR_WINDOW = 29;
    static final int TCP_REPAIR_ON = 1;
    static final int TCP_REPAIR_OFF = 0;
    static final int TCP_REPAIR_OFF_NO_WP = -1;
    static final int TCP_NO_QUEUE = 0;
    static final int TCP_RECV_QUEUE = 1;
    static final int TCP_SEND_QUEUE = 2;
    static final int TCPOPT_MSS = 2;
    static final int TCPOPT_WINDOW = 3;
    static final int TCPOPT_SACK_PERM = 4;
    static final int TCPOPT_TIMESTAMP = 8;
    static final int TCPI_OPT_TIMESTAMPS = 1;
    static final int TCPI_OPT_SACK = 2;
    static final int TCPI_OPT_WSCALE = 4;

    // <linux/sockios.h>
    /** Bytes in the receive queue (FIONREAD). */
    static final long SIOCINQ = 0x541B;
    /** Bytes in the send queue not yet acknowledged (TIOCOUTQ). */
    static final long SIOCOUTQ = 0x5411;
    /** Bytes in the send queue not yet sent. */
    static final long SIOCOUTQNSD = 0x894B;

    // <sched.h>, <fcntl.h>, <poll.h>
    static final int CLONE_NEWNET = 0x40000000;
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final short POLLIN = 0x1;
    static final short POLLOUT = 0x4;

    static native int socket(int domain, int type, int protocol);

    static native int close(int fd);

    static native int dup(int fd);

    static native int setsockopt(int fd, int level, int name, int[] val, int len);

    static native int setsockopt(int fd, int level, int name, byte[] val, int len);

    static native int getsockopt(int fd, int level, int name, int[] val, int[] len);

    static native int getsockopt(int fd, int level, int name, byte[] val, int[] len);

    static native int ioctl(int fd, long request, int[] arg);

    static native long recv(int fd, Pointer buf, long len, int flags);

    static native long send(int fd, Pointer buf, long len, int flags);

    static native long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrLen);

    static native int bind(int fd, byte[] addr, int len);

    static native int connect(int fd, byte[] addr, int len);

    static native int listen(int fd, int backlog);

    static native int accept4(int fd, byte[] addr, int[] len, int flags);

    static native int getsockname(int fd, byte[] addr, int[] len);

    static native int getpeername(int fd, byte[] addr, int[] len);

    static native int shutdown(int fd, int how);

    static native int poll(byte[] fds, long nfds, int timeout);

    static native int setns(int fd, int nstype);

    static native int open(String path, int flags);

    static native String strerror(int errnum);
}
