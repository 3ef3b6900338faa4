package org.jcriu.soccr;

/**
 * The head of the kernel's struct tcp_info (TCP_INFO), the fields soccr reads:
 * <pre>
 * struct tcp_info {
 *     __u8 tcpi_state; __u8 tcpi_ca_state; __u8 tcpi_retransmits; __u8 tcpi_probes;
 *     __u8 tcpi_backoff; __u8 tcpi_options; __u8 tcpi_snd_wscale : 4, tcpi_rcv_wscale : 4;
 *     __u8 tcpi_delivery_rate_app_limited:1, tcpi_fastopen_client_fail:2;
 *     __u32 tcpi_rto; __u32 tcpi_ato; __u32 tcpi_snd_mss; __u32 tcpi_rcv_mss;
 *     __u32 tcpi_unacked; ...
 * };</pre>
 */
final class TcpInfo {
    static final int SIZE = 104;
    private final byte[] raw = new byte[SIZE];

    /** Reads TCP_INFO of {@code fd} into this object and returns it. */
    TcpInfo read(int fd) throws ErrnoException {
        Sys.getBytes(fd, LibC.IPPROTO_TCP, LibC.TCP_INFO, raw, "TCP_INFO");
        return this;
    }

    int state() {
        return raw[0] & 0xff;
    }

    int options() {
        return raw[5] & 0xff;
    }

    int sndWscale() {
        return raw[6] & 0x0f;
    }

    int rcvWscale() {
        return (raw[6] >>> 4) & 0x0f;
    }

    int unacked() {
        return u32(24);
    }

    private int u32(int off) {
        return (raw[off] & 0xff) | (raw[off + 1] & 0xff) << 8 | (raw[off + 2] & 0xff) << 16 | (raw[off + 3] & 0xff) << 24;
    }
}
