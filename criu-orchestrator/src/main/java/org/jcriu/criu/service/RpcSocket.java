package org.jcriu.criu.service;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.jcriu.compel.sys.ErrnoException;
import org.jcriu.compel.sys.Kernel;
import org.jcriu.compel.sys.Syscalls;
import org.jcriu.images.proto.CriuReq;
import org.jcriu.images.proto.CriuResp;

/**
 * The swrk channel: an inherited SOCK_SEQPACKET fd over which each packet is
 * one bare protobuf message (no length prefix: the packet boundary frames it),
 * CriuReq from the caller, CriuResp from us.
 */
final class RpcSocket {
    /** CRIU's requests stay far below this; a larger packet is cut and refused. */
    private static final int MAX_PACKET = 1 << 20;
    private static final int MSG_TRUNC = 0x20;

    private final int fd;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(MAX_PACKET);
    private final int recvfrom = Syscalls.number("recvfrom");
    private final int sendto = Syscalls.number("sendto");

    RpcSocket(int fd) {
        this.fd = fd;
    }

    /** The next request, or null when the caller closed its end. */
    CriuReq receive() throws IOException {
        long n;
        try {
            n = Kernel.call("recvfrom(swrk)", recvfrom, fd, Kernel.address(buf), MAX_PACKET, MSG_TRUNC, 0, 0);
        } catch (ErrnoException e) {
            throw new IOException("swrk: " + e.getMessage(), e);
        }
        if (n == 0) return null;
        if (n > MAX_PACKET) throw new IOException("swrk: request of " + n + " bytes is larger than " + MAX_PACKET);
        ByteBuffer packet = buf.duplicate();
        packet.position(0).limit((int) n);
        try {
            return CriuReq.parseFrom(packet);
        } catch (InvalidProtocolBufferException e) {
            throw new IOException("swrk: malformed request: " + e.getMessage(), e);
        }
    }

    void send(CriuResp resp) throws IOException {
        byte[] bytes = resp.toByteArray();
        ByteBuffer out = ByteBuffer.allocateDirect(bytes.length);
        out.put(bytes).flip();
        try {
            Kernel.call("sendto(swrk)", sendto, fd, Kernel.address(out), bytes.length, 0, 0, 0);
        } catch (ErrnoException e) {
            throw new IOException("swrk: " + e.getMessage(), e);
        }
    }
}
