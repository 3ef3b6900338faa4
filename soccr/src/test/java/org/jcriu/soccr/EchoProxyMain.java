package org.jcriu.soccr;

import java.io.DataInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import jnr.enxio.channels.NativeSocketChannel;

/**
 * Proxy B as a separate process: prints "ready" once warm, reads one
 * length-prefixed serialized connection from stdin, restores it in the network
 * namespace given as args[0], prints "restored", then echoes until EOF.
 * Exit status 0 on success; one line on stderr and status 1 otherwise.
 */
public final class EchoProxyMain {
    private EchoProxyMain() {
    }

    public static void main(String[] args) {
        try {
            TcpState.valueOf("ESTABLISHED");
            LibC.getsockopt(-1, 0, 0, new int[1], new int[] {4}); // load JNA and libc now, not during the hand-off
            System.out.println("ready");
            System.out.flush();
            DataInputStream in = new DataInputStream(System.in);
            byte[] state = new byte[in.readInt()];
            in.readFully(state);
            RestoredSocket r = Soccr.restore(TcpConnectionState.fromBytes(state),
                    RestoreOptions.DEFAULT.withNetns(Path.of(args[0])));
            System.out.println("restored");
            System.out.flush();
            long echoed = 0;
            try (NativeSocketChannel ch = r.channel()) {
                ByteBuffer bb = ByteBuffer.allocateDirect(65536);
                while (true) {
                    bb.clear();
                    int n = ch.read(bb);
                    if (n < 0) {
                        break;
                    }
                    bb.flip();
                    while (bb.hasRemaining()) {
                        ch.write(bb);
                    }
                    echoed += n;
                }
                ch.shutdownOutput();
            }
            System.out.println("echoed " + echoed);
            System.exit(0);
        } catch (Throwable e) {
            System.err.println("proxy B: " + e);
            System.exit(1);
        }
    }
}
