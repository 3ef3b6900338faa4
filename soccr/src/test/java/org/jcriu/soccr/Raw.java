package org.jcriu.soccr;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.io.IOException;
import java.net.InetAddress;

/** Plain blocking TCP sockets through libc, for tests (fds, not JDK channels). */
final class Raw {
    private Raw() {
    }

    static byte[] addr(String s) throws IOException {
        return InetAddress.getByName(s).getAddress();
    }

    static int listen(byte[] addr, int port) throws ErrnoException {
        int fd = Sys.socket(addr.length == 4 ? LibC.AF_INET : LibC.AF_INET6, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
        Sys.setInt(fd, LibC.SOL_SOCKET, LibC.SO_REUSEADDR, 1, "SO_REUSEADDR");
        byte[] sa = SockAddr.encode(addr, port);
        Sys.bind(fd, sa, sa.length);
        if (LibC.listen(fd, 4096) < 0) {
            throw ErrnoException.of("listen", Native.getLastError());
        }
        return fd;
    }

    static int localPort(int fd) throws ErrnoException {
        byte[] sa = new byte[SockAddr.MAX_LEN];
        Sys.getsockname(fd, sa);
        return SockAddr.port(sa);
    }

    static int connect(byte[] addr, int port) throws ErrnoException {
        int fd = Sys.socket(addr.length == 4 ? LibC.AF_INET : LibC.AF_INET6, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
        byte[] sa = SockAddr.encode(addr, port);
        Sys.connect(fd, sa, sa.length);
        return fd;
    }

    static int accept(int lfd) throws ErrnoException {
        int fd = LibC.accept4(lfd, null, null, LibC.SOCK_CLOEXEC);
        if (fd < 0) {
            throw ErrnoException.of("accept4", Native.getLastError());
        }
        return fd;
    }

    static void buffers(int fd, int size) throws ErrnoException {
        Sys.setInt(fd, LibC.SOL_SOCKET, LibC.SO_SNDBUFFORCE, size, "SO_SNDBUFFORCE");
        Sys.setInt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUFFORCE, size, "SO_RCVBUFFORCE");
    }

    /** Byte {@code i} of the test stream {@code seed}. */
    static byte pattern(int seed, long i) {
        return (byte) (i * 31 + (i >>> 9) + seed * 7);
    }

    /** Writes the pattern stream from offset {@code from} without blocking until the kernel stops taking it. */
    static long fillNonBlocking(int fd, int seed, long from, long max) throws ErrnoException {
        Memory m = new Memory(65536);
        long off = from;
        int stalls = 0;
        while (off - from < max && stalls < 20) {
            int n = (int) Math.min(65536, max - (off - from));
            byte[] chunk = new byte[n];
            for (int i = 0; i < n; i++) {
                chunk[i] = pattern(seed, off + i);
            }
            m.write(0, chunk, 0, n);
            long r = Sys.send(fd, m, n, LibC.MSG_DONTWAIT | LibC.MSG_NOSIGNAL, "fill");
            if (r > 0) {
                off += r;
                stalls = 0;
            } else {
                stalls++;
                sleep(5);
            }
        }
        return off - from;
    }

    static void writeAll(int fd, byte[] data) throws ErrnoException {
        Memory m = new Memory(Math.max(1, data.length));
        m.write(0, data, 0, data.length);
        long off = 0;
        while (off < data.length) {
            long r = Sys.send(fd, m.share(off), data.length - off, LibC.MSG_NOSIGNAL, "write");
            if (r > 0) {
                off += r;
            }
        }
    }

    /** Reads exactly n bytes (or fewer at EOF), failing after timeoutMs. */
    static byte[] read(int fd, int n, long timeoutMs) throws IOException {
        Memory m = new Memory(Math.max(1, Math.min(n, 1 << 20)));
        byte[] out = new byte[n];
        int off = 0;
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (off < n) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new IOException("timeout after " + off + " of " + n + " bytes");
            }
            Sys.poll(fd, LibC.POLLIN, (int) Math.min(left, 200));
            long r = LibC.recv(fd, m, Math.min(m.size(), n - off), LibC.MSG_DONTWAIT);
            if (r == 0) {
                byte[] shorter = new byte[off];
                System.arraycopy(out, 0, shorter, 0, off);
                return shorter;
            }
            if (r < 0) {
                int e = Native.getLastError();
                if (e != ErrnoException.EAGAIN && e != ErrnoException.EINTR) {
                    throw ErrnoException.of("recv", e);
                }
                continue;
            }
            m.read(0, out, off, (int) r);
            off += (int) r;
        }
        return out;
    }

    /** Reads the pattern stream {@code seed} from {@code from}, asserting every byte; returns the count. */
    static void expectPattern(int fd, int seed, long from, long len, long timeoutMs) throws IOException {
        long off = 0;
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (off < len) {
            byte[] got = read(fd, (int) Math.min(1 << 20, len - off), Math.max(1, deadline - System.currentTimeMillis()));
            for (int i = 0; i < got.length; i++) {
                if (got[i] != pattern(seed, from + off + i)) {
                    throw new AssertionError("stream " + seed + " differs at byte " + (from + off + i));
                }
            }
            if (got.length == 0) {
                throw new AssertionError("EOF after " + off + " of " + len + " bytes");
            }
            off += got.length;
        }
    }

    static TcpState state(int fd) throws ErrnoException {
        return TcpState.ofKernel(new TcpInfo().read(fd).state());
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
