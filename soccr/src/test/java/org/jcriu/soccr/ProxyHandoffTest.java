package org.jcriu.soccr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import jnr.enxio.channels.NativeSocketChannel;
import org.junit.jupiter.api.Test;

/**
 * A running echo proxy hands a client's connection from proxy A to proxy B
 * mid-stream (as serialized bytes, the way two processes or hosts would); the
 * client streams 8 MiB, checks every echoed byte, and never sees an error.
 */
@SuppressWarnings("try") // try-with-resources used to scope a namespace switch
class ProxyHandoffTest {
    private static final long TOTAL = 8L << 20;

    @Test
    void echoProxyHandsConnectionOverMidStream() throws Exception {
        handOff(false);
    }

    /** Proxy B is a child JVM: the connection crosses a process boundary as bytes on a pipe. */
    @Test
    void echoProxyHandsConnectionToAnotherProcess() throws Exception {
        handOff(true);
    }

    private void handOff(boolean childProcess) throws Exception {
        try (TestNet net = new TestNet()) {
            String nsC = net.add("c");
            String nsP = net.add("px");
            TestNet.ip("link", "add", "vc", "netns", nsC, "type", "veth", "peer", "name", "vx", "netns", nsP);
            TestNet.ip("-n", nsC, "addr", "add", "10.201.0.1/24", "dev", "vc");
            TestNet.ip("-n", nsP, "addr", "add", "10.201.0.2/24", "dev", "vx");
            TestNet.ip("-n", nsC, "link", "set", "vc", "up");
            TestNet.ip("-n", nsP, "link", "set", "vx", "up");
            byte[] proxyAddr = Raw.addr("10.201.0.2");
            int lfd;
            try (NetNs in = TestNet.enter(nsP)) {
                lfd = Raw.listen(proxyAddr, 6000);
            }
            int client;
            try (NetNs in = TestNet.enter(nsC)) {
                client = Raw.connect(proxyAddr, 6000);
            }
            AtomicBoolean handoff = new AtomicBoolean();
            BlockingQueue<byte[]> wire = new SynchronousQueue<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicLong echoedByA = new AtomicLong();
            AtomicLong echoedByB = new AtomicLong();

            Thread proxyA = new Thread(() -> {
                try {
                    int fd = Raw.accept(lfd);
                    Memory buf = new Memory(65536);
                    while (!handoff.get()) {
                        Sys.poll(fd, LibC.POLLIN, 20);
                        long n = LibC.recv(fd, buf, buf.size(), LibC.MSG_DONTWAIT);
                        if (n > 0) {
                            long off = 0;
                            while (off < n) {
                                long w = Sys.send(fd, buf.share(off), n - off, LibC.MSG_NOSIGNAL, "echo A");
                                off += Math.max(0, w);
                            }
                            echoedByA.addAndGet(n);
                        } else if (n < 0 && Native.getLastError() != ErrnoException.EAGAIN) {
                            throw ErrnoException.of("recv", Native.getLastError());
                        }
                    }
                    TestNet.lock(nsP);
                    try (PausedSocket p = Soccr.pause(fd)) {
                        byte[] state = p.save().toBytes();
                        p.release();
                        wire.put(state);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "proxy-A");

            Process child = null;
            java.io.BufferedReader childOut = null;
            if (childProcess) {
                String javaBin = ProcessHandle.current().info().command().orElse("java");
                child = new ProcessBuilder(javaBin, "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-cp",
                        System.getProperty("java.class.path"), EchoProxyMain.class.getName(),
                        TestNet.path(nsP).toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                childOut = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(),
                        java.nio.charset.StandardCharsets.US_ASCII));
                assertEquals("ready", childOut.readLine());
            }
            Process childB = child;
            java.io.BufferedReader childLines = childOut;
            Thread proxyB = childProcess ? new Thread(() -> {
                try {
                    byte[] state = wire.poll(20, TimeUnit.SECONDS);
                    java.io.DataOutputStream out = new java.io.DataOutputStream(childB.getOutputStream());
                    out.writeInt(state.length);
                    out.write(state);
                    out.flush();
                    assertEquals("restored", childLines.readLine());
                    TestNet.unlock(nsP);
                    String last = childLines.readLine();
                    assertTrue(last != null && last.startsWith("echoed "), String.valueOf(last));
                    echoedByB.set(Long.parseLong(last.substring(7)));
                    assertTrue(childB.waitFor(10, TimeUnit.SECONDS));
                    assertEquals(0, childB.exitValue());
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "proxy-B-feeder") : new Thread(() -> {
                try {
                    byte[] state = wire.poll(20, TimeUnit.SECONDS);
                    RestoredSocket r = Soccr.restore(TcpConnectionState.fromBytes(state),
                            RestoreOptions.DEFAULT.withNetns(TestNet.path(nsP)));
                    TestNet.unlock(nsP);
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
                            echoedByB.addAndGet(n);
                        }
                        ch.shutdownOutput();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "proxy-B");

            AtomicLong clientRead = new AtomicLong();
            Thread clientReader = new Thread(() -> {
                try {
                    Raw.expectPattern(client, 5, 0, TOTAL, 30_000);
                    clientRead.set(TOTAL);
                    assertEquals(0, Raw.read(client, 1, 5000).length, "EOF from proxy B");
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "client-reader");
            proxyA.start();
            proxyB.start();
            clientReader.start();
            try {
                Memory chunk = new Memory(16384);
                byte[] data = new byte[16384];
                for (long off = 0; off < TOTAL; off += data.length) {
                    for (int i = 0; i < data.length; i++) {
                        data[i] = Raw.pattern(5, off + i);
                    }
                    chunk.write(0, data, 0, data.length);
                    long w = 0;
                    long deadline = System.currentTimeMillis() + 20_000;
                    while (w < data.length) {
                        assertNull(failure.get());
                        assertTrue(System.currentTimeMillis() < deadline, "client stuck writing at " + off);
                        long r = Sys.send(client, chunk.share(w), data.length - w,
                                LibC.MSG_NOSIGNAL | LibC.MSG_DONTWAIT, "client");
                        if (r > 0) {
                            w += r;
                        } else {
                            Sys.poll(client, LibC.POLLOUT, 100);
                        }
                    }
                    if (off == TOTAL / 4) {
                        handoff.set(true);
                    }
                }
                Sys.shutdown(client, LibC.SHUT_WR);
                clientReader.join(40_000);
                proxyA.join(5_000);
                proxyB.join(15_000);
                assertNull(failure.get());
                assertEquals(TOTAL, clientRead.get());
                assertTrue(echoedByA.get() > 0 && echoedByB.get() > 0,
                        "A echoed " + echoedByA.get() + ", B echoed " + echoedByB.get());
                assertEquals(TOTAL, echoedByA.get() + echoedByB.get(), "every byte echoed exactly once");
            } finally {
                handoff.set(true);
                LibC.close(client);
                LibC.close(lfd);
                if (child != null) {
                    child.destroyForcibly();
                }
            }
        }
    }
}
