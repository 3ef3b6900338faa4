package org.jcriu.criu.net;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import org.jcriu.criu.sys.Errno;

/**
 * The socket calls of this package (JNA direct mapping), each behind a thin
 * wrapper that checks the result and throws {@link Errno} naming the call.
 * Constants keep their C names (sys/socket.h, netinet/in.h, netinet/tcp.h).
 */
final class NetLib {
    static final int AF_INET = 2, AF_INET6 = 10, SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_CLOEXEC = 02000000;
    static final int IPPROTO_IP = 0, IPPROTO_TCP = 6, IPPROTO_UDP = 17, IPPROTO_IPV6 = 41;
    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2, SO_TYPE = 3, SO_DONTROUTE = 5, SO_BROADCAST = 6, SO_SNDBUF = 7,
            SO_RCVBUF = 8, SO_KEEPALIVE = 9, SO_OOBINLINE = 10, SO_NO_CHECK = 11, SO_PRIORITY = 12,
            SO_LINGER = 13, SO_REUSEPORT = 15, SO_PASSCRED = 16, SO_RCVLOWAT = 18, SO_RCVTIMEO = 20,
            SO_SNDTIMEO = 21, SO_BINDTODEVICE = 25, SO_SNDBUFFORCE = 32, SO_RCVBUFFORCE = 33, SO_PASSSEC = 34,
            SO_MARK = 36, SO_PROTOCOL = 38, SO_DOMAIN = 39, SO_BUF_LOCK = 72;
    static final int IP_FREEBIND = 15, IPV6_V6ONLY = 26;
    static final int TCP_INFO = 11, TCP_KEEPIDLE = 4, TCP_KEEPINTVL = 5, TCP_KEEPCNT = 6;
    static final int F_GETFL = 3, F_SETFL = 4, O_NONBLOCK = 04000;

    private NetLib() {}

    static {
        Native.register(NativeLibrary.getInstance("c"));
    }

    private static native int socket(int domain, int type, int proto) throws LastErrorException;

    private static native int close(int fd) throws LastErrorException;

    private static native int bind(int fd, Pointer addr, int len) throws LastErrorException;

    private static native int listen(int fd, int backlog) throws LastErrorException;

    private static native int connect(int fd, Pointer addr, int len) throws LastErrorException;

    private static native int getsockopt(int fd, int level, int name, Pointer val, int[] len) throws LastErrorException;

    private static native int setsockopt(int fd, int level, int name, Pointer val, int len) throws LastErrorException;

    private static native int getsockname(int fd, Pointer addr, int[] len) throws LastErrorException;

    private static native int getpeername(int fd, Pointer addr, int[] len) throws LastErrorException;

    private static native int fcntl(int fd, int cmd, long arg) throws LastErrorException;

    private static native long sendto(int fd, Pointer buf, long len, int flags, Pointer addr, int alen) throws LastErrorException;

    private static native long recv(int fd, Pointer buf, long len, int flags) throws LastErrorException;

    static int socket(int domain, int type) throws Errno {
        try {
            return socket(domain, type | SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new Errno("socket", e.getErrorCode());
        }
    }

    static int netlink(int proto) throws Errno {
        try {
            return socket(16, SOCK_DGRAM | SOCK_CLOEXEC, proto);
        } catch (LastErrorException e) {
            throw new Errno("socket(AF_NETLINK)", e.getErrorCode());
        }
    }

    static void close(int fd, boolean quiet) {
        try {
            close(fd);
        } catch (LastErrorException ignored) {
            // the number is released either way
        }
    }

    static void bind(int fd, SockAddr a) throws Errno {
        try (Memory m = a.toNative()) {
            bind(fd, m, (int) m.size());
        } catch (LastErrorException e) {
            throw new Errno("bind(" + a + ")", e.getErrorCode());
        }
    }

    static void connect(int fd, SockAddr a) throws Errno {
        try (Memory m = a.toNative()) {
            connect(fd, m, (int) m.size());
        } catch (LastErrorException e) {
            throw new Errno("connect(" + a + ")", e.getErrorCode());
        }
    }

    static void listenOn(int fd, int backlog) throws Errno {
        try {
            listen(fd, backlog);
        } catch (LastErrorException e) {
            throw new Errno("listen", e.getErrorCode());
        }
    }

    static SockAddr sockname(int fd) throws Errno {
        try (Memory m = new Memory(128)) {
            m.clear();
            int[] len = {128};
            getsockname(fd, m, len);
            return SockAddr.fromNative(m, len[0]);
        } catch (LastErrorException e) {
            throw new Errno("getsockname", e.getErrorCode());
        }
    }

    /** getpeername, or null if the socket is not connected. */
    static SockAddr peername(int fd) throws Errno {
        try (Memory m = new Memory(128)) {
            m.clear();
            int[] len = {128};
            getpeername(fd, m, len);
            return SockAddr.fromNative(m, len[0]);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == 107) return null; // ENOTCONN
            throw new Errno("getpeername", e.getErrorCode());
        }
    }

    static int getInt(int fd, int level, int name, String what) throws Errno {
        try (Memory v = new Memory(4)) {
            v.setInt(0, 0);
            getsockopt(fd, level, name, v, new int[] {4});
            return v.getInt(0);
        } catch (LastErrorException e) {
            throw new Errno("getsockopt(" + what + ")", e.getErrorCode());
        }
    }

    /** getsockopt into a buffer of n bytes; returns the bytes the kernel wrote. */
    static byte[] getBytes(int fd, int level, int name, int n, String what) throws Errno {
        try (Memory v = new Memory(n)) {
            v.clear();
            int[] len = {n};
            getsockopt(fd, level, name, v, len);
            return v.getByteArray(0, len[0]);
        } catch (LastErrorException e) {
            throw new Errno("getsockopt(" + what + ")", e.getErrorCode());
        }
    }

    static void setInt(int fd, int level, int name, int value, String what) throws Errno {
        try (Memory v = new Memory(4)) {
            v.setInt(0, value);
            setsockopt(fd, level, name, v, 4);
        } catch (LastErrorException e) {
            throw new Errno("setsockopt(" + what + ")", e.getErrorCode());
        }
    }

    static void setBytes(int fd, int level, int name, byte[] value, String what) throws Errno {
        try (Memory v = new Memory(Math.max(1, value.length))) {
            v.write(0, value, 0, value.length);
            setsockopt(fd, level, name, v, value.length);
        } catch (LastErrorException e) {
            throw new Errno("setsockopt(" + what + ")", e.getErrorCode());
        }
    }

    static int getfl(int fd) throws Errno {
        try {
            return fcntl(fd, F_GETFL, 0);
        } catch (LastErrorException e) {
            throw new Errno("fcntl(F_GETFL)", e.getErrorCode());
        }
    }

    static void setfl(int fd, int flags) throws Errno {
        try {
            fcntl(fd, F_SETFL, flags);
        } catch (LastErrorException e) {
            throw new Errno("fcntl(F_SETFL)", e.getErrorCode());
        }
    }

    static void sendto(int fd, Pointer buf, long len, Pointer addr, int alen) throws Errno {
        try {
            sendto(fd, buf, len, 0, addr, alen);
        } catch (LastErrorException e) {
            throw new Errno("sendto(netlink)", e.getErrorCode());
        }
    }

    static long recv(int fd, Pointer buf, long len) throws Errno {
        try {
            return recv(fd, buf, len, 0);
        } catch (LastErrorException e) {
            throw new Errno("recv(netlink)", e.getErrorCode());
        }
    }
}
