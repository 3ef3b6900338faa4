package org.jcriu.criu.net;

import com.sun.jna.Memory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * An IPv4 or IPv6 socket address: family, address bytes in network order
 * (4 or 16) and port.
 *
 * <pre>
 * struct sockaddr_in  { sa_family_t sin_family; __be16 sin_port; struct in_addr sin_addr; u8 pad[8]; };      16 bytes
 * struct sockaddr_in6 { sa_family_t sin6_family; __be16 sin6_port; __be32 sin6_flowinfo;
 *                       struct in6_addr sin6_addr; __u32 sin6_scope_id; };                                   28 bytes
 * </pre>
 *
 * In CRIU's inet socket entry an address is a list of u32 words holding the
 * network-order bytes as the machine reads them (little-endian here):
 * {@link #words()} and {@link #fromWords}.
 */
record SockAddr(int family, byte[] addr, int port) {

    static SockAddr any(int family) {
        return new SockAddr(family, new byte[family == NetLib.AF_INET6 ? 16 : 4], 0);
    }

    Memory toNative() {
        Memory m = new Memory(family == NetLib.AF_INET6 ? 28 : 16);
        m.clear();
        m.setShort(0, (short) family);
        m.setByte(2, (byte) (port >>> 8));
        m.setByte(3, (byte) port);
        m.write(family == NetLib.AF_INET6 ? 8 : 4, addr, 0, addr.length);
        return m;
    }

    static SockAddr fromNative(Memory m, int len) {
        int family = m.getShort(0) & 0xffff;
        int port = ((m.getByte(2) & 0xff) << 8) | (m.getByte(3) & 0xff);
        if (family == NetLib.AF_INET6) return new SockAddr(family, m.getByteArray(8, 16), port);
        if (family == NetLib.AF_INET) return new SockAddr(family, m.getByteArray(4, 4), port);
        return new SockAddr(family, new byte[0], 0);
    }

    boolean isAny() {
        for (byte b : addr) if (b != 0) return false;
        return true;
    }

    /** An IPv4-mapped IPv6 address (::ffff:a.b.c.d): on the wire it is IPv4. */
    boolean v4Mapped() {
        if (addr.length != 16) return false;
        for (int i = 0; i < 10; i++) if (addr[i] != 0) return false;
        return addr[10] == (byte) 0xff && addr[11] == (byte) 0xff;
    }

    /** The address as it travels on the wire: 4 bytes for IPv4 and IPv4-mapped. */
    byte[] wire() {
        return v4Mapped() ? Arrays.copyOfRange(addr, 12, 16) : addr;
    }

    List<Integer> words() {
        Integer[] w = new Integer[addr.length / 4];
        for (int i = 0; i < w.length; i++) {
            w[i] = (addr[4 * i] & 0xff) | (addr[4 * i + 1] & 0xff) << 8 | (addr[4 * i + 2] & 0xff) << 16
                    | (addr[4 * i + 3] & 0xff) << 24;
        }
        return List.of(w);
    }

    static SockAddr fromWords(int family, List<Integer> words, int port) {
        byte[] a = new byte[family == NetLib.AF_INET6 ? 16 : 4];
        for (int i = 0; i < words.size() && 4 * i < a.length; i++) {
            int w = words.get(i);
            a[4 * i] = (byte) w;
            a[4 * i + 1] = (byte) (w >>> 8);
            a[4 * i + 2] = (byte) (w >>> 16);
            a[4 * i + 3] = (byte) (w >>> 24);
        }
        return new SockAddr(family, a, port);
    }

    static String text(byte[] a) {
        try {
            return InetAddress.getByAddress(a).getHostAddress();
        } catch (UnknownHostException e) {
            return Arrays.toString(a);
        }
    }

    @Override
    public String toString() {
        return (family == NetLib.AF_INET6 ? "[" + text(addr) + "]" : text(addr)) + ":" + port;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SockAddr s && s.family == family && s.port == port && Arrays.equals(s.addr, addr);
    }

    @Override
    public int hashCode() {
        return family * 31 + port + Arrays.hashCode(addr);
    }
}
