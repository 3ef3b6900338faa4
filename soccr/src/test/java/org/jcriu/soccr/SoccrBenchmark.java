package org.jcriu.soccr;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Save + release + restore of live connections, each inside a namespace the
 * benchmark creates and locks (all TCP dropped) so that nothing on the wire
 * changes the state between iterations. One operation moves every connection
 * of the state onto a fresh socket.
 *
 * <pre>mvn -B -q -pl soccr -Pjmh test-compile exec:exec</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-XX:-UsePerfData")
@SuppressWarnings("try") // try-with-resources used to scope a namespace switch
public class SoccrBenchmark {

    /** Connections in one locked namespace; {@code srv[i]} is the side that moves. */
    public abstract static class Conns {
        TestNet net;
        String ns;
        int lfd;
        int[] peers;
        int[] srv;
        RestoreOptions opts;

        void open(int n, String tag) throws Exception {
            net = new TestNet();
            ns = net.add(tag);
            opts = RestoreOptions.DEFAULT.withNetns(TestNet.path(ns));
            byte[] a = Raw.addr("127.0.0.1");
            peers = new int[n];
            srv = new int[n];
            try (NetNs in = TestNet.enter(ns)) {
                lfd = Raw.listen(a, 0);
                for (int i = 0; i < n; i++) {
                    peers[i] = Raw.connect(a, Raw.localPort(lfd));
                    srv[i] = Raw.accept(lfd);
                }
            }
        }

        NetNs entered;
        Thread owner;

        /** Moves the benchmark thread itself into the namespace: restores then need no setns. */
        void enterHere() throws Exception {
            entered = TestNet.enter(ns);
            owner = Thread.currentThread();
            opts = RestoreOptions.DEFAULT;
        }

        void checkThread() {
            if (owner != null && owner != Thread.currentThread()) {
                throw new IllegalStateException("benchmark thread is not the one that entered the namespace");
            }
        }

        TcpConnectionState move(int i) throws SoccrException {
            TcpConnectionState s;
            try (PausedSocket p = Soccr.pause(srv[i])) {
                s = p.save();
                p.release();
            }
            return s;
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            if (entered != null) {
                entered.close();
            }
            for (int fd : srv) {
                LibC.setsockopt(fd, LibC.IPPROTO_TCP, LibC.TCP_REPAIR, new int[] {1}, 4);
                LibC.close(fd);
            }
            for (int fd : peers) {
                LibC.close(fd);
            }
            LibC.close(lfd);
            net.close();
        }
    }

    @State(Scope.Thread)
    public static class Idle extends Conns {
        @Setup(Level.Trial)
        public void setUp() throws Exception {
            open(1, "bi");
            TestNet.lock(ns);
            enterHere();
        }
    }

    @State(Scope.Thread)
    public static class IdleOtherNs extends Conns {
        @Setup(Level.Trial)
        public void setUp() throws Exception {
            open(1, "bn");
            TestNet.lock(ns);
        }
    }

    @State(Scope.Thread)
    public static class Thousand extends Conns {
        @Setup(Level.Trial)
        public void setUp() throws Exception {
            open(1000, "bk");
            TestNet.lock(ns);
            enterHere();
        }
    }

    @State(Scope.Thread)
    public static class Queued4M extends Conns {
        @Setup(Level.Trial)
        public void setUp() throws Exception {
            open(1, "bq");
            Raw.buffers(srv[0], 8 << 20);
            Raw.buffers(peers[0], 8 << 20);
            Raw.writeAll(peers[0], new byte[2 << 20]);
            Raw.sleep(100);
            TestNet.lock(ns);
            Raw.writeAll(srv[0], new byte[2 << 20]);
            TcpConnectionState s = move(0);
            if (s.receiveQueueLength() + s.sendQueueLength() != 4 << 20) {
                throw new IllegalStateException("expected 4 MiB queued: " + s);
            }
            srv[0] = Soccr.restore(s, opts).detach();
            enterHere();
        }
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int idleConnection(Idle st) throws Exception {
        st.checkThread();
        TcpConnectionState s = st.move(0);
        st.srv[0] = Soccr.restore(s, st.opts).detach();
        return st.srv[0];
    }

    /** As idleConnection, but the restore enters the namespace by path (open + 2 setns per call). */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int idleConnectionIntoNetns(IdleOtherNs st) throws Exception {
        TcpConnectionState s = st.move(0);
        st.srv[0] = Soccr.restore(s, st.opts).detach();
        return st.srv[0];
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int thousandConnections(Thousand st) throws Exception {
        st.checkThread();
        List<TcpConnectionState> saved = new ArrayList<>(st.srv.length);
        for (int i = 0; i < st.srv.length; i++) {
            saved.add(st.move(i));
        }
        List<RestoredSocket> r = Soccr.restoreAll(saved, st.opts);
        for (int i = 0; i < st.srv.length; i++) {
            st.srv[i] = r.get(i).detach();
        }
        return st.srv[0];
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int queued4MiB(Queued4M st) throws Exception {
        st.checkThread();
        TcpConnectionState s = st.move(0);
        st.srv[0] = Soccr.restore(s, st.opts).detach();
        return st.srv[0];
    }
}
