package org.jcriu.criu.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * The far end of a victim's connections, in the test JVM: accepts them,
 * streams a known byte pattern into each and checks that the victim echoes
 * every byte back in order. An exception on a connection (a reset) is kept.
 */
final class Peer implements AutoCloseable {
    final ServerSocket server;
    final List<Conn> conns = new ArrayList<>();

    Peer(boolean v6) throws IOException {
        server = new ServerSocket(0, 200, InetAddress.getByName(v6 ? "::1" : "127.0.0.1"));
    }

    int port() {
        return server.getLocalPort();
    }

    void accept(int n) throws IOException {
        server.setSoTimeout(10_000);
        for (int i = 0; i < n; i++) conns.add(new Conn(server.accept()));
    }

    /** Connects n clients to a victim listening on 127.0.0.1:port. */
    void connect(int port, int n) throws IOException {
        for (int i = 0; i < n; i++) conns.add(new Conn(new Socket(InetAddress.getByName("127.0.0.1"), port)));
    }

    static byte at(long i) {
        return (byte) (i % 251);
    }

    /** One connection: a writer and a reader thread. */
    static final class Conn {
        final Socket s;
        volatile long sent, received;
        volatile Throwable error;
        volatile boolean writing;
        private Thread writer, reader;

        Conn(Socket s) {
            this.s = s;
        }

        /** Writes the pattern until {@link #stop}, chunk bytes at a time; reads and checks the echo. */
        void stream(int chunk, long pauseMs) {
            writing = true;
            writer = new Thread(() -> {
                try {
                    OutputStream o = s.getOutputStream();
                    byte[] b = new byte[chunk];
                    while (writing) {
                        for (int i = 0; i < chunk; i++) b[i] = at(sent + i);
                        o.write(b);
                        sent += chunk;
                        if (pauseMs > 0) Thread.sleep(pauseMs);
                    }
                } catch (Throwable e) {
                    if (writing) error = e;
                }
            }, "peer-writer");
            reader = new Thread(() -> {
                try {
                    InputStream in = s.getInputStream();
                    byte[] b = new byte[65536];
                    for (;;) {
                        int n = in.read(b);
                        if (n < 0) {
                            error = new IOException("EOF after " + received + " bytes");
                            return;
                        }
                        for (int i = 0; i < n; i++) {
                            if (b[i] != at(received + i)) {
                                error = new IOException("byte " + (received + i) + " differs");
                                return;
                            }
                        }
                        received += n;
                    }
                } catch (Throwable e) {
                    if (!s.isClosed()) error = e;
                }
            }, "peer-reader");
            writer.setDaemon(true);
            reader.setDaemon(true);
            writer.start();
            reader.start();
        }

        /** Stops writing and waits until every byte sent came back. */
        void stopAndDrain(long timeoutMs) throws InterruptedException {
            writing = false;
            writer.join(timeoutMs);
            long end = System.currentTimeMillis() + timeoutMs;
            while (received < sent && error == null && System.currentTimeMillis() < end) Thread.sleep(5);
        }

        /** Sends n pattern bytes and waits for their echo (no threads). */
        void exchange(int n, long timeoutMs) throws IOException {
            s.setSoTimeout((int) timeoutMs);
            byte[] b = new byte[n];
            for (int i = 0; i < n; i++) b[i] = at(sent + i);
            s.getOutputStream().write(b);
            sent += n;
            byte[] r = new byte[n];
            int got = 0;
            while (got < n) {
                int k = s.getInputStream().read(r, got, n - got);
                if (k < 0) throw new IOException("EOF after " + (received + got) + " bytes");
                got += k;
            }
            for (int i = 0; i < n; i++) {
                if (r[i] != at(received + i)) throw new IOException("byte " + (received + i) + " differs");
            }
            received += n;
        }
    }

    @Override
    public void close() throws IOException {
        for (Conn c : conns) {
            c.writing = false;
            c.s.close();
        }
        server.close();
    }
}
