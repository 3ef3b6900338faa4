package org.jcriu.soccr;

/** struct sockaddr_in / sockaddr_in6 encoding; family in host order, port in network order. */
final class SockAddr {
    static final int MAX_LEN = 28;

    private SockAddr() {
    }

    /** Encodes {@code addr} (4 or 16 bytes) and {@code port} as the matching sockaddr. */
    static byte[] encode(byte[] addr, int port) {
        byte[] sa = new byte[addr.length == 4 ? 16 : 28];
        int family = addr.length == 4 ? LibC.AF_INET : LibC.AF_INET6;
        sa[0] = (byte) family;
        sa[1] = (byte) (family >>> 8);
        sa[2] = (byte) (port >>> 8);
        sa[3] = (byte) port;
        System.arraycopy(addr, 0, sa, addr.length == 4 ? 4 : 8, addr.length);
        return sa;
    }

    static int family(byte[] sa) {
        return (sa[0] & 0xff) | (sa[1] & 0xff) << 8;
    }

    static int port(byte[] sa) {
        return (sa[2] & 0xff) << 8 | (sa[3] & 0xff);
    }

    /** The address bytes of a sockaddr the kernel filled in. */
    static byte[] address(byte[] sa) {
        byte[] a = new byte[family(sa) == LibC.AF_INET ? 4 : 16];
        System.arraycopy(sa, a.length == 4 ? 4 : 8, a, 0, a.length);
        return a;
    }
}
