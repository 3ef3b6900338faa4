package org.jcriu.compel.sys;

import com.sun.jna.Memory;

/**
 * sys/socket.h for unix sockets: socketpair, and sendmsg/recvmsg carrying fds (SCM_RIGHTS).
 * <pre>
 * struct msghdr  { void *msg_name; socklen_t msg_namelen; struct iovec *msg_iov; size_t msg_iovlen;
 *                  void *msg_control; size_t msg_controllen; int msg_flags; };      // 56 bytes
 * struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; unsigned char data[]; }  // 16 + data
 * </pre>
 */
public final class Socket {
    private Socket() {}

    public static final int AF_UNIX = 1;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_SEQPACKET = 5;
    public static final int SOCK_NONBLOCK = 04000;
    public static final int SOCK_CLOEXEC = 02000000;
    public static final int SOL_SOCKET = 1;
    public static final int SCM_RIGHTS = 1;
    public static final int MSG_DONTWAIT = 0x40;
    /** no SIGPIPE when the peer is gone */
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int MSG_CTRUNC = 0x8;
    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_CMSG_CLOEXEC = 0x40000000;
    /** The most fds one SCM_RIGHTS message may carry */
    public static final int SCM_MAX_FD = 253;

    /** SOL_SOCKET option: receive timeout (struct timeval) */
    public static final int SO_RCVTIMEO = 20;

    /** setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, {sec, usec}): blocking receives give up with EAGAIN. */
    public static void setReceiveTimeout(int fd, long millis) {
        Memory tv = new Memory(16);
        tv.setLong(0, millis / 1000);
        tv.setLong(8, (millis % 1000) * 1000);
        Kernel.call("setsockopt(SO_RCVTIMEO)", Syscalls.number("setsockopt"), fd, SOL_SOCKET, SO_RCVTIMEO,
                com.sun.jna.Pointer.nativeValue(tv), 16, 0);
    }

    /** socketpair(domain, type, 0). @return the two fds */
    public static int[] socketpair(int domain, int type) {
        Memory m = new Memory(8);
        Kernel.call("socketpair", Syscalls.SOCKETPAIR, domain, type, 0, com.sun.jna.Pointer.nativeValue(m), 0, 0);
        return new int[] {m.getInt(0), m.getInt(4)};
    }

    /**
     * A reusable message header with room for one data buffer and up to {@link #SCM_MAX_FD} fds.
     * Not thread safe; one per socket user.
     */
    public static final class Msg {
        private final Memory hdr = new Memory(56 + 16 + 16 + SCM_MAX_FD * 4L + 8);
        private final long iov = com.sun.jna.Pointer.nativeValue(hdr) + 56;
        private final long cmsg = iov + 16;
        private int fdCount;

        /**
         * sendmsg(fd, {buf, len}, fds).
         *
         * @param fds fds to pass (null or empty for none)
         * @return bytes sent
         */
        public long send(int fd, long buf, long len, int[] fds, int fdOff, int fdLen) {
            hdr.clear(56 + 16);
            hdr.setLong(16, iov);
            hdr.setLong(24, 1);
            hdr.setLong(56, buf);
            hdr.setLong(64, len);
            if (fds != null && fdLen > 0) {
                if (fdLen > SCM_MAX_FD) {
                    throw new IllegalArgumentException("more than " + SCM_MAX_FD + " fds");
                }
                long clen = 16 + 4L * fdLen;
                long space = 16 + ((4L * fdLen + 7) & ~7L);
                hdr.setLong(cmsg - com.sun.jna.Pointer.nativeValue(hdr), clen);
                hdr.setInt(cmsg - com.sun.jna.Pointer.nativeValue(hdr) + 8, SOL_SOCKET);
                hdr.setInt(cmsg - com.sun.jna.Pointer.nativeValue(hdr) + 12, SCM_RIGHTS);
                for (int i = 0; i < fdLen; i++) {
                    hdr.setInt(cmsg - com.sun.jna.Pointer.nativeValue(hdr) + 16 + 4L * i, fds[fdOff + i]);
                }
                hdr.setLong(32, cmsg);
                hdr.setLong(40, space);
            }
            long r;
            do {
                r = Kernel.raw(Syscalls.SENDMSG, fd, com.sun.jna.Pointer.nativeValue(hdr), MSG_NOSIGNAL, 0, 0, 0);
            } while (r == -1 && Errno.last() == Errno.EINTR);
            if (r == -1) {
                throw ErrnoException.of("sendmsg", Errno.last());
            }
            return r;
        }

        /**
         * recvmsg(fd, {buf, len}) accepting fds (made close-on-exec); read them with {@link #fd(int)}.
         *
         * @return bytes received, 0 when the peer closed
         */
        public long receive(int fd, long buf, long len, int flags) {
            hdr.clear(56 + 16);
            hdr.setLong(16, iov);
            hdr.setLong(24, 1);
            hdr.setLong(56, buf);
            hdr.setLong(64, len);
            hdr.setLong(32, cmsg);
            hdr.setLong(40, 16 + SCM_MAX_FD * 4L + 4);
            long r;
            do {
                r = Kernel.raw(Syscalls.RECVMSG, fd, com.sun.jna.Pointer.nativeValue(hdr), flags | MSG_CMSG_CLOEXEC, 0, 0, 0);
            } while (r == -1 && Errno.last() == Errno.EINTR);
            if (r == -1) {
                throw ErrnoException.of("recvmsg", Errno.last());
            }
            fdCount = 0;
            long controllen = hdr.getLong(40);
            if (controllen >= 16) {
                long off = cmsg - com.sun.jna.Pointer.nativeValue(hdr);
                long clen = hdr.getLong(off);
                if (hdr.getInt(off + 8) == SOL_SOCKET && hdr.getInt(off + 12) == SCM_RIGHTS) {
                    fdCount = (int) ((clen - 16) / 4);
                }
            }
            return r;
        }

        /** @return how many fds the last {@link #receive} got */
        public int fdCount() {
            return fdCount;
        }

        /** @return fd number {@code i} received by the last {@link #receive} (now owned by the caller) */
        public int fd(int i) {
            return hdr.getInt(cmsg - com.sun.jna.Pointer.nativeValue(hdr) + 16 + 4L * i);
        }

        /** @return the msg_flags of the last {@link #receive} */
        public int flags() {
            return hdr.getInt(48);
        }
    }
}
