package org.jcriu.soccr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Native;
import org.junit.jupiter.api.Test;

/** Sockets soccr refuses, each with a one-line typed error. */
@SuppressWarnings("try") // try-with-resources used to scope a namespace switch
class ErrorsTest {

    @Test
    void listeningSocket() throws Exception {
        int lfd = Raw.listen(Raw.addr("127.0.0.1"), 0);
        try {
            UnsupportedSocketException e = assertThrows(UnsupportedSocketException.class, () -> Soccr.pause(lfd));
            assertTrue(e.getMessage().contains("listening socket"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        } finally {
            LibC.close(lfd);
        }
    }

    @Test
    void udpSocket() throws Exception {
        int fd = Sys.socket(LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        try {
            UnsupportedSocketException e = assertThrows(UnsupportedSocketException.class, () -> Soccr.pause(fd));
            assertTrue(e.getMessage().contains("UDP"), e.getMessage());
        } finally {
            LibC.close(fd);
        }
    }

    @Test
    void unconnectedTcpSocket() throws Exception {
        int fd = Sys.socket(LibC.AF_INET, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
        try {
            UnsupportedSocketException e = assertThrows(UnsupportedSocketException.class, () -> Soccr.pause(fd));
            assertTrue(e.getMessage().contains("CLOSE"), e.getMessage());
        } finally {
            LibC.close(fd);
        }
    }

    @Test
    void notInRepairMode() throws Exception {
        try (TestNet net = new TestNet()) {
            String ns = net.add("nr");
            int[] c = pair(ns);
            try {
                PausedSocket p = Soccr.pause(c[2]);
                // someone else turns repair off behind the handle's back
                Sys.setInt(c[2], LibC.IPPROTO_TCP, LibC.TCP_REPAIR, LibC.TCP_REPAIR_OFF_NO_WP, "TCP_REPAIR");
                NotInRepairModeException e = assertThrows(NotInRepairModeException.class, p::save);
                assertTrue(e.getMessage().contains("not in TCP repair mode"), e.getMessage());
                PausedSocket q = Soccr.pause(c[2]);
                q.resume();
                assertThrows(NotInRepairModeException.class, q::save);
                q.close();
                q.close();
            } finally {
                for (int fd : c) {
                    LibC.close(fd);
                }
            }
        }
    }

    @Test
    void withoutCapNetAdmin() throws Exception {
        try (TestNet net = new TestNet()) {
            String ns = net.add("cap");
            int[] c = pair(ns);
            Throwable[] got = new Throwable[1];
            // capabilities are per thread: drop CAP_NET_ADMIN on a throwaway thread only
            Thread t = new Thread(() -> {
                try {
                    dropCapNetAdmin();
                    Soccr.pause(c[2]);
                } catch (Throwable e) {
                    got[0] = e;
                }
            });
            t.start();
            t.join();
            try {
                assertTrue(got[0] instanceof PermissionDeniedException, String.valueOf(got[0]));
                PermissionDeniedException e = (PermissionDeniedException) got[0];
                assertEquals(1, e.errno());
                assertEquals("setsockopt(TCP_REPAIR)(..) failed with error(1): Operation not permitted",
                        e.getMessage());
            } finally {
                for (int fd : c) {
                    LibC.close(fd);
                }
            }
        }
    }

    @Test
    void restoreOntoABusyFourTupleFailsCleanly() throws Exception {
        try (TestNet net = new TestNet()) {
            String ns = net.add("busy");
            int[] c = pair(ns);
            try {
                TcpConnectionState s;
                try (PausedSocket p = Soccr.pause(c[2])) {
                    s = p.save();
                } // resumed: the original still owns the 4-tuple
                ErrnoException e = assertThrows(ErrnoException.class,
                        () -> Soccr.restore(s, RestoreOptions.DEFAULT.withNetns(TestNet.path(ns))));
                assertEquals("connect", e.call());
                assertEquals(99, e.errno(), e.getMessage()); // EADDRNOTAVAIL
                Raw.writeAll(c[1], new byte[] {42});
                assertEquals(42, Raw.read(c[2], 1, 2000)[0], "the original connection is untouched");
                assertEquals(TcpState.ESTABLISHED, Raw.state(c[1]));
            } finally {
                for (int fd : c) {
                    LibC.close(fd);
                }
            }
        }
    }

    @Test
    void corruptSerialization() {
        assertThrows(SoccrException.class, () -> TcpConnectionState.fromBytes(new byte[] {1, 2, 3}));
        assertThrows(SoccrException.class, () -> TcpConnectionState.fromBytes(new byte[] {'S', 'O', 'C', 'R', 9}));
    }

    private static int[] pair(String ns) throws Exception {
        byte[] a = Raw.addr("127.0.0.1");
        try (NetNs in = TestNet.enter(ns)) {
            int lfd = Raw.listen(a, 0);
            int peer = Raw.connect(a, Raw.localPort(lfd));
            return new int[] {lfd, peer, Raw.accept(lfd)};
        }
    }

    /** capget/capset on the calling thread: clears CAP_NET_ADMIN (12) from the effective set. */
    private static void dropCapNetAdmin() {
        int[] header = {0x20080522, 0};
        int[] data = new int[6];
        if (Cap.syscall(125, header, data) != 0) {
            throw new IllegalStateException("capget errno " + Native.getLastError());
        }
        data[0] &= ~(1 << 12);
        if (Cap.syscall(126, header, data) != 0) {
            throw new IllegalStateException("capset errno " + Native.getLastError());
        }
    }

    static final class Cap {
        static {
            Native.register(Cap.class, "c");
        }

        static native long syscall(long nr, int[] header, int[] data);
    }
}
