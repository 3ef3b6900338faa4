package org.jcriu.soccr;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import jnr.enxio.channels.NativeSocketChannel;

/**
 * Runnable example (as root): a loopback connection moves to a new socket with
 * data in flight. The peer is an ordinary JDK SocketChannel and never notices.
 *
 * <pre>java -cp soccr.jar:jna.jar:jnr-enxio.jar:... org.jcriu.soccr.Example</pre>
 */
public final class Example {
    private Example() {
    }

    /** Runs the example; needs root (CAP_NET_ADMIN). */
    public static void main(String[] args) throws Exception {
        SoccrLogger log = (level, message) -> System.err.println("soccr " + level + ": " + message);
        // plumbing: a listening socket and an accepted fd (any source of a TCP fd will do)
        int lfd = Sys.socket(LibC.AF_INET, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
        byte[] any = SockAddr.encode(new byte[] {127, 0, 0, 1}, 0);
        Sys.bind(lfd, any, any.length);
        LibC.listen(lfd, 1);
        byte[] sa = new byte[SockAddr.MAX_LEN];
        Sys.getsockname(lfd, sa);
        try (SocketChannel peer = SocketChannel.open(new InetSocketAddress("127.0.0.1", SockAddr.port(sa)))) {
            int fd = LibC.accept4(lfd, null, null, LibC.SOCK_CLOEXEC);
            LibC.close(lfd);
            peer.write(ByteBuffer.wrap("written before the move".getBytes(StandardCharsets.US_ASCII)));
            Thread.sleep(20);

            // 1. pause, save, release: the connection now exists only as bytes
            byte[] wire;
            try (PausedSocket paused = Soccr.pause(fd, log)) {
                TcpConnectionState state = paused.save();
                System.out.println("saved: " + state);
                wire = state.toBytes();
                paused.release();
            }
            System.out.println("serialized: " + wire.length + " bytes");

            // 2. restore on a new socket and carry on through a selectable channel
            RestoredSocket restored = Soccr.restore(TcpConnectionState.fromBytes(wire),
                    RestoreOptions.DEFAULT.withLogger(log));
            try (NativeSocketChannel ch = restored.channel()) {
                ByteBuffer in = ByteBuffer.allocate(64);
                ch.read(in);
                System.out.println("restored socket read: "
                        + new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII));
                ch.write(ByteBuffer.wrap("reply from the restored socket".getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer back = ByteBuffer.allocate(64);
                peer.read(back);
                System.out.println("peer read: " + new String(back.array(), 0, back.position(),
                        StandardCharsets.US_ASCII));
            }
        }
    }
}
